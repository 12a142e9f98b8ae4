"""The curriculum map's widgets stand alone: each is driven in a small app of its own,
with nothing of the curriculum screen around it (issue 14, structure)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from cohort_tui.checks import CheckOutcome
from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.stuck_ladder import LadderView
from cohort_tui.ui.widgets.check_panel import CheckPanel
from cohort_tui.ui.widgets.lesson_list import LessonList
from cohort_tui.ui.widgets.lesson_pane import LessonPane
from cohort_tui.ui.widgets.row_list import RowList
from tests.ui.widget_host import Host

FAILED = CheckOutcome(
    passed=False,
    returncode=1,
    timed_out=False,
    cancelled=False,
    output=["FAIL  fizzbuzz(15)[-1] is '14', expected 'FizzBuzz'"],
    seconds=0.4,
)
PASSED = CheckOutcome(
    passed=True, returncode=0, timed_out=False, cancelled=False, output=["ok"], seconds=0.1
)


async def test_the_check_panel_records_a_failure_and_its_ladder_then_a_pass(
    tmp_path: Path,
) -> None:
    app = Host(tmp_path / "s", CheckPanel(id="check-log"))
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(CheckPanel)
        lesson = app.replica.state.lessons["core-functions"]
        assert panel.ladder(lesson, 0) is None and panel.question(lesson, 0) is None
        panel.post_message(CheckPanel.Finished("core-functions", FAILED))
        while not app.heard:
            await pilot.pause()
        recorded = app.heard.pop()
        assert isinstance(recorded, CheckPanel.Recorded) and recorded.undo_to is None
        checks = app.replica.state.checks["m_sam"]["core-functions"]
        assert checks.passed is False  # the run is an op
        view = panel.ladder(lesson, 0)
        assert isinstance(view, LadderView) and view.hints == "here"  # rung 1 first
        panel.hint_read("core-functions")
        question = panel.question(lesson, 1)
        assert question is not None
        title, body = question
        assert title == f"Check fails: {lesson.title}"
        assert "expected 'FizzBuzz'" in body and "What I tried:" in body
        # Sam did the lesson in the demo: start it again, then a pass marks it done.
        app.write(k.ProgressSet(lesson="core-functions", status="doing"))
        panel.post_message(CheckPanel.Finished("core-functions", PASSED))
        while not app.heard:
            await pilot.pause()
        recorded = app.heard.pop()
        assert isinstance(recorded, CheckPanel.Recorded) and recorded.undo_to == "doing"
        state = app.replica.state
        assert state.progress["m_sam"]["core-functions"].status == "done"
        assert "core-functions" not in state.stuck["m_sam"]  # the climb is recorded
        assert sum(state.unstuck["core-functions"].values()) == 1
        assert panel.failure("core-functions") is None and panel.ladder(lesson, 1) is None


async def test_the_check_panel_runs_a_real_check_and_closes(tmp_path: Path) -> None:
    app = Host(tmp_path / "s", CheckPanel(id="check-log"))
    app.work_dir.mkdir(parents=True)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(CheckPanel)
        lesson = app.replica.state.lessons["core-functions"]
        assert not panel.close()  # nothing shown yet
        assert panel.run(lesson)
        assert not panel.run(lesson)  # one at a time
        assert not panel.close()  # not while it runs
        while not app.heard:
            await pilot.pause(0.05)
        assert panel.running is None and panel.failure("core-functions") is not None
        output = "\n".join(str(line.text) for line in panel.lines)
        assert "does not exist" in output  # no fizzbuzz.py in the work folder
        assert panel.display and panel.close() and not panel.display


async def test_the_lesson_list_filters_and_finds_a_lesson_behind_its_filter(
    tmp_path: Path,
) -> None:
    app = Host(tmp_path / "s", LessonList(id="cur-left"))
    async with app.run_test(size=(60, 30)) as pilot:
        lessons = app.query_one(LessonList)
        lessons.fill({})
        everything = [r for r in lessons.row_ids if r.startswith("lesson:")]
        assert len(everything) == len(app.replica.state.lessons)
        assert lessons.highlighted_lesson is not None  # my next lesson
        lessons.open_search()
        await pilot.press(*"pytest")
        while not app.heard:
            await pilot.pause()
        assert isinstance(app.heard[-1], LessonList.Filtered)
        shown = [r for r in lessons.row_ids if r.startswith("lesson:")]
        assert shown and len(shown) < len(everything)
        hidden = next(r for r in everything if r not in shown).removeprefix("lesson:")
        assert lessons.highlight(hidden)  # the filter is cleared to show it
        assert lessons.filter == "" and not app.query_one(Input).value
        assert lessons.highlighted_lesson == hidden
        await pilot.pause()  # focus moves on the next message
        assert app.query_one(RowList).has_focus
        assert not lessons.highlight("no-such-lesson")
        lessons.open_search()
        assert lessons.search_shown and lessons.searching()
        lessons.close_search()
        assert not lessons.search_shown


async def test_the_lesson_pane_shows_hints_and_undoes_its_own_changes(tmp_path: Path) -> None:
    app = Host(tmp_path / "s", LessonPane(id="lesson-pane"))
    async with app.run_test(size=(80, 30)) as pilot:
        pane = app.query_one(LessonPane)
        lesson = next(x for x in app.replica.state.lessons.values() if x.hints)
        pane.show(lesson, peers={})
        await pilot.pause()
        meta = str(pane.query_one("#lesson-meta").render())
        assert f"Hints: 0/{len(lesson.hints)} shown" in meta
        assert pane.reveal_hint(lesson)
        pane.show(lesson)
        await pilot.pause()
        assert f"Hints: 1/{len(lesson.hints)} shown" in str(pane.query_one("#lesson-meta").render())
        before = pane.status(lesson)
        pane.set_status(lesson, "done")
        assert pane.status(lesson) == "done"
        pane.undo(lesson)
        assert pane.status(lesson) == before
        pane.undo(lesson)  # only what was changed here
        assert pane.status(lesson) == before
        pane.show(None)
        assert pane.shown_lesson is None
