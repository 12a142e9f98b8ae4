"""Presence as pictures, at 100x30 and 80x24: Home's "here now" panel and the map's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cohort_tui.domain.presence import Seen
from cohort_tui.store.presence_file import beat
from tests.ui.helpers import NOW, demo_replica, make_app, wait_for, workers_done

SIZES = [(100, 30), (80, 24)]


def others_here(root: Path) -> None:
    """Three other panes: @lin and @priya on the JSON lesson, @zoe in Discussions."""
    demo_replica(root)
    beat(root, "pane-lin", Seen("m_lin", "lesson:io-json", NOW), NOW)
    beat(root, "pane-priya", Seen("m_priya", "lesson:io-json", NOW), NOW)
    beat(root, "pane-zoe", Seen("m_zoe", "discussions", NOW), NOW)


async def seen_three(pilot: Any) -> None:
    await wait_for(pilot, lambda: len(pilot.app.presence.seats) == 3)
    await workers_done(pilot)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_home_here_now(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    """Home with three others here: who, and on which screen or lesson."""
    others_here(tmp_path / "s")
    app = make_app(tmp_path / "s")
    assert snap_compare(app, terminal_size=size, run_before=seen_three)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_map_here_now(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    """The JSON lesson with two others on it now: the list row and the lesson's meta."""
    others_here(tmp_path / "s")
    app = make_app(tmp_path / "s", open_target="lesson:io-json")
    assert snap_compare(app, terminal_size=size, run_before=seen_three)
