"""A cache of extracted tables, so that sweep jobs sharing a data window and feature set extract it once.

The key is a digest of the query text, its parameters, the warehouse and a fingerprint of the data parts
of every table the query reads: when the data changes, the key changes, and a stale extract can never be
served. Entries are Arrow IPC files under ``$RISKFORGE_HOME/cache/extracts`` (written atomically, read back
memory-mapped); the least recently used are evicted past ``max_bytes``.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pyarrow as pa

from riskforge import paths

MAX_BYTES = 8 << 30


def directory() -> Path:
    return paths.riskforge_home() / "cache" / "extracts"


def key(sql: str, parameters: dict[str, Any], fingerprint: str, warehouse: str) -> str:
    material = json.dumps([sql, parameters, fingerprint, warehouse], sort_keys=True, default=str)
    return hashlib.sha256(material.encode()).hexdigest()


def load(digest: str) -> pa.Table | None:
    path = directory() / f"{digest}.arrow"
    try:
        with pa.memory_map(str(path)) as source:
            table = pa.ipc.open_file(source).read_all()
    except (FileNotFoundError, pa.ArrowInvalid):
        return None
    os.utime(path)  # most recently used
    return table


def store(digest: str, table: pa.Table, max_bytes: int = MAX_BYTES) -> None:
    folder = directory()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{digest}.arrow"
    tmp = folder / f".{digest}.{os.getpid()}.tmp"
    with pa.OSFile(str(tmp), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    os.replace(tmp, path)
    _evict(folder, max_bytes)


def _evict(folder: Path, max_bytes: int) -> None:
    entries = sorted(folder.glob("*.arrow"), key=lambda p: p.stat().st_mtime, reverse=True)
    total = 0
    for entry in entries:
        total += entry.stat().st_size
        if total > max_bytes:
            entry.unlink(missing_ok=True)
