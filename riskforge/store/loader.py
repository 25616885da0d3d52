"""Loading a stored model only after proving it is the file that was trained."""

from __future__ import annotations

import hashlib

import lightgbm as lgb

from riskforge.errors import IntegrityError
from riskforge.store.registry import ModelRow


def load_booster(row: ModelRow) -> lgb.Booster:
    """The LightGBM booster of a tracked model; a missing file or a sha256 mismatch is refused."""
    if not row.model_path.is_file():
        raise IntegrityError(f"model file of {row.model_id} is missing: {row.model_path}")
    text = row.model_path.read_bytes()
    digest = hashlib.sha256(text).hexdigest()
    if row.model_sha256 and digest != row.model_sha256:
        raise IntegrityError(
            f"model file {row.model_path.name} does not match its recorded sha256 (recorded "
            f"{row.model_sha256[:12]}..., found {digest[:12]}...): refusing to load it"
        )
    return lgb.Booster(model_str=text.decode())
