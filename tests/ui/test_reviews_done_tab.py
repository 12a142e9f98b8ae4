"""The Reviews "Done" tab counts and lists submissions I reviewed, once each, however
many revisions I reviewed (issue 14, bug 11: "Done (3)" over two rows)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Tab

from cohort_tui.domain import review_view as rv
from cohort_tui.ui.widgets.row_list import RowList
from tests.ui.helpers import demo_replica, make_app


def test_my_reviewed_submissions_are_one_each_with_the_latest_review(tmp_path: Path) -> None:
    state = demo_replica(tmp_path / "s").state
    reviews = [r for r in state.reviews.values() if r.reviewer == "m_sam" and not r.calibration]
    assert len({r.submission for r in reviews}) < len(reviews)  # two revisions of one
    done = rv.my_reviewed_submissions(state, "m_sam")
    assert [r.submission for r in done] == sorted({r.submission for r in reviews})
    latest = max(reviews, key=lambda r: r.submitted_at)
    assert done[0].id == latest.id


async def test_the_done_tab_count_matches_its_rows(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="reviews")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("right", "right")
        await pilot.pause()
        rows = [row for row in app.screen.query_one(RowList).rows if row.selectable]
        label = str(app.screen.query_one("#done", Tab).label)
        assert label == f"Done ({len(rows)})"
