"""The FAQ view and the reviewer figures as pictures, at 100x30 and 80x24."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Tabs

from cohort_tui.ui.screens.faq import FaqScreen
from cohort_tui.ui.widgets.row_list import RowList
from tests.ui.helpers import lesson_pane_shown, make_app, mode_shown, screen_shown, wait_for

SIZES = [(100, 30), (80, 24)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_faq(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    """From Discussions, the second answered question highlighted."""

    async def open_faq(pilot: Any) -> None:
        await mode_shown(pilot, "discussions")
        await pilot.press("F")
        await screen_shown(pilot, FaqScreen)
        await pilot.press("down")
        await pilot.pause()

    app = make_app(tmp_path / "s", open_target="discussions")
    assert snap_compare(app, terminal_size=size, run_before=open_faq)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_faq_from_a_lesson_searched(
    snap_compare: Any, tmp_path: Path, size: tuple[int, int]
) -> None:
    """From a lesson with no answered question, searching: the subtitle says both."""

    async def search(pilot: Any) -> None:
        await lesson_pane_shown(pilot)
        await pilot.press("F")
        await screen_shown(pilot, FaqScreen)
        await pilot.press("slash", *"test", "enter")
        await pilot.pause()

    app = make_app(tmp_path / "s", open_target="lesson:io-files")
    assert snap_compare(app, terminal_size=size, run_before=search)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_insights_reviewer(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    """The facilitator's Insights, a reviewer's figures highlighted."""

    async def reviewers(pilot: Any) -> None:
        await mode_shown(pilot, "milestones")
        await pilot.press("i")
        await wait_for(pilot, lambda: pilot.app.screen.query_one(Tabs).active == "tab-metrics")
        await pilot.press("end")
        await pilot.pause()

    app = make_app(tmp_path / "s", member="m_ada", open_target="milestones")
    assert snap_compare(app, terminal_size=size, run_before=reviewers)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_people_my_reviewer_figures(
    snap_compare: Any, tmp_path: Path, size: tuple[int, int]
) -> None:
    """A learner's own People page: their figures as a reviewer."""

    async def me(pilot: Any) -> None:
        await mode_shown(pilot, "milestones")
        await pilot.press("p")
        await wait_for(pilot, lambda: pilot.app.screen.query_one(Tabs).active == "tab-roster")
        app.screen.query_one("#ms-list", RowList).highlight("m_sam")
        await pilot.pause()

    app = make_app(tmp_path / "s", member="m_sam", open_target="milestones")
    assert snap_compare(app, terminal_size=size, run_before=me)
