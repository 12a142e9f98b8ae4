"""The stuck ladder in the lesson pane after a failed check, at 100x30 and 80x24."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cohort_tui.checks import CheckOutcome
from cohort_tui.ui.widgets.check_panel import CheckPanel
from cohort_tui.ui.widgets.stuck_ladder import StuckLadder
from tests.ui.helpers import lesson_pane_shown, make_app, wait_for

SIZES = [(100, 30), (80, 24)]

FAILED = CheckOutcome(
    passed=False,
    returncode=1,
    timed_out=False,
    cancelled=False,
    output=["FAIL  fizzbuzz(15)[-1] is '14', expected 'FizzBuzz'"],
    seconds=0.4,
)
"""A fixed failure (a real run would print the machine's paths)."""


def post_failure(pilot: Any) -> None:
    """The check panel hears that the lesson's check failed, as its worker would say."""
    panel = pilot.app.screen.query_one(CheckPanel)
    panel.post_message(CheckPanel.Finished("core-functions", FAILED))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_stuck_ladder(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    """The check failed, one hint read: the learner is on rung 1, an answer matches."""

    async def fail(pilot: Any) -> None:
        await lesson_pane_shown(pilot)
        post_failure(pilot)
        await wait_for(pilot, lambda: pilot.app.screen.query_one(StuckLadder).display)
        await pilot.press("h")
        await pilot.pause()

    app = make_app(tmp_path / "s", open_target="lesson:core-functions")
    assert snap_compare(app, terminal_size=size, run_before=fail)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_stuck_ladder_on_the_answers(
    snap_compare: Any, tmp_path: Path, size: tuple[int, int]
) -> None:
    """Every hint read: the learner is on rung 2, ``m`` opens the matching answer."""

    async def fail(pilot: Any) -> None:
        await lesson_pane_shown(pilot)
        post_failure(pilot)
        await wait_for(pilot, lambda: pilot.app.screen.query_one(StuckLadder).display)
        await pilot.press("h", "h", "h")
        await pilot.pause()

    app = make_app(tmp_path / "s", open_target="lesson:core-functions")
    assert snap_compare(app, terminal_size=size, run_before=fail)
