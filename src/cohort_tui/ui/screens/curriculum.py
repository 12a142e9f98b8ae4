"""The curriculum map: where am I, where is my cohort, what is next.

The screen composes three widgets and runs their keys: the lesson list
(:mod:`~cohort_tui.ui.widgets.lesson_list`), the lesson pane
(:mod:`~cohort_tui.ui.widgets.lesson_pane`) and the check panel
(:mod:`~cohort_tui.ui.widgets.check_panel`), and the dialogs about the highlighted lesson
(:mod:`~cohort_tui.ui.screens.lesson_dialogs`: rate it, a team project). Its own keys
ask about the lesson, show its threads and the FAQ.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from cohort_tui.domain import queries as q
from cohort_tui.domain.model import Lesson
from cohort_tui.domain.sanitize import clean_line
from cohort_tui.domain.stuck_ladder import LadderView
from cohort_tui.ui import palette
from cohort_tui.ui.keys import gather
from cohort_tui.ui.messages import PresenceChanged
from cohort_tui.ui.modes import SCREENS
from cohort_tui.ui.screens import lesson_dialogs
from cohort_tui.ui.screens.base import CohortScreen
from cohort_tui.ui.screens.lesson_dialogs import choose_team, rate_skill
from cohort_tui.ui.text import member_line, plain, progress_bar
from cohort_tui.ui.widgets import check_panel, lesson_list, lesson_pane
from cohort_tui.ui.widgets.check_panel import CheckPanel
from cohort_tui.ui.widgets.cohort_footer import CohortFooter
from cohort_tui.ui.widgets.cohort_header import CohortHeader
from cohort_tui.ui.widgets.lesson_list import LessonList
from cohort_tui.ui.widgets.lesson_pane import LessonPane
from cohort_tui.ui.widgets.row_list import RowList

OWN_BINDINGS = [
    Binding(
        "a",
        "ask",
        "Ask",
        id="curriculum.ask",
        tooltip="Ask the cohort a question about this lesson",
    ),
    Binding(
        "t",
        "threads",
        "Threads",
        id="curriculum.threads",
        show=False,
        tooltip="Open the discussion threads about this lesson",
    ),
    Binding(
        "F",
        "faq",
        "FAQ",
        id="curriculum.faq",
        show=False,
        tooltip="Answered questions, this lesson's first",
    ),
]
"""The keys that open discussions about the highlighted lesson."""


class CurriculumScreen(CohortScreen):
    """Modules and lessons with my state and the cohort's, and the lesson itself."""

    TITLE_TEXT = "Curriculum"
    AUTO_FOCUS = "#lesson-list"
    DEFAULT_CSS = """
    CurriculumScreen #cur-summary { height: 1; padding: 0 1; background: $surface; }
    CurriculumScreen #cur-body { height: 1fr; }
    CurriculumScreen #cur-left { width: 2fr; min-width: 30; max-width: 48; }
    CurriculumScreen #cur-right { width: 3fr; }
    CurriculumScreen #lesson-pane { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = gather(
        "down up back search start done undo hint check cancel_check rate ask threads faq"
        " open_match team ask_failure",
        lesson_list.BINDINGS,
        lesson_pane.BINDINGS,
        check_panel.BINDINGS,
        lesson_dialogs.BINDINGS,
        OWN_BINDINGS,
    )

    def __init__(self) -> None:
        super().__init__()
        self._ladder_view: LadderView | None = None
        self._pane_timer: object | None = None
        self._bindings_signature: tuple[bool, ...] = ()
        # Kept, not queried: check_action asks for them several times a frame.
        self._lessons = LessonList(id="cur-left", classes="panel")
        self._pane = LessonPane(id="lesson-pane")
        self._checks = CheckPanel(id="check-log")

    def compose(self) -> ComposeResult:
        yield CohortHeader()
        yield Static(id="cur-summary")
        with Horizontal(id="cur-body"):
            yield self._lessons
            with Vertical(id="cur-right", classes="panel") as right:
                right.border_title = "Lesson"
                yield self._pane
                yield self._checks
        yield CohortFooter()

    @property
    def lessons(self) -> LessonList:
        """The module and lesson list."""
        return self._lessons

    @property
    def pane(self) -> LessonPane:
        """The highlighted lesson."""
        return self._pane

    @property
    def checks(self) -> CheckPanel:
        """The check output and the stuck ladder's state."""
        return self._checks

    # -- state -> view -------------------------------------------------------------

    @property
    def lesson(self) -> Lesson | None:
        """The highlighted lesson."""
        lesson_id = self._lessons.highlighted_lesson  # None while unmounting too
        return self.state.lessons.get(lesson_id) if lesson_id is not None else None

    def refresh_view(self) -> None:
        self.fill_header()
        peers = q.lesson_peers(self.state)
        self._fill_summary()
        self.lessons.fill(peers)
        self._fill_pane(force=True, peers=peers)

    def _fill_summary(self) -> None:
        state = self.state
        total = len(q.ordered_lessons(state))
        done = q.completed_lessons(state, self.me)
        # Today carries it, and the header has just asked for Today (kept between ops
        # that do not change it): not counted over every learner again.
        median = self.cohort_app.memo(
            "cohort-median",
            lambda: self.cohort_app.derived().today(state, self.now()).cohort_median,
        )
        text = plain(
            ("You ", "bold"),
            (progress_bar(done / total if total else 0, 12), palette.OK),
            f" {done}/{total}   ",
            ("Cohort median ", "bold"),
            (progress_bar(median, 12), palette.INFO),
            f" {round(median * total)}/{total}   ",
        )
        if state.course:
            text.append_text(member_line(state.course.title, "italic"))
        self.query_one("#cur-summary", Static).update(text)

    def _fill_pane(
        self, *, force: bool = False, peers: dict[str, q.LessonPeers] | None = None
    ) -> None:
        lesson, pane = self.lesson, self.pane
        right = self.query_one("#cur-right")
        if lesson is None:
            right.border_title = "Lesson"
            pane.show(None, peers=peers)
            self._ladder_view = None
            return
        right.border_title = member_line(lesson.title)  # a str would be parsed as markup
        view = self._ladder_view = self.checks.ladder(lesson, pane.hints_shown.get(lesson.id, 0))
        failed = self.checks.failure(lesson.id)
        moved = pane.shown_lesson != lesson.id
        pane.show(lesson, view, failed.summary() if failed else "", peers=peers, force=force)
        if moved:
            self.cohort_app.presence.moved(f"lesson:{lesson.id}")
        self._refresh_bindings_if_changed()

    def _refresh_bindings_if_changed(self) -> None:
        # The footer rebuilds every key widget on refresh_bindings(); only ask for that
        # when what the actions allow actually changed (a check to run, a failure to ask about).
        lesson, checks = self.lesson, self.checks
        signature = (
            lesson is not None,
            lesson is not None and lesson.check is not None,
            lesson is not None and checks.failure(lesson.id) is not None,
            self._ladder_view is not None and self._ladder_view.next_match is not None,
            checks.running is not None,
        )
        if signature != self._bindings_signature:
            self._bindings_signature = signature
            self.refresh_bindings()

    def presence_where(self) -> str:
        lesson = self.lesson
        return f"lesson:{lesson.id}" if lesson else "curriculum"

    def on_presence_changed(self, message: PresenceChanged) -> None:
        super().on_presence_changed(message)
        self.lessons.fill()
        self._fill_pane()

    # -- events ------------------------------------------------------------------

    @on(RowList.Highlighted, "#lesson-list")
    def _highlighted(self) -> None:
        # Moving the cursor must stay within a frame: the pane (Markdown) is redrawn
        # once the cursor rests, not on every key repeat.
        if self._pane_timer is not None:
            self._pane_timer.stop()  # type: ignore[attr-defined]
        self._pane_timer = self.set_timer(0.08, self._fill_pane)

    @on(RowList.Selected, "#lesson-list")
    def _selected(self) -> None:
        self.pane.focus()

    def on_lesson_list_filtered(self) -> None:
        self._fill_pane()

    def on_check_panel_recorded(self, message: CheckPanel.Recorded) -> None:
        if message.undo_to is not None:
            self.pane.changed(message.lesson, message.undo_to)
        self._fill_pane()

    def close_for_key(self, key: str) -> bool:
        """ESC run into the next key (alt+KEY) while searching: close, then the key."""
        if not self.lessons.searching():
            return False
        self.action_back()
        self.app.simulate_key(key)
        return True

    def action_back(self) -> None:
        # A binding, not key_escape: bindings are looked up when the key reaches the
        # app, after a "/" sent just before it has shown the search (a burst).
        if self.lessons.search_shown:
            self.lessons.close_search()
        else:
            self.checks.close()

    def open_target(self, kind: str, target_id: str) -> None:
        if kind != "lesson":
            return
        if self.lessons.highlight(target_id):
            self._fill_pane()
        else:
            self.notify(f"No lesson '{clean_line(target_id)}'.", severity="warning")

    # -- actions -----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        lesson = self.lesson
        if action in ("ask", "ask_failure", "threads") and "discussions" not in SCREENS:
            return False
        if action == "ask_failure":
            return lesson is not None and self.checks.failure(lesson.id) is not None
        if action == "open_match":
            view = self.checks.ladder(lesson, self._hints(lesson))
            return view is not None and view.next_match is not None
        if action == "run_check":
            return lesson is not None and lesson.check is not None and self.checks.running is None
        if action == "cancel_check":
            return self.checks.running is not None
        if action in ("set_status", "undo", "hint", "rate", "ask"):
            return lesson is not None
        return True

    def _hints(self, lesson: Lesson | None) -> int:
        return self.pane.hints_shown.get(lesson.id, 0) if lesson is not None else 0

    def action_cursor(self, step: int) -> None:
        self.lessons.move(step)

    def action_search(self) -> None:
        self.lessons.open_search()

    def action_set_status(self, status: str) -> None:
        lesson = self.lesson
        if lesson is not None:
            self.pane.set_status(lesson, status)

    def action_undo(self) -> None:
        lesson = self.lesson
        if lesson is not None:
            self.pane.undo(lesson)

    def action_hint(self) -> None:
        lesson = self.lesson
        if lesson is not None and self.pane.reveal_hint(lesson):
            self.checks.hint_read(lesson.id)  # a rung of the stuck ladder climbed
            self._fill_pane()

    def action_run_check(self) -> None:
        lesson = self.lesson
        if lesson is not None and self.checks.run(lesson):
            self._refresh_bindings_if_changed()

    def action_cancel_check(self) -> None:
        self.checks.cancel()

    def action_open_match(self) -> None:
        """The stuck ladder's rung 2: the next answered thread like this failure."""
        lesson = self.lesson
        post = self.checks.next_answer(lesson, self._hints(lesson)) if lesson else None
        if post is not None:
            self._fill_pane()
            self.cohort_app.go(f"post:{post}")

    def action_ask_failure(self) -> None:
        """The stuck ladder's rung 3: a question with the failing output."""
        lesson = self.lesson
        question = self.checks.question(lesson, self._hints(lesson)) if lesson else None
        if lesson is not None and question is not None:
            title, body = question
            self.cohort_app.compose_thread(lesson=lesson.id, title=title, body=body)

    def action_rate(self) -> None:
        lesson = self.lesson
        if lesson is not None:
            rate_skill(self, lesson, done=self.pane.status(lesson) == "done")

    def action_ask(self) -> None:
        lesson = self.lesson
        if lesson is not None:
            self.cohort_app.compose_thread(lesson=lesson.id)

    def action_threads(self) -> None:
        """The discussions list, showing only this lesson's threads."""
        lesson = self.lesson
        if lesson is not None:
            self.cohort_app.go(f"lesson-threads:{lesson.id}")

    def action_faq(self) -> None:
        """The FAQ with this lesson's answered questions first."""
        from cohort_tui.ui.screens.faq import FaqScreen

        lesson = self.lesson
        self.app.push_screen(FaqScreen(lesson.id if lesson else None))

    def action_team(self) -> None:
        """Form, join or leave a team for the highlighted lesson's project."""
        lesson = self.lesson
        if lesson is not None:
            choose_team(self, lesson.id)
