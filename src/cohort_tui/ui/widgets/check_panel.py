"""A lesson's runnable check: its output as it runs, how it ended, and the stuck ladder
a failure starts (see :mod:`cohort_tui.domain.stuck_ladder`).

| Key | Action |
|---|---|
| c | run the lesson's check in the folder cohort was started in |
| x | stop the running check |
| m | after a failure: the next answered question like it (the ladder's rung 2) |
| f | after a failure: ask the cohort, with the output (the ladder's rung 3) |

The keys act from anywhere on the curriculum screen, so the screen declares them
(:data:`BINDINGS`) and runs them through the panel's methods.
"""

from __future__ import annotations

from typing import ClassVar, cast

from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.message import Message
from textual.widgets import RichLog

from cohort_tui.checks import CheckOutcome, CheckRun
from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.model import Lesson
from cohort_tui.domain.sanitize import clean_line, clean_text
from cohort_tui.domain.stuck_ladder import (
    Climb,
    FaqMatch,
    LadderView,
    asked_since,
    ladder_view,
    matching_answers,
    what_i_tried,
)
from cohort_tui.ui import palette
from cohort_tui.ui.host import CohortHost
from cohort_tui.ui.modes import SCREENS
from cohort_tui.ui.text import member_line, plain

BINDINGS = [
    Binding(
        "c",
        "run_check",
        "Check",
        id="curriculum.check",
        tooltip="Run the lesson's check in the current folder",
    ),
    Binding(
        "x",
        "cancel_check",
        "Stop check",
        id="curriculum.cancel_check",
        tooltip="Stop the running check",
    ),
    Binding(
        "m",
        "open_match",
        "Matching answer",
        id="curriculum.open_match",
        tooltip="After a failed check: open the next answered question like the failure",
    ),
    Binding(
        "f",
        "ask_failure",
        "Ask about failure",
        id="curriculum.ask_failure",
        tooltip="Open a thread on this lesson with the failing check output",
    ),
]
"""The keys of this panel, declared on the curriculum screen (see the module doc)."""


class CheckPanel(RichLog):
    """The check's output, shown while a check runs and after, until closed.

    It remembers, for this session, which lessons' checks failed and how far up the
    stuck ladder the learner climbed since; a pass records the highest rung reached.
    """

    DEFAULT_CSS = """
    CheckPanel { height: 10; display: none; border-top: solid $panel; }
    CheckPanel.-shown { display: block; }
    """

    class Finished(Message):
        """A check ended (passed, failed, timed out, cancelled or could not run)."""

        def __init__(self, lesson: str, outcome: CheckOutcome) -> None:
            super().__init__()
            self.lesson = lesson
            """The lesson whose check ran."""
            self.outcome = outcome
            """How it ended, with its output."""

    class Recorded(Message):
        """A finished check is recorded (ops written, the ladder started or ended)."""

        def __init__(self, lesson: str, undo_to: str | None) -> None:
            super().__init__()
            self.lesson = lesson
            """The lesson whose check ran."""
            self.undo_to = undo_to
            """The lesson's status before the pass marked it done (None: not marked)."""

    _SHOWN: ClassVar[str] = "-shown"

    def __init__(self, *, id: str | None = None) -> None:
        # min_width=1: RichLog renders at least 78 columns wide by default, so a line
        # in a narrower pane was cut at its edge instead of wrapped.
        super().__init__(id=id, max_lines=2_000, markup=False, wrap=True, min_width=1)
        self.running: CheckRun | None = None
        """The check running now (one at a time)."""
        self._failed: dict[str, CheckOutcome] = {}
        self._failed_at: dict[str, int] = {}
        self._climbs: dict[str, Climb] = {}
        """Lesson -> how far up the stuck ladder I got since its check failed."""
        self._matches: tuple[object, list[FaqMatch]] = (None, [])

    @property
    def host(self) -> CohortHost:
        """The app, typed as what widgets may ask of it."""
        return cast(CohortHost, self.app)

    # -- running -----------------------------------------------------------------

    def run(self, lesson: Lesson) -> bool:
        """Start ``lesson``'s check in the work folder; False if none or one runs."""
        if lesson.check is None or self.running is not None:
            return False
        self.clear()
        self.add_class(self._SHOWN)
        self.write(
            plain(
                (f"$ check {lesson.id} in ", "bold"),
                member_line(str(self.host.work_dir), "bold"),
            )
        )
        run = CheckRun(
            lesson.check,
            self.host.work_dir,
            on_line=lambda line: self.app.call_from_thread(self.add_line, line),
        )
        self.running = run
        self._run_worker(run, lesson.id)
        return True

    def add_line(self, line: str) -> None:
        """One line of the check's output (it comes from outside: sanitised)."""
        self.write(Text(clean_line(line)))

    @work(thread=True, exclusive=True, group="check", exit_on_error=False)
    def _run_worker(self, run: CheckRun, lesson_id: str) -> None:
        outcome = run.run()
        self.post_message(self.Finished(lesson_id, outcome))

    def cancel(self) -> None:
        """Stop the running check (it ends as cancelled)."""
        if self.running is not None:
            self.running.cancel()

    def close(self) -> bool:
        """Hide the output unless a check runs; False when there was nothing to hide."""
        if not self.has_class(self._SHOWN) or self.running is not None:
            return False
        self.remove_class(self._SHOWN)
        return True

    def on_check_panel_finished(self, message: CheckPanel.Finished) -> None:
        message.stop()
        self.running = None
        host, lesson_id, outcome = self.host, message.lesson, message.outcome
        state, me = host.replica.state, host.member_id
        style = palette.OK_STRONG if outcome.passed else palette.BAD_STRONG
        self.write(member_line(outcome.summary(), style))  # may quote an OS error
        ops: list[k.Data] = []
        if not outcome.cancelled and not outcome.error:
            ops.append(
                k.CheckRun(
                    lesson=lesson_id, passed=outcome.passed, summary=outcome.summary()[:4_000]
                )
            )
        progress = state.progress.get(me, {}).get(lesson_id)
        undo_to: str | None = None
        if outcome.passed:
            spell = state.stuck.get(me, {}).get(lesson_id)
            if ops and spell is not None and spell.passed_at is None:
                # This pass ends a failure: record the highest rung climbed since.
                climb = self._climbs.pop(lesson_id, Climb())
                climb.asked = asked_since(state, me, lesson_id, spell.failed_at)
                rung, thread = climb.ended_by()
                ops.append(k.CheckUnstuck(lesson=lesson_id, rung=rung, thread=thread))
            self._failed.pop(lesson_id, None)
            self._failed_at.pop(lesson_id, None)
            if progress is None or progress.status != "done":
                ops.append(k.ProgressSet(lesson=lesson_id, status="done"))
                undo_to = progress.status if progress else "todo"
            self.notify("Check passed: lesson marked done.", timeout=4)
        else:
            if lesson_id not in self._failed:  # a new failure: the ladder starts
                self._failed_at[lesson_id] = host.now_ms()
                self._climbs[lesson_id] = Climb()
            self._failed[lesson_id] = outcome
            hint = " The lesson shows what to try next." if "discussions" in SCREENS else ""
            self.notify(f"Check {outcome.summary()}.{hint}", severity="warning", timeout=6)
        if ops:
            host.write_many(ops)
        self.post_message(self.Recorded(lesson_id, undo_to))

    def on_unmount(self) -> None:
        self.cancel()

    # -- the stuck ladder ----------------------------------------------------------

    def failure(self, lesson_id: str) -> CheckOutcome | None:
        """How ``lesson_id``'s check last failed in this session (None: it did not, or
        it passed since)."""
        return self._failed.get(lesson_id)

    def ladder(self, lesson: Lesson | None, hints_shown: int) -> LadderView | None:
        """The stuck ladder of ``lesson`` when its check failed in this session."""
        if lesson is None or lesson.id not in self._failed:
            return None
        climb = self._climbs.setdefault(lesson.id, Climb())
        state, me = self.host.replica.state, self.host.member_id
        climb.asked = asked_since(state, me, lesson.id, self._failed_at[lesson.id])
        # Ranking reads every answered thread of the lesson (60 ms at 300 of them): once
        # per failure and state, not on every redraw or binding check.
        key = (lesson.id, id(self._failed[lesson.id]), id(state), state.applied)
        if self._matches[0] != key:
            found = matching_answers(state, lesson.id, self._failed[lesson.id].output)
            self._matches = (key, found)
        return ladder_view(lesson, hints_shown, self._matches[1], climb)

    def hint_read(self, lesson_id: str) -> None:
        """A hint was revealed: a rung climbed, if the lesson's check is failing."""
        if lesson_id in self._failed:
            self._climbs.setdefault(lesson_id, Climb()).hints_read += 1

    def next_answer(self, lesson: Lesson, hints_shown: int) -> str | None:
        """Rung 2: the answer post of the next answered thread like the failure,
        counted as read (None: no failure, or no such thread)."""
        view = self.ladder(lesson, hints_shown)
        if view is None or view.next_match is None:
            return None
        entry = view.next_match.entry
        self._climbs[lesson.id].read_answer(entry.thread)
        return entry.answer_post

    def question(self, lesson: Lesson, hints_shown: int) -> tuple[str, str] | None:
        """Rung 3: the title and body of a question about the failure (output, check
        name, what I tried), or None when the check has not failed."""
        outcome = self._failed.get(lesson.id)
        if outcome is None:
            return None
        state = self.host.replica.state
        tail = "\n".join(clean_line(line) for line in outcome.output[-40:])
        check = lesson.check.script_name if lesson.check else "check"
        climb = self._climbs.setdefault(lesson.id, Climb())
        titles = {t: state.threads[t].title for t in climb.answers_read if t in state.threads}
        tried = what_i_tried(lesson, hints_shown, climb, titles)
        body = (
            f"The check for this lesson ({clean_line(check)}) {outcome.summary()} "
            f"and I'm stuck.\n\n```\n{tail}\n```\n\nWhat I tried:\n"
            + (clean_text(tried) + "\n- " if tried else "- ")
        )
        return f"Check fails: {lesson.title}"[:200], body
