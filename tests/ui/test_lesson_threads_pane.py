"""`t` on a lesson shows that lesson's threads in the list and no other lesson's thread
in the right pane (issue 14, bug 13)."""

from __future__ import annotations

from pathlib import Path

from cohort_tui.ui.screens.discussions import DiscussionsScreen
from cohort_tui.ui.widgets.post_view import PostView
from tests.ui.helpers import make_app


async def test_t_from_a_lesson_does_not_leave_another_lessons_thread_open(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="discussions")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        state = app.replica.state
        other = next(t for t in state.threads.values() if t.lesson and t.lesson != "io-files")
        app.go(f"thread:{other.id}")
        await pilot.pause()
        assert app.screen.query_one(PostView).post_ids  # reading a thread on another lesson
        app.go("lesson:io-files")
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DiscussionsScreen)
        shown = screen.query_one(PostView).post_ids
        thread_of = {p: state.posts[p].thread for p in shown}
        assert all(state.threads[t].lesson == "io-files" for t in thread_of.values())
        title = str(screen.query_one("#disc-right").border_title)
        assert other.title not in title
