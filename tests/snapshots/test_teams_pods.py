"""Team projects and pods as pictures, at 100x30 and 80x24, on the demo store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.discussions import ThreadFilter
from cohort_tui.domain.pods import pod_of
from cohort_tui.store.workspace import Replica
from cohort_tui.ui.widgets.post_view import PostView
from tests.ui.helpers import demo_replica, lesson_pane_shown, make_app, mode_shown, wait_for

SIZES = [(100, 30), (80, 24)]
PROJECT = "quality-notes-project"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_pod_channel(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    """Discussions narrowed to my pod's channel, its thread open."""

    async def open_channel(pilot: Any) -> None:
        await mode_shown(pilot, "discussions")
        app = pilot.app
        pod = pod_of(app.replica.state, "m_sam")
        assert pod is not None
        app.screen.thread_list.set_filter(ThreadFilter("pod", pod.id))
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.query_one(PostView).post_ids)
        app.clear_notifications()
        await pilot.pause()

    assert snap_compare(
        make_app(tmp_path / "s", open_target="discussions"),
        terminal_size=size,
        run_before=open_channel,
    )


def _invited(tmp_path: Path) -> Path:
    """The demo, plus Tomás inviting me to a team for the notes project."""
    root = tmp_path / "s"
    demo_replica(root)
    Replica(root).write(
        k.TeamCreate(team="t_owls", lesson=PROJECT, name="Night Owls", members=["m_sam"]),
        author="m_tomas",
    )
    return root


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_team_line_in_the_lesson_pane(
    snap_compare: Any, tmp_path: Path, size: tuple[int, int]
) -> None:
    """The project's lesson says I was invited and which key answers."""

    async def scroll(pilot: Any) -> None:
        await lesson_pane_shown(pilot)
        pane = pilot.app.screen.query_one("#lesson-pane")
        await wait_for(pilot, lambda: pane.max_scroll_y > 0)  # the pane filled past its height
        pane.scroll_end(animate=False)
        await wait_for(pilot, lambda: pane.scroll_y == pane.max_scroll_y)

    app = make_app(_invited(tmp_path), open_target=f"lesson:{PROJECT}")
    assert snap_compare(app, terminal_size=size, run_before=scroll)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_team_dialog(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    """T on a team project: accept, decline or form a team."""

    async def open_dialog(pilot: Any) -> None:
        await lesson_pane_shown(pilot)
        await pilot.press("T")
        await wait_for(pilot, lambda: len(pilot.app.screen_stack) > 1)

    app = make_app(_invited(tmp_path), open_target=f"lesson:{PROJECT}")
    assert snap_compare(app, terminal_size=size, run_before=open_dialog)
