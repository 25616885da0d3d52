"""``riskforge train --from MODEL_ID``: the stored, composed config of a model as a Hydra primary config.

The metadata keeps the composed config (secrets redacted); with the train schema and the model type's
own schema in front of it, Hydra composes exactly that run again, and further overrides still apply.
With ``deterministic=true`` in the stored run, the new model file is byte-identical on the same data.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import yaml

from riskforge.cli.models import load_metadata

PRIMARY = "stored_run"


def stored_config_dir(model_id: str) -> tuple[Path, str]:
    """A temporary config directory holding the model's run as primary config ``stored_run``."""
    config = load_metadata(model_id)["reproducibility"]["config"]
    document = {
        "defaults": [
            "train_schema",
            f"/schema/model/{config['model']['name']}@model",
            {"paths": "home"},
            {"override hydra/job_logging": "rich"},
            {"override hydra/hydra_logging": "rich"},
            "_self_",
        ],
        **config,
    }
    directory = Path(tempfile.mkdtemp(prefix="riskforge-from-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    (directory / f"{PRIMARY}.yaml").write_text(
        f"# the stored run of {model_id}\n" + yaml.safe_dump(document, sort_keys=False)
    )
    return directory, PRIMARY
