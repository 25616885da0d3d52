"""What a user sees while a run works: a rich progress display per phase, and one log line per phase.

Every phase logs ``phase <name>: start`` when it begins (scripts and tests key on it) and its duration
when it ends; the boosting rounds of the train phase get their own bar.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

log = logging.getLogger("riskforge")


class RunProgress:
    """Context manager around a rich Progress with one task for phases and one for boosting rounds."""

    def __init__(self, phases: Sequence[str], console: Console | None = None) -> None:
        self.phases = list(phases)
        self.timings: dict[str, float] = {}
        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self._phase_task: TaskID | None = None
        self._round_task: TaskID | None = None

    def __enter__(self) -> RunProgress:
        self._progress.start()
        self._phase_task = self._progress.add_task("phases", total=len(self.phases))
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        log.info("phase %s: start", name)
        self._progress.update(self._phase_task, description=f"phase {name}")
        started = time.perf_counter()
        yield
        self.timings[name] = time.perf_counter() - started
        self._progress.advance(self._phase_task)
        log.info("phase %s: done in %.2fs", name, self.timings[name])

    def rounds(self, done: int, total: int) -> None:
        """Report boosting progress (``total`` may shrink once early stopping knows the best round)."""
        if self._round_task is None:
            self._round_task = self._progress.add_task("boosting rounds", total=total)
        self._progress.update(self._round_task, completed=done, total=max(total, done))
