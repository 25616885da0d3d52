"""A bounded wait for the embedded warehouse, which admits one process at a time.

chDB refuses a second process outright (``Error initializing EmbeddedServer``); riskforge processes
queue on an advisory file lock instead and give up with one line after ``timeout`` seconds.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from riskforge.errors import WarehouseBusy

POLL_S = 0.05


@contextmanager
def exclusive(lock_path: Path, timeout: float, what: str) -> Iterator[None]:
    """Hold an exclusive lock on ``lock_path`` for the duration of the block."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WarehouseBusy(
                        f"warehouse busy: {what} is held by another process (waited {timeout:g}s)",
                        hint="wait for the other riskforge command, or raise warehouse.lock_timeout_s",
                    ) from None
                time.sleep(POLL_S)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
