"""Team projects and pods in the app: Home's pod panel and team invitations, the lesson
pane's team line and dialog, pod channels in Discussions, the team as a submission's
author; hostile team and pod names stay inert."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Static, TextArea

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.pods import pod_of
from cohort_tui.domain.teams import team_of
from cohort_tui.store.workspace import Replica
from cohort_tui.ui.widgets.row_list import RowList
from tests.ui.helpers import demo_replica, lesson_pane_shown, make_app, wait_for, workers_done
from tests.ui.hostile import ESCAPES, INVISIBLE, MARKUP, assert_inert, screen_text

SIZE = (100, 30)
PROJECT = "quality-notes-project"
HOSTILE_NAME = f"{MARKUP} {ESCAPES}"[:80]


def pane_text(app: Any, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_home_shows_my_pod_and_its_activity(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "@jonas" in screen_text(app))
        text = screen_text(app)
        assert "My pod: Kestrels" in text and "@sam @jonas @omar" in text
        assert "Kestrels: review swap" in text


async def test_home_hides_the_pod_panel_without_a_pod(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", member="m_lin")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "Cohort pulse" in screen_text(app))
        assert "My pod" not in screen_text(app)


async def test_form_a_team_from_the_lesson_pane_and_accept_from_home(tmp_path: Path) -> None:
    root = tmp_path / "s"
    app = make_app(root, open_target=f"lesson:{PROJECT}")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: getattr(app.screen, "lesson", None) is not None)
        await lesson_pane_shown(pilot)
        await pilot.press("T")
        await wait_for(pilot, lambda: "Form a new team" in screen_text(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Invite whom?" in screen_text(app))
        await pilot.press(*"@tomas", "enter")
        state = app.replica.state
        await wait_for(pilot, lambda: team_of(state, "m_sam", PROJECT) is not None)
        team = team_of(state, "m_sam", PROJECT)
        assert team is not None and team.invited == ["m_tomas"] and team.name == "sam & tomas"
        await wait_for(pilot, lambda: "invited @tomas" in pane_text(app, "#lesson-extra"))
    other = make_app(root, member="m_tomas")
    async with other.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "Team invite" in screen_text(other))
        assert "Team invite from @sam: sam & tomas" in screen_text(other)
    tomas = Replica(root)
    tomas.write(k.TeamAccept(team=team.id), author="m_tomas")
    again = make_app(root, open_target=f"lesson:{PROJECT}")
    async with again.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: getattr(again.screen, "lesson", None) is not None)
        await lesson_pane_shown(pilot)
        await pilot.press("T")
        await wait_for(pilot, lambda: "Leave team sam & tomas" in screen_text(again))


async def test_solo_lesson_refuses_a_team(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="lesson:setup-terminal")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: getattr(app.screen, "lesson", None) is not None)
        await lesson_pane_shown(pilot)
        await pilot.press("T")
        await wait_for(pilot, lambda: any("solo project" in n.message for n in app._notifications))


async def test_pod_channel_filter_and_a_new_thread_in_it(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="discussions")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "Kestrels: review swap" in screen_text(app))
        await pilot.press("f")
        await wait_for(pilot, lambda: "pod channel: Kestrels" in screen_text(app))
        listing = app.screen.query_one("OptionList")
        ids = [str(o.id) for o in listing.options]  # type: ignore[attr-defined]
        pod = pod_of(app.replica.state, "m_sam")
        assert pod is not None
        listing.highlighted = ids.index(f"pod:{pod.id}")  # type: ignore[attr-defined]
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(app.screen.query_one(RowList).rows) == 1)
        await pilot.press("n")
        await wait_for(pilot, lambda: "New thread in pod Kestrels" in screen_text(app))
        await pilot.press(*"pod plan")
        app.screen.query_one(TextArea).insert("hello pod")
        await pilot.press("ctrl+s")
        state = app.replica.state
        await wait_for(pilot, lambda: any(t.title == "pod plan" for t in state.threads.values()))
        made = next(t for t in state.threads.values() if t.title == "pod plan")
        assert made.pod == pod.id


async def test_pod_threads_are_not_listed_for_others(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", member="m_priya", open_target="discussions")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "Threads (" in screen_text(app))
        text = screen_text(app)
        assert "Kestrels: review swap" not in text
        assert "Otters: study together" in text  # her pod last week: history stays readable


async def test_team_submission_names_the_team(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", member="m_lin", open_target="reviews")
    async with app.run_test(size=(140, 30)) as pilot:
        # Done counts submissions, not revisions (issue 14): the team's two revisions
        # reviewed are one row.
        await wait_for(pilot, lambda: "Done (1)" in screen_text(app))
        await pilot.press("right", "right")
        await wait_for(pilot, lambda: "team Bash Refugees (@jonas, @omar)" in screen_text(app))


async def test_hostile_team_and_pod_names_are_inert(tmp_path: Path) -> None:
    root = tmp_path / "s"
    demo_replica(root)
    other = Replica(root)
    pod = pod_of(other.state, "m_sam")
    assert pod is not None
    other.write(k.PodUpdate(pod=pod.id, name=HOSTILE_NAME), author="m_ada")
    other.write(
        k.TeamCreate(
            team="t_evil", lesson=PROJECT, name=(INVISIBLE + " " + MARKUP)[:80], members=["m_sam"]
        ),
        author="m_tomas",
    )
    app = make_app(root)
    async with app.run_test(size=(140, 30)) as pilot:
        await wait_for(pilot, lambda: "Team invite" in screen_text(app))
        text = assert_inert(app)
        assert "[reverse]rev[/reverse]" in text and "⟪U+202E⟫" in text, text
        await pilot.press("3")
        await wait_for(pilot, lambda: "Threads (" in screen_text(app))
        await pilot.press("f")
        await wait_for(pilot, lambda: "pod channel" in screen_text(app))
        assert_inert(app)
        await pilot.press("escape")
        await pilot.press("2")
        await wait_for(pilot, lambda: app.screen.query("#lesson-list"))
        app.screen.query_one(RowList).highlight(f"lesson:{PROJECT}")
        await pilot.pause()
        await pilot.press("T")
        await wait_for(pilot, lambda: "Accept the invitation" in screen_text(app))
        assert "[reverse]rev[/reverse]" in assert_inert(app)


async def _submit_from_the_app(app: Any, pilot: Any, work: Path, title: str) -> None:
    from textual.widgets import Input, SelectionList

    app.work_dir = work
    await wait_for(pilot, lambda: "Inbox" in screen_text(app))
    await workers_done(pilot)
    await pilot.press("s")
    await wait_for(pilot, lambda: app.screen.query("#submit-files"))
    dialog = app.screen
    files = dialog.query_one(SelectionList)
    await wait_for(pilot, lambda: files.option_count > 0)
    files.select("notes.py")
    dialog.query_one("#submit-title", Input).value = title
    await pilot.press("ctrl+s")
    await workers_done(pilot)


async def test_submitting_in_a_team_submits_for_the_team(tmp_path: Path) -> None:
    work = tmp_path / "pod"
    work.mkdir()
    (work / "notes.py").write_text("print('hi')\n")
    root = tmp_path / "s"
    demo_replica(root)
    other = Replica(root)
    other.write(
        k.TeamCreate(team="t_owls", lesson=PROJECT, name="Owls", members=["m_mei", "m_sam"]),
        author="m_ada",
    )
    app = make_app(root, member="m_mei", open_target="reviews")
    async with app.run_test(size=SIZE) as pilot:
        await _submit_from_the_app(app, pilot, work, "owls v1")
        state = app.replica.state
        await wait_for(pilot, lambda: any(s.title == "owls v1" for s in state.submissions.values()))
        sub = next(s for s in state.submissions.values() if s.title == "owls v1")
        assert sub.team == "t_owls" and sub.authors == ["m_mei", "m_sam"]
        assert not {"m_mei", "m_sam"} & {a.reviewer for a in sub.assignments}
        await _submit_from_the_app(app, pilot, work, "owls again")
        await wait_for(
            pilot, lambda: any("submitted already" in n.message for n in app._notifications)
        )
        assert not any(s.title == "owls again" for s in state.submissions.values())


async def test_opening_another_pods_thread_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "s"
    replica = demo_replica(root)
    pod = pod_of(replica.state, "m_sam")
    assert pod is not None
    thread = next(t for t in replica.state.threads.values() if t.pod == pod.id)
    app = make_app(root, member="m_priya", open_target=f"thread:{thread.id}")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: any("another pod" in n.message for n in app._notifications))
        assert "Omar and I revised" not in screen_text(app)
