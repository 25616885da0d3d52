"""The on-disk snapshot layout of DATA_CONTRACT.md and its META.json, in both shapes seen in the wild.

Older exports carry ``files: {<file>: {md5}}``; newer ones ``{schema_version, batch_id, network,
processing_date, window_days, generated_at, counts, sha256}``. riskforge writes both and verifies whichever
checksums (and counts) a META.json holds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from pathlib import Path
from typing import Any

FILES = {
    "alerts.parquet": "raw_alerts",
    "features.parquet": "raw_features",
    "clusters.parquet": "raw_clusters",
    "money_flows.parquet": "raw_money_flows",
}
META = "META.json"
SCHEMA_VERSION = 2


def label_files(root: Path, network: str) -> list[Path]:
    """Where an address-labels file may sit, in order of preference."""
    name = f"{network}_address_labels.parquet"
    return [root / network / name, root / "address-labels" / name]


def dispositions_file(root: Path, network: str) -> Path:
    return root / network / f"{network}_alert_dispositions.parquet"


def snapshot_dir(root: Path, network: str, date: dt.date, window: int) -> Path:
    return root / network / str(date) / str(window)


def digests(path: Path) -> tuple[str, str]:
    """(md5, sha256) of a file's bytes."""
    md5, sha = hashlib.md5(usedforsecurity=False), hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            md5.update(block)
            sha.update(block)
    return md5.hexdigest(), sha.hexdigest()


def write_meta(directory: Path, network: str, date: dt.date, window: int, counts: dict[str, int]) -> None:
    files = {}
    sha256 = {}
    for name in counts:
        md5, sha = digests(directory / name)
        files[name] = {"md5": md5}
        sha256[name] = sha
    meta = {
        "schema_version": SCHEMA_VERSION,
        "batch_id": str(uuid.uuid4()),
        "network": network,
        "processing_date": str(date),
        "window_days": window,
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "counts": {name.removesuffix(".parquet"): n for name, n in counts.items()},
        "sha256": sha256,
        "files": files,
    }
    (directory / META).write_text(json.dumps(meta, indent=2))


def verify(directory: Path) -> dict[str, Any]:
    """The META.json of a snapshot after checking every checksum it lists; raises ValueError with a reason."""
    path = directory / META
    if not path.is_file():
        return {}
    try:
        meta = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise ValueError(f"META.json does not parse: {exc}") from None
    expected: dict[str, dict[str, str]] = {}
    for name, entry in (meta.get("files") or {}).items():
        if isinstance(entry, dict) and entry.get("md5"):
            expected.setdefault(name, {})["md5"] = entry["md5"]
    for name, sha in (meta.get("sha256") or {}).items():
        expected.setdefault(name, {})["sha256"] = sha
    for name, sums in expected.items():
        file = directory / name
        if not file.is_file():
            raise ValueError(f"{name} is listed in META.json but missing")
        md5, sha = digests(file)
        if sums.get("md5", md5) != md5 or sums.get("sha256", sha) != sha:
            raise ValueError(f"{name} fails its checksum")
    return meta
