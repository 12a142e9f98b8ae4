"""A hostile curriculum and hostile check output: every screen and dialog that shows
them draws them inert (no escape sequence, control, bidi or invisible character reaches
the terminal; markup shows as typed), at 100x30, 80x24 and tall enough to see it all.

Before the fix the lesson body went to Rich's Markdown as it was: ``\\x1b[2J`` cleared
the screen and ``\\x1b]0;...\\x07`` set the terminal's title.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import RichLog, Select, TextArea

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain import review_view as rv
from cohort_tui.store.workspace import Replica
from cohort_tui.ui.app import CohortApp
from cohort_tui.ui.screens.compose import ComposeScreen
from cohort_tui.ui.screens.curriculum import CurriculumScreen
from cohort_tui.ui.screens.dialogs import TextScreen
from cohort_tui.ui.screens.milestone_forms import MilestoneForm
from cohort_tui.ui.screens.milestones import MilestonesScreen
from cohort_tui.ui.screens.rating import RatingScreen
from cohort_tui.ui.screens.review_view import ReviewScreen
from cohort_tui.ui.screens.rubric_form import RubricScreen
from tests.ui.helpers import demo_replica, lesson_pane_shown, make_app, wait_for, workers_done
from tests.ui.hostile import assert_inert, hostile_curriculum, import_curriculum, screen_text

SIZES = [(100, 30), (80, 24), (120, 400)]
"""The two sizes the app is laid out for, and one tall enough to show a whole lesson."""


@pytest.fixture
def store(tmp_path: Path) -> Path:
    root = tmp_path / "s"
    demo_replica(root)
    import_curriculum(root, hostile_curriculum(tmp_path / "curriculum"))
    return root


def hostile_app(root: Path, member: str = "m_sam", target: str | None = None) -> CohortApp:
    app = make_app(root, member, open_target=target)
    app.work_dir = root.parent  # checks run here
    return app


@pytest.mark.parametrize("size", SIZES)
async def test_lesson_pane_is_inert(store: Path, size: tuple[int, int]) -> None:
    app = hostile_app(store, target="lesson:core-functions")  # has hints, a check
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CurriculumScreen)
        await pilot.press("h", "h")  # both hints
        await lesson_pane_shown(pilot)
        text = assert_inert(app)
        assert "[reverse]L[/reverse]" in text  # the title, in the list and the pane
        if size[1] > 100:  # everything is on screen
            for literal in ("hint [reverse]rev[/reverse]", "Heading [reverse]rev", "␛"):
                assert literal in text, literal
            assert "⟪U+202E⟫ref-rlo" in text  # a character reference shows as the raw one
            assert "⟪U+200F⟫" in text and "evil" in text
            assert "https://x.example/" in text  # links are text with their address
        assert app.is_running  # [@click=app.quit] did nothing


async def test_every_lesson_and_module_is_inert(store: Path) -> None:
    app = hostile_app(store, target="curriculum")
    async with app.run_test(size=(120, 400)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CurriculumScreen)
        for lesson in list(app.replica.state.lessons):
            screen.open_target("lesson", lesson)
            await lesson_pane_shown(pilot)
            text = assert_inert(app)
            assert "[reverse]L[/reverse]" in text


async def test_hostile_check_output_is_inert_and_so_is_asking_about_it(store: Path) -> None:
    app = hostile_app(store, target="lesson:core-functions")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("c")
        log = app.screen.query_one("#check-log", RichLog)
        await wait_for(  # the check runs in a real process
            pilot, lambda: any("failed" in line.text for line in log.lines), timeout=20
        )
        lines = "\n".join(line.text for line in log.lines)
        assert "failed (exit 1)" in lines
        assert "FAIL [reverse]out[/reverse]" in lines  # stdout, markup as typed
        assert "stderr" in lines and "[@click=app.quit]q[/]" in lines  # stderr too
        assert "progress 100%" in lines and "progress 10%" not in lines  # as a terminal shows
        assert "⟪U+202E⟫evil" in lines and "␛" in lines
        assert "pwned title" not in lines
        assert_inert(app)
        await pilot.press("f")  # ask the cohort: the composer, prefilled with the output
        await wait_for(pilot, lambda: isinstance(app.screen, ComposeScreen))
        assert isinstance(app.screen, ComposeScreen)
        assert_inert(app)
        body = app.screen.query_one("#compose-body", TextArea).text
        assert "FAIL [reverse]out[/reverse]" in body and "\x1b" not in body
        assert app.is_running


async def test_lesson_dialogs_are_inert(store: Path) -> None:
    app = hostile_app(store, target="lesson:core-functions")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("r")  # rate my skill: the lesson title in a dialog
        await pilot.pause()
        assert isinstance(app.screen, RatingScreen)
        assert_inert(app)
        await pilot.press("escape", "a")  # ask: the composer, anchored to the lesson
        await wait_for(pilot, lambda: isinstance(app.screen, ComposeScreen))
        assert isinstance(app.screen, ComposeScreen)
        assert_inert(app)
        select = app.screen.query_one("#compose-lesson", Select)
        select.focus()
        await pilot.press("enter")  # open the list of lessons
        await pilot.pause()
        text = assert_inert(app)
        assert "[reverse]L[/reverse]" in text


async def test_rubric_texts_and_the_example_are_inert(store: Path) -> None:
    app = hostile_app(store, member="m_lin")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        rubric = next(iter(app.replica.state.rubrics.values()))
        app.push_screen(RubricScreen(rubric, "Review: x"))
        await pilot.pause()
        text = assert_inert(app)
        assert "[reverse]C[/reverse]" in text
        app.screen.query_one(Select).focus()
        await pilot.press("enter")  # the levels, with their descriptions
        await pilot.pause()
        assert_inert(app)
        await pilot.press("escape", "f2")  # the rubric's example review
        await pilot.pause()
        assert isinstance(app.screen, TextScreen)
        assert "Reference [reverse]rev[/reverse]" in assert_inert(app)
        await pilot.press("escape")
        await pilot.pause()
        app.pop_screen()
        app.push_screen(ReviewScreen(rv.calibration_id(rubric.id)))  # the example's code
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await workers_done(pilot)
        assert_inert(app)


async def test_milestones_from_the_curriculum_and_their_form_are_inert(store: Path) -> None:
    app = hostile_app(store, member="m_ada", target="milestones")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MilestonesScreen)
        text = assert_inert(app)
        assert "[reverse]rev[/reverse]" in text
        await pilot.press("e")  # edit: the title, lessons and description in fields
        await wait_for(pilot, lambda: isinstance(app.screen, MilestoneForm))
        assert isinstance(app.screen, MilestoneForm)
        text = assert_inert(app)
        assert "[reverse]L[/reverse]" in text  # lesson titles in the selection list


@pytest.mark.parametrize("size", SIZES[:2])
async def test_every_screen_and_the_palette_are_inert_with_the_curriculum(
    store: Path, size: tuple[int, int]
) -> None:
    """Home (the next lesson, the milestone), the thread list (lesson anchors), the
    inbox (the project's lesson), the tracker, help and the command palette."""
    app = hostile_app(store, member="m_ada")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        modes = ("home", "curriculum", "discussions", "reviews", "milestones")
        for key, mode in zip("12345", modes, strict=True):
            await pilot.press(key)
            await wait_for(pilot, lambda: app.current_mode == mode)  # noqa: B023 (awaited here)
            await workers_done(pilot)
            assert_inert(app)
        await pilot.press("question_mark")
        await pilot.pause()
        assert_inert(app)
        await pilot.press("escape", "ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"theme")
        hits = app.screen.query_one(CommandList)
        await wait_for(pilot, lambda: hits.option_count > 0)
        await workers_done(pilot)  # the hits are gathered in batches
        assert_inert(app)
        assert app.is_running


@pytest.mark.parametrize("size", [(100, 30), (80, 24)])
async def test_the_stuck_ladder_is_inert(store: Path, size: tuple[int, int]) -> None:
    """Hostile check output matched against a hostile answered thread: the ladder draws
    both inert, and so does the prefilled question that quotes what was tried."""
    from cohort_tui.ui.widgets.stuck_ladder import StuckLadder
    from tests.ui.hostile import HOSTILE_LINE

    replica = Replica(store)
    title = f"reverse progress {HOSTILE_LINE}"
    replica.write(
        k.ThreadCreate(
            thread="t_h", post="p_hq", title=title, body=HOSTILE_LINE, lesson="core-functions"
        ),
        author="m_zoe",
    )
    replica.write(k.PostCreate(post="p_ha", thread="t_h", body=HOSTILE_LINE), author="m_lin")
    replica.write(k.ThreadAnswer(thread="t_h", post="p_ha"), author="m_zoe")
    app = hostile_app(store, target="lesson:core-functions")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("c")
        ladder = app.screen.query_one(StuckLadder)
        await wait_for(pilot, lambda: ladder.display, timeout=20)  # a real process
        await pilot.press("h", "h")
        hint = "reverse progress [reverse]rev[/reverse]"  # markup as typed
        await wait_for(pilot, lambda: hint in str(ladder.render()))
        shown = str(ladder.render())
        assert "\x1b" not in shown and "\u202e" not in shown
        assert_inert(app)
        await pilot.press("m")  # the thread, at its answer
        await wait_for(pilot, lambda: app.current_mode == "discussions")
        assert_inert(app)
        app.switch_mode("curriculum")
        await lesson_pane_shown(pilot)
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, ComposeScreen))
        assert isinstance(app.screen, ComposeScreen)
        assert_inert(app)
        body = app.screen.query_one("#compose-body", TextArea).text
        assert "read the answer to “reverse progress [reverse]rev[/reverse]" in body
        assert "\x1b" not in body and "\u202e" not in body


@pytest.mark.parametrize("size", [(100, 30), (80, 24)])
async def test_who_is_here_now_is_inert(store: Path, size: tuple[int, int]) -> None:
    """Presence names hostile lesson titles (Home's panel, the map's list and meta), and
    a hostile presence file entry is dropped, never drawn."""
    from textual.widgets import Static

    from cohort_tui.domain.presence import Seen
    from cohort_tui.store.presence_file import PRESENCE_NAME, beat
    from tests.ui.helpers import NOW

    beat(store, "pane-lin", Seen("m_lin", "lesson:core-functions", NOW), NOW)
    beat(store, "pane-zoe", Seen("m_zoe", "lesson:core-functions", NOW), NOW)
    raw = (store / PRESENCE_NAME).read_text("utf-8")
    hostile = f'"pane-x": {{"member": "m_omar\\u001b[2J", "where": "home", "at": {NOW}}}, '
    (store / PRESENCE_NAME).write_text(raw.replace('"panes":{', '"panes":{' + hostile, 1))
    app = hostile_app(store)
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: len(app.presence.seats) == 2)
        await wait_for(pilot, lambda: "here now:" in screen_text(app))
        assert {s.member for s in app.presence.seats} == {"m_lin", "m_zoe"}
        text = assert_inert(app)
        assert "here now:" in text and "[reverse]L[/reverse]" in text
        panel = str(app.screen.query_one("#here-now", Static).render())
        assert "\x1b" not in panel and "\u202e" not in panel
        app.go("lesson:core-functions")
        await lesson_pane_shown(pilot)
        await wait_for(pilot, lambda: "● here now: @lin, @zoe" in screen_text(app))
        text = assert_inert(app)
        assert "● here now: @lin, @zoe" in text
