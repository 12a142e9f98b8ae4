"""The discussions screen's widgets stand alone: the thread list (its filter and search)
and the thread pane, each driven in a small app of its own (issue 14, structure)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from cohort_tui.domain import discussions as d
from cohort_tui.domain import queries as q
from cohort_tui.domain.pods import may_see_thread
from cohort_tui.ui.widgets.post_view import PostView
from cohort_tui.ui.widgets.row_list import RowList
from cohort_tui.ui.widgets.thread_list import ThreadList
from cohort_tui.ui.widgets.thread_pane import ThreadPane
from tests.ui.widget_host import Host


def rows(app: Host) -> list[str]:
    return [r.id for r in app.query_one(RowList).rows if r.selectable]


async def test_the_thread_list_filters_and_searches(tmp_path: Path) -> None:
    app = Host(tmp_path / "s", ThreadList(id="disc-left"))
    async with app.run_test(size=(100, 30)) as pilot:
        listing = app.query_one(ThreadList)
        listing.fill()
        state = app.replica.state
        everyone = [t for t in state.threads.values() if may_see_thread(state, "m_sam", t)]
        assert sorted(rows(app)) == sorted(t.id for t in everyone)
        assert str(listing.border_title) == f"Threads ({len(everyone)})"
        unread = [t.id for t in everyone if q.unread_count(state, "m_sam", t.id)]
        assert unread and len(unread) < len(everyone)
        listing.set_filter(d.ThreadFilter("unread"))
        assert sorted(rows(app)) == sorted(unread)
        assert f"({len(unread)} of {len(state.threads)})" in str(listing.border_title)
        listing.set_filter(d.ThreadFilter())
        listing.open_search()
        assert listing.searching()
        await pilot.press(*"welcome")
        while listing.query_text != "welcome":
            await pilot.pause()
        found = rows(app)
        assert found and len(found) < len(everyone)
        assert next(t.id for t in everyone if "Welcome" in t.title) in found
        assert str(listing.border_subtitle) == "“welcome”"
        await pilot.press("enter")  # back to the list, the search kept
        await pilot.pause()
        assert app.query_one(RowList).has_focus and listing.query_text == "welcome"
        listing.open_search()
        await pilot.pause()
        listing.close_search()  # a focused search closes, emptied
        await pilot.pause()
        assert not app.query_one(Input).display and listing.query_text == ""
        assert len(rows(app)) == len(everyone)


async def test_the_thread_pane_opens_at_my_first_new_post_and_marks_it_read(
    tmp_path: Path,
) -> None:
    app = Host(tmp_path / "s", ThreadPane(id="disc-right"))
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(ThreadPane)
        pane.fill()
        await pilot.pause()
        assert "Pick a thread" in str(pane.query_one("#thread-meta").render())
        state = app.replica.state
        thread = next(t for t in state.threads.values() if "Welcome" in t.title)
        first_new = d.first_unread(state, "m_sam", thread)
        assert first_new is not None and q.unread_count(state, "m_sam", thread.id)
        pane.open(thread)
        await pilot.pause()
        view = app.query_one(PostView)
        assert view.highlighted_id == first_new and view.has_focus
        assert str(pane.border_title) == thread.title
        assert q.unread_count(app.replica.state, "m_sam", thread.id) == 0  # marker written
        assert pane.source is not None
        new = pane.source.new_posts()  # new as I opened it, though read now
        assert len(new) >= 2
        pane.next_new(1)
        assert view.highlighted_id == new[1]
        pane.next_new(-1)
        assert view.highlighted_id == new[0]
        pane.close()
        assert pane.thread is None and pane.source is None
