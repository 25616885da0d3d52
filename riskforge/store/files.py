"""Atomic, never-overwriting file writes."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def write_new(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; raise FileExistsError instead of replacing a file.

    The bytes go to a hidden temporary sibling first, are flushed to disk, and are then hard-linked to
    the final name (which fails if the name exists), so a reader never sees a partial file.
    """
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def remove_quietly(*paths: Path | None) -> None:
    for path in paths:
        if path is not None:
            path.unlink(missing_ok=True)
