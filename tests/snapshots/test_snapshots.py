"""Screens as pictures, at 100x30 and 80x24, on the demo store at a pinned time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cohort_tui.ui.widgets.post_view import PostView
from tests.ui.helpers import lesson_pane_shown, make_app, mode_shown, wait_for

SIZES = [(100, 30), (80, 24)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_home(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(tmp_path / "s"), terminal_size=size)


@pytest.mark.parametrize("theme", ["cohort-light", "cohort-ansi"])
def test_home_themes(snap_compare: Any, tmp_path: Path, theme: str) -> None:
    assert snap_compare(make_app(tmp_path / "s", theme=theme), terminal_size=(100, 30))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_help(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(tmp_path / "s"), terminal_size=size, press=["question_mark"])


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_curriculum(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    # Sam's map has done, in-progress, open and locked lessons.
    async def settle(pilot: Any) -> None:
        await lesson_pane_shown(pilot)

    assert snap_compare(
        make_app(tmp_path / "s", open_target="curriculum"), terminal_size=size, run_before=settle
    )


def test_curriculum_locked_lesson_with_hint(snap_compare: Any, tmp_path: Path) -> None:
    async def settle(pilot: Any) -> None:
        await lesson_pane_shown(pilot)

    assert snap_compare(
        make_app(tmp_path / "s", open_target="lesson:core-functions"),
        terminal_size=(100, 30),
        press=["h"],
        run_before=settle,
    )


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_discussions_list_filtered(
    snap_compare: Any, tmp_path: Path, size: tuple[int, int]
) -> None:
    """The list alone, narrowed by a search (the subtitle says so)."""
    assert snap_compare(
        make_app(tmp_path / "s", open_target="discussions"),
        terminal_size=size,
        press=["slash", *"test", "enter"],
    )


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_discussions_thread(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    async def open_first(pilot: Any) -> None:
        await mode_shown(pilot, "discussions")
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: pilot.app.screen.query_one(PostView).post_ids)

    assert snap_compare(
        make_app(tmp_path / "s", open_target="discussions"),
        terminal_size=size,
        run_before=open_first,
    )


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_discussions_composer(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    async def compose(pilot: Any) -> None:
        await mode_shown(pilot, "discussions")
        await pilot.press("n", *"Help with venv", "tab", *"venv", "tab", "tab", *"It fails, @li")
        await pilot.pause()

    assert snap_compare(
        make_app(tmp_path / "s", open_target="discussions"), terminal_size=size, run_before=compose
    )
