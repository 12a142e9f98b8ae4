"""The curriculum map, driven with the keyboard."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import RichLog

from cohort_tui.domain import op_kinds as k
from cohort_tui.store.workspace import Replica
from cohort_tui.ui.app import CohortApp
from cohort_tui.ui.screens.curriculum import CurriculumScreen
from cohort_tui.ui.screens.rating import RatingScreen
from cohort_tui.ui.widgets.row_list import RowList
from tests.ui.helpers import lesson_pane_shown, make_app, wait_for

SIZE = (100, 30)


def status(app: object, lesson: str, member: str = "m_sam") -> str | None:
    p = app.replica.state.progress.get(member, {}).get(lesson)  # type: ignore[attr-defined]
    return p.status if p else None


async def test_opens_on_the_lesson_i_am_on_with_every_state(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="curriculum")
    async with app.run_test(size=SIZE) as pilot:
        await lesson_pane_shown(pilot)
        screen = app.screen
        assert isinstance(screen, CurriculumScreen)
        assert screen.lesson is not None and screen.lesson.id == "core-collections"
        listing = screen.query_one("#lesson-list", RowList)
        prompts = [str(row.text) for row in listing.rows]
        glyphs = {p[0] for p in prompts if p[:1] in "✓▸○⊘"}
        assert glyphs == {"✓", "▸", "○", "⊘"}


async def test_open_target_lesson_and_jk_navigation(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="lesson:io-json")
    async with app.run_test(size=SIZE) as pilot:
        await lesson_pane_shown(pilot)
        screen = app.screen
        assert isinstance(screen, CurriculumScreen)
        assert screen.lesson is not None and screen.lesson.id == "io-json"
        await pilot.press("j")
        assert screen.lesson.id == "io-argparse"
        await pilot.press("k", "k")
        assert screen.lesson.id == "io-files"


async def test_start_done_and_undo(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="lesson:quality-pytest")
    async with app.run_test(size=SIZE) as pilot:
        await lesson_pane_shown(pilot)
        await pilot.press("s")
        assert status(app, "quality-pytest") == "doing"
        await pilot.press("d")
        assert status(app, "quality-pytest") == "done"
        await pilot.press("u")
        assert status(app, "quality-pytest") == "doing"
        await pilot.press("u")
        assert status(app, "quality-pytest") == "todo"


async def test_locked_lesson_cannot_be_started(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="lesson:io-json")
    async with app.run_test(size=SIZE) as pilot:
        await lesson_pane_shown(pilot)
        await pilot.press("s")
        assert status(app, "io-json") is None
        assert any("prerequisites" in n.message for n in app._notifications)


async def test_hints_one_at_a_time(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="lesson:core-functions")
    async with app.run_test(size=SIZE) as pilot:
        await lesson_pane_shown(pilot)
        screen = app.screen
        assert isinstance(screen, CurriculumScreen)
        await pilot.press("h")
        meta = str(screen.query_one("#lesson-meta").render())
        assert "Return the list" in meta and "Test `i % 15" not in meta
        await pilot.press("h", "h", "h")
        assert any("No more hints" in n.message for n in app._notifications)


async def test_rate_skill_before_and_after(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="lesson:quality-pytest")
    async with app.run_test(size=SIZE) as pilot:
        await lesson_pane_shown(pilot)
        await pilot.press("r")
        assert isinstance(app.screen, RatingScreen)
        await pilot.press("2")
        await pilot.press("r", "tab", "4")
        skill = app.replica.state.skills["m_sam"]["quality-pytest"]
        assert (skill.before, skill.after) == (2, 4)


async def _run_check(
    tmp_path: Path, solution: str | None
) -> tuple[CohortApp, CurriculumScreen, str]:
    work = tmp_path / "work"
    work.mkdir()
    if solution is not None:
        (work / "fizzbuzz.py").write_text(solution)
    app = make_app(tmp_path / "s", open_target="lesson:core-functions")
    async with app.run_test(size=SIZE) as pilot:
        await lesson_pane_shown(pilot)
        screen = app.screen
        assert isinstance(screen, CurriculumScreen)
        # Sam already did this lesson in the demo; start it again to see the check mark
        # it done (u undoes only what was done here).
        await pilot.press("s")
        app.work_dir = work
        await pilot.press("c")
        await app.workers.wait_for_complete()
        await lesson_pane_shown(pilot)
        log_text = "\n".join(
            str(line.text) for line in screen.query_one("#check-log", RichLog).lines
        )
        return app, screen, log_text


async def test_passing_check_marks_the_lesson_done(tmp_path: Path) -> None:
    good = (
        "def fizzbuzz(n):\n    return ['FizzBuzz' if i % 15 == 0 else 'Fizz' if i % 3 == 0"
        " else 'Buzz' if i % 5 == 0 else str(i) for i in range(1, n + 1)]\n"
    )
    app, _, log_text = await _run_check(tmp_path, good)
    assert "All checks passed." in log_text
    assert status(app, "core-functions") == "done"
    assert app.replica.state.checks["m_sam"]["core-functions"].passed


async def test_failing_check_keeps_output_and_records_the_run(tmp_path: Path) -> None:
    app, _, log_text = await _run_check(tmp_path, None)
    assert "does not exist" in log_text
    assert status(app, "core-functions") == "doing"
    assert not app.replica.state.checks["m_sam"]["core-functions"].passed


async def test_search_filters_and_escape_clears(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="curriculum")
    async with app.run_test(size=SIZE) as pilot:
        await lesson_pane_shown(pilot)
        screen = app.screen
        listing = screen.query_one("#lesson-list", RowList)
        before = len(listing.rows)
        await pilot.press("slash", *"json")
        await wait_for(pilot, lambda: len(listing.rows) < before)
        ids = [row.id for row in listing.rows]
        assert "lesson:io-json" in ids and len(ids) < before
        await pilot.press("enter")
        assert listing.has_focus
        await pilot.press("escape")
        await pilot.pause()


async def test_progress_from_another_process_shows_and_keeps_my_cursor(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="lesson:io-files")
    async with app.run_test(size=SIZE) as pilot:
        await lesson_pane_shown(pilot)
        screen = app.screen
        assert isinstance(screen, CurriculumScreen)
        listing = screen.query_one("#lesson-list", RowList)

        def peers_prompt() -> str:
            return str(next(r.text for r in listing.rows if r.id == "lesson:quality-pytest"))

        before = peers_prompt()
        Replica(tmp_path / "s").write(
            k.ProgressSet(lesson="quality-pytest", status="done"), author="m_mei"
        )
        app.poll_store()
        await wait_for(pilot, lambda: "3/7" in peers_prompt())
        assert peers_prompt() != before
        assert screen.lesson is not None and screen.lesson.id == "io-files"


GOOD_FIZZBUZZ = (
    "def fizzbuzz(n):\n    return ['FizzBuzz' if i % 15 == 0 else 'Fizz' if i % 3 == 0"
    " else 'Buzz' if i % 5 == 0 else str(i) for i in range(1, n + 1)]\n"
)


async def _check_until(pilot: Pilot[Any], app: Any, passed: bool) -> None:
    await pilot.press("c")

    def recorded() -> bool:
        result = app.replica.state.checks.get("m_sam", {}).get("core-functions")
        return result is not None and result.passed is passed and app.screen.checks.running is None

    await wait_for(pilot, recorded, timeout=20, what="the check's run recorded")
    await lesson_pane_shown(pilot)


async def test_stuck_ladder_hints_then_an_answer_then_the_pass_is_recorded(tmp_path: Path) -> None:
    from cohort_tui.ui.widgets.stuck_ladder import StuckLadder

    work = tmp_path / "work"
    work.mkdir()
    app = make_app(tmp_path / "s", open_target="lesson:core-functions")
    async with app.run_test(size=SIZE) as pilot:
        await lesson_pane_shown(pilot)
        screen = app.screen
        assert isinstance(screen, CurriculumScreen)
        ladder = screen.query_one(StuckLadder)
        assert not ladder.display
        app.work_dir = work
        await _check_until(pilot, app, passed=False)
        assert ladder.display
        shown = str(ladder.render())
        assert "Stuck?" in shown and "▸ 1 Next hint · 0/3 shown" in shown
        assert "fizzbuzz check fails on n=15" in shown  # the demo's answered thread matches
        assert app.replica.state.stuck["m_sam"]["core-functions"].passed_at is None
        await pilot.press("h", "h", "h")
        await wait_for(pilot, lambda: "✓ 1 Next hint · 3/3 shown" in str(ladder.render()))
        assert "▸ 2 Answered" in str(ladder.render())
        await pilot.press("m")  # opens the thread at its answer, in Discussions
        await wait_for(pilot, lambda: app.current_mode == "discussions")
        app.switch_mode("curriculum")
        await wait_for(pilot, lambda: "▸ 3 Ask the cohort" in str(ladder.render()))
        (work / "fizzbuzz.py").write_text(GOOD_FIZZBUZZ)
        await _check_until(pilot, app, passed=True)
        state = app.replica.state
        assert state.unstuck == {"core-functions": {"faq": 1}}
        assert "core-functions" not in state.stuck.get("m_sam", {})
        assert not ladder.display
        assert not [r for r in state.refused if r.kind == "check.unstuck"]


async def test_stuck_ladder_asking_prefills_what_was_tried_and_counts_the_thread(
    tmp_path: Path,
) -> None:
    from textual.widgets import TextArea

    from cohort_tui.ui.screens.compose import ComposeScreen

    work = tmp_path / "work"
    work.mkdir()
    app = make_app(tmp_path / "s", open_target="lesson:core-functions")
    async with app.run_test(size=SIZE) as pilot:
        await lesson_pane_shown(pilot)
        app.work_dir = work
        await _check_until(pilot, app, passed=False)
        await pilot.press("h")
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, ComposeScreen))
        assert isinstance(app.screen, ComposeScreen)
        body = app.screen.query_one("#compose-body", TextArea).text
        assert "(fizzbuzz.py) failed (exit 1)" in body
        assert "does not exist" in body
        assert "What I tried:\n- read 1 of 3 hints\n- " in body
        # The thread is posted (as the composer would) and then the check passes.
        app.replica.write(
            k.ThreadCreate(
                thread="t_stuck", post="p_stuck", title="Stuck", body=body, lesson="core-functions"
            ),
            author="m_sam",
        )
        app.screen.action_cancel()
        app.switch_mode("curriculum")
        await lesson_pane_shown(pilot)
        (work / "fizzbuzz.py").write_text(GOOD_FIZZBUZZ)
        await _check_until(pilot, app, passed=True)
        assert app.replica.state.unstuck == {"core-functions": {"thread": 1}}
