"""Messages never run together: the sync progress bar (drawn in place by Rich) is always
cleared before the next message, however the sync ends."""

from __future__ import annotations

import errno
import sys
from collections.abc import Callable
from pathlib import Path

import pyte
import pytest

from cohort_tui.cli import main
from cohort_tui.store.errors import StoreWriteError
from cohort_tui.sync.client import SyncError


def screen(text: str) -> list[str]:
    """What a terminal shows after ``text`` (a real emulator: the bar is drawn with cursor
    movements and erased with them)."""
    display = pyte.Screen(200, 30)
    pyte.Stream(display).feed(text.replace("\n", "\r\n"))
    return [line.rstrip() for line in display.display if line.strip()]


def _disk_full() -> BaseException:
    return StoreWriteError(
        "cannot write /s/ops.jsonl: the disk is full; nothing was added to the log.",
        errno.ENOSPC,
        "the disk is full",
        Path("/s/ops.jsonl"),
    )


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (_disk_full, "cohort: cannot write /s/ops.jsonl: the disk is full; nothing was added"),
        (lambda: KeyboardInterrupt(), "cohort: interrupted"),
        (lambda: SyncError("connection refused"), "cohort: sync failed: connection refused"),
        (lambda: OSError(errno.EIO, "Input/output error", "/s/x"), "cohort: /s/x: the disk"),
    ],
    ids=["store-error", "ctrl-c", "sync-error", "os-error"],
)
def test_an_error_during_sync_starts_on_its_own_line(
    demo: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    error: Callable[[], BaseException],
    message: str,
) -> None:
    import cohort_tui.sync.engine as engine

    def failing_sync(*_: object, progress: Callable[[str, int, int], None], **__: object) -> None:
        progress("push", 3, 10)
        progress("pull", 120, 0)
        raise error()

    monkeypatch.setattr(engine, "sync_once", failing_sync)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    code = main(["sync", "--store", str(demo)])
    err = capsys.readouterr().err
    assert code != 0
    shown = screen(err)
    assert shown[-1].startswith(message), shown
    assert all(line.startswith("cohort: ") for line in shown), shown
    assert "push" in err  # a bar was drawn before the error, then cleared
    assert err.endswith("\n")


def test_a_successful_sync_clears_the_bar_entirely(
    demo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import cohort_tui.sync.engine as engine
    from cohort_tui.sync.engine import SyncResult

    def quick_sync(*_: object, progress: Callable[[str, int, int], None], **__: object) -> object:
        progress("push", 10, 10)  # the longest line first, then a shorter one
        progress("pull", 5, 0)
        return SyncResult()

    monkeypatch.setattr(engine, "sync_once", quick_sync)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert main(["sync", "--store", str(demo)]) == 0
    err = capsys.readouterr().err
    assert "push" in err and screen(err) == []
