"""The milestone tracker, by keyboard, as a learner and as the facilitator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Input, SelectionList, Static

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain import queries as q
from cohort_tui.store.workspace import Replica
from cohort_tui.ui.screens.dialogs import ChoiceScreen, PromptScreen
from cohort_tui.ui.screens.milestone_forms import MilestoneForm, SessionForm, parse_local
from cohort_tui.ui.screens.milestones import MilestonesScreen
from cohort_tui.ui.widgets.row_list import RowList
from tests.ui.helpers import make_app

SIZE = (100, 30)


async def settle(pilot: Any) -> None:
    """Let messages settle (the screen has no timers or workers to wait for)."""
    await pilot.pause()


def detail(app: Any) -> str:
    return str(app.screen.query_one("#ms-detail", Static).render())


def rows(app: Any) -> list[str]:
    return [r.id for r in app.screen.query_one(RowList).rows if r.selectable]


async def open_tracker(app: Any, pilot: Any, section: str = "") -> MilestonesScreen:
    app.go("milestones")
    await settle(pilot)
    assert isinstance(app.screen, MilestonesScreen)
    if section:
        await pilot.press(section)
        await settle(pilot)
    return app.screen


async def test_learner_sees_status_completion_and_criteria(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        await open_tracker(app, pilot)
        listing = app.screen.query_one(RowList)
        first = str(listing.rows[0].content())
        assert "Toolbox ready" in first and "/7" in first
        assert any(word in first for word in ("met", "overdue", "late", "open", "at risk"))
        shown = detail(app)
        assert "Criteria" in shown and "Cohort:" in shown and "last 21 days" in shown


async def test_facilitator_creates_and_edits_a_milestone(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", member="m_ada")
    async with app.run_test(size=SIZE) as pilot:
        await open_tracker(app, pilot)
        before = len(app.replica.state.milestones)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, MilestoneForm)
        form.query_one("#ms-title", Input).value = "Bonus: tests"
        form.query_one("#ms-due", Input).value = "2026-12-20"
        await pilot.press("ctrl+s")  # no lesson picked yet: refused, nothing lost
        assert isinstance(app.screen, MilestoneForm)
        form.query_one("#ms-lessons", SelectionList).select(
            next(iter(q.ordered_lessons(app.replica.state))).id
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert len(app.replica.state.milestones) == before + 1
        created = next(
            m for m in app.replica.state.milestones.values() if m.title == "Bonus: tests"
        )
        assert created.due == parse_local("2026-12-20 23:59")
        app.screen.query_one(RowList).highlight(created.id)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, MilestoneForm)
        app.screen.query_one("#ms-title", Input).value = "Bonus: more tests"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.replica.state.milestones[created.id].title == "Bonus: more tests"


async def test_learner_cannot_create_milestones(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        await open_tracker(app, pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, MilestonesScreen)
        assert "Only a facilitator or curator" in [n.message for n in app._notifications][-1]


async def test_facilitator_extends_a_due_date_from_the_grid(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", member="m_ada")
    async with app.run_test(size=SIZE) as pilot:
        await open_tracker(app, pilot, "g")
        assert "m_tomas" in rows(app)
        app.screen.query_one(RowList).highlight("m_tomas")
        await settle(pilot)
        assert "@tomas" in detail(app)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        milestone = app.screen.options[0][0]
        app.screen.dismiss(milestone)
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        app.screen.query_one(Input).value = "2026-12-31 12:00"
        await pilot.press("enter")
        await settle(pilot)
        assert app.replica.state.milestones[milestone].extensions["m_tomas"] == parse_local(
            "2026-12-31 12:00"
        )


async def test_learner_sees_no_grid_and_no_metrics(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        await open_tracker(app, pilot, "g")
        assert rows(app) == []
        await pilot.press("i")
        await settle(pilot)
        assert rows(app) == []
        assert "facilitators and mentors" in str(app.screen.query_one(RowList).rows[0].content())


async def test_rsvp_to_a_session(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", member="m_zoe")
    async with app.run_test(size=SIZE) as pilot:
        await open_tracker(app, pilot, "s")
        app.screen.query_one(RowList).highlight("live-week-4")
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("enter")  # yes
        await settle(pilot)
        assert app.replica.state.sessions["live-week-4"].rsvps["m_zoe"] == "yes"
        assert "you: yes" in str(app.screen.query_one(RowList).rows[3].content())


async def test_facilitator_schedules_a_session_and_starts_its_notes(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", member="m_ada")
    async with app.run_test(size=SIZE) as pilot:
        await open_tracker(app, pilot, "s")
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, SessionForm)
        form.query_one("#se-title", Input).value = "Office hours"
        form.query_one("#se-start", Input).value = "2026-12-01 17:00"
        await pilot.press("ctrl+s")
        await settle(pilot)
        session = next(s for s in app.replica.state.sessions.values() if s.title == "Office hours")
        assert session.start == parse_local("2026-12-01 17:00") and session.minutes == 60
        app.screen.query_one(RowList).highlight("live-week-1")
        await pilot.press("o")
        await settle(pilot)
        notes = app.replica.state.sessions["live-week-1"].notes_thread
        assert notes is not None and notes in app.replica.state.threads
        assert app.current_mode == "discussions"


async def test_shoutout_and_its_toast(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        await open_tracker(app, pilot, "t")
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        app.screen.dismiss("m_lin")
        await settle(pilot)
        app.screen.query_one(Input).value = "for the [bold]argparse[/] tip"
        await pilot.press("enter")
        await settle(pilot)
        shout = next(s for s in app.replica.state.shoutouts.values() if s.author == "m_sam")
        assert shout.to == "m_lin" and shout.message == "for the [bold]argparse[/] tip"
        Replica(tmp_path / "s").write(
            k.ShoutoutCreate(shoutout="h_x", to="m_sam", message="thanks for the review"),
            author="m_priya",
        )
        app.poll_store()
        await settle(pilot)
        assert any("@priya thanked you" in n.message for n in app._notifications)


async def test_roster_profile_roles_and_rotation(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", member="m_ada")
    async with app.run_test(size=SIZE) as pilot:
        await open_tracker(app, pilot, "p")
        app.screen.query_one(RowList).highlight("m_lin")
        await settle(pilot)
        assert "Badges" in detail(app) and "@priya" in detail(app)  # priya thanked lin
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one(Input).value = "mentor, reviewer, curator"
        await pilot.press("enter")
        await settle(pilot)
        assert sorted(app.replica.state.members["m_lin"].roles) == ["curator", "mentor", "reviewer"]
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        this_week = app.screen.options[0][0]  # reviewers, this week
        assert this_week.startswith("reviewer|")
        app.screen.dismiss(this_week)
        await settle(pilot)
        app.screen.query_one(Input).value = "@lin @sam"
        await pilot.press("enter")
        await settle(pilot)
        (week,) = app.replica.state.rotation
        assert app.replica.state.rotation[week]["reviewer"] == ["m_lin", "m_sam"]


async def test_metrics_for_the_facilitator(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", member="m_ada")
    async with app.run_test(size=SIZE) as pilot:
        await open_tracker(app, pilot, "i")
        assert rows(app)[0] == "report"
        assert "Cohort report" in detail(app) and "Review response" in detail(app)
        assert any(r.startswith("risk:") for r in rows(app))


async def test_a_badge_earned_is_announced_once(tmp_path: Path) -> None:
    from tests.ui.helpers import demo_replica

    root = tmp_path / "s"
    demo_replica(root)
    Replica(root).write(
        k.MemberAdd(member="m_new", handle="newbie", display_name="New", roles=["learner"]),
        author="m_ada",
    )
    app = make_app(root, member="m_new")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not any("Badge" in n.title for n in app._notifications)
        app.write(k.ThreadCreate(thread="t_b", post="p_b", title="Hi", body="first words"))
        await settle(pilot)
        app.write(k.PostCreate(post="p_c", thread="t_b", body="second words"))
        await settle(pilot)
        earned = [n.message for n in app._notifications if n.title == "Badge earned"]
        assert len(earned) == 1 and "First post" in earned[0]
