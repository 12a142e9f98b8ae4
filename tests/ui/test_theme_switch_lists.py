"""Switching theme recolours the Line-API lists at once (issue 14, bug 3): their cached
lines kept the old theme's colours until restart."""

from __future__ import annotations

from pathlib import Path

from cohort_tui.ui.widgets.post_view import PostView
from cohort_tui.ui.widgets.row_list import RowList
from tests.ui.helpers import make_app


def _styles(widget: RowList | PostView) -> list[str]:
    return [str(segment.style) for segment in widget.render_line(0)]


async def test_a_theme_switch_recolours_the_thread_list_and_posts(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="discussions")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        state = app.replica.state
        app.go(f"thread:{next(iter(state.threads))}")
        await pilot.pause()
        await pilot.pause()
        listing = app.screen.query_one(RowList)
        posts = app.screen.query_one(PostView)
        before = (_styles(listing), _styles(posts))
        app.theme = "cohort-light"
        await pilot.pause()
        await pilot.pause()
        assert _styles(listing) != before[0]
        assert _styles(posts) != before[1]
