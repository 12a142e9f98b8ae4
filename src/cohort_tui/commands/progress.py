"""A Rich progress bar on stderr for long commands, silent when stderr is not a terminal.

Commands report ``(phase, done, total)`` through one callable, the same shape the sync
engine and the store's repair already take, so the layers below stay free of Rich. A
total of 0 means "unknown": the phase shows a spinner and a count instead of a bar. The
bar is transient: it is cleared when the block ends, however it ends, so a summary or an
error printed next starts on a clean line.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID


class ProgressBar:
    """``with ProgressBar(show) as progress: work(progress=progress)``.

    Args:
        show: Draw at all; pass ``wanted(args)``. False makes every call a no-op (and
            Rich is never imported), which is what a pipe or ``--quiet`` gets.
        console: Where to draw (tests); stderr by default.
    """

    def __init__(self, show: bool, console: Console | None = None) -> None:
        self.show = show
        self._console = console
        self._progress: Progress | None = None
        self._tasks: dict[str, TaskID] = {}

    def __enter__(self) -> ProgressBar:
        if self.show:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=self._console or Console(stderr=True),
                transient=True,
            )
            self._progress.start()
        return self

    def __call__(self, phase: str, done: int, total: int) -> None:
        if self._progress is None:
            return
        task = self._tasks.get(phase)
        if task is None:
            task = self._tasks[phase] = self._progress.add_task(phase, total=total or None)
        self._progress.update(task, completed=done, total=total or None)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


def wanted(quiet: bool = False) -> bool:
    """Whether to draw: stderr is a terminal and the user did not ask for quiet."""
    return not quiet and sys.stderr.isatty()
