"""Reviewer figures in the Milestones screen: Insights for staff, my own on my People page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Static

from cohort_tui.domain import op_kinds as k
from cohort_tui.store.workspace import Replica
from cohort_tui.ui.screens.milestones import MilestonesScreen
from cohort_tui.ui.widgets.row_list import RowList
from tests.ui.helpers import demo_replica, make_app, wait_for
from tests.ui.test_hostile_discussions import ESCAPES, MARKUP, assert_safe

SIZE = (100, 30)


def detail(app: Any) -> str:
    return str(app.screen.query_one("#ms-detail", Static).render())


def selectable(app: Any) -> list[str]:
    return [r.id for r in app.screen.query_one(RowList).rows if r.selectable]


async def section(app: Any, pilot: Any, key: str) -> None:
    await wait_for(pilot, lambda: isinstance(app.screen, MilestonesScreen))
    await pilot.press(key)
    await pilot.pause()


async def test_insights_list_each_reviewer_with_their_figures(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", member="m_ada", open_target="milestones")
    async with app.run_test(size=SIZE) as pilot:
        await section(app, pilot, "i")
        assert [r for r in selectable(app) if r.startswith("reviewer:")] == [
            "reviewer:m_lin",
            "reviewer:m_sam",
        ]
        listing = app.screen.query_one(RowList)
        row = next(r for r in listing.rows if r.id == "reviewer:m_lin")
        assert row.content().plain == "@lin  2/3 done · median 28h 00m · 100% on target · ★1"
        listing.highlight("reviewer:m_sam")
        await wait_for(pilot, lambda: "Reviewing" in detail(app))
        assert detail(app).splitlines() == [
            "@sam  Sam Rivera",
            "",
            "Reviewing (target 48h)",
            "  asked      3",
            "  done       2 · 1 waiting",
            "  median     30h 00m",
            "  p90        32h 00m",
            "  on target  2 of 2 (100%)",
            "  helpful    0 of 2 reviews",
        ]
        listing.highlight("report")
        await wait_for(pilot, lambda: "Reviewers (assignment to review" in detail(app))


async def test_people_page_shows_my_own_figures_only(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", member="m_sam", open_target="milestones")
    async with app.run_test(size=SIZE) as pilot:
        await section(app, pilot, "p")
        listing = app.screen.query_one(RowList)
        listing.highlight("m_sam")
        await wait_for(pilot, lambda: "Reviewing (target 48h)" in detail(app))
        assert "  done       2 · 1 waiting" in detail(app)
        listing.highlight("m_lin")  # a learner does not see a peer's figures
        await wait_for(pilot, lambda: "@lin" in detail(app))
        assert "Reviewing" not in detail(app)
    app = make_app(tmp_path / "s", member="m_lin", open_target="milestones")
    async with app.run_test(size=SIZE) as pilot:  # a mentor sees everyone's
        await section(app, pilot, "p")
        app.screen.query_one(RowList).highlight("m_tomas")
        await wait_for(pilot, lambda: "@tomas" in detail(app))
        assert "Reviewing (target 48h)\n  not asked to review yet" in detail(app)


async def test_figures_follow_the_store_and_names_stay_text(tmp_path: Path) -> None:
    root = tmp_path / "s"
    demo_replica(root)
    other = Replica(root)
    other.write(
        k.MemberUpdate(member="m_lin", display_name=MARKUP + ESCAPES + "\u202eX"), author="m_lin"
    )
    app = make_app(root, member="m_ada", open_target="milestones")
    async with app.run_test(size=SIZE) as pilot:
        await section(app, pilot, "i")
        app.screen.query_one(RowList).highlight("reviewer:m_lin")
        await wait_for(pilot, lambda: "Reviewing" in detail(app))
        shown = detail(app)
        assert_safe(shown)
        assert "[bold]b[/bold]" in shown and "⟪U+202E⟫X" in shown
        assert "  helpful    1 of 2 reviews" in shown
        review = next(r for r in app.replica.state.reviews.values() if r.reviewer == "m_lin")
        if review.helpful:  # the other one: mark it helpful too, as its author
            review = next(
                r
                for r in app.replica.state.reviews.values()
                if r.reviewer == "m_lin" and not r.helpful
            )
        author = app.replica.state.submissions[review.submission].author
        other.write(k.ReviewHelpful(review=review.id), author=author)
        app.poll_store()
        await wait_for(pilot, lambda: "  helpful    2 of 2 reviews" in detail(app))
