"""The curriculum map: where am I, where is my cohort, what is next."""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Input, RichLog, Static

from cohort_tui.checks import CheckOutcome, CheckRun
from cohort_tui.domain import op_kinds as k
from cohort_tui.domain import queries as q
from cohort_tui.domain.clock import new_id
from cohort_tui.domain.model import Lesson
from cohort_tui.domain.presence import on_lesson
from cohort_tui.domain.queries import handle_of
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
from cohort_tui.domain.teams import team_actions, team_summary
from cohort_tui.ui import palette
from cohort_tui.ui.messages import PresenceChanged
from cohort_tui.ui.modes import SCREENS
from cohort_tui.ui.screens.base import CohortScreen
from cohort_tui.ui.screens.dialogs import ChoiceScreen, PromptScreen
from cohort_tui.ui.text import ago, member_line, outside_markdown, plain, progress_bar
from cohort_tui.ui.widgets.cohort_footer import CohortFooter
from cohort_tui.ui.widgets.cohort_header import CohortHeader
from cohort_tui.ui.widgets.row_list import Row, RowList
from cohort_tui.ui.widgets.stuck_ladder import StuckLadder

GLYPHS = {"done": "✓", "doing": "▸", "open": "○", "locked": "⊘"}
"""Each state has a glyph and a word, so it reads without colour (NO_COLOR)."""
STYLES = {"done": palette.OK, "doing": palette.ACTIVE, "open": "", "locked": "dim"}
WORDS = {
    "done": "done",
    "doing": "in progress",
    "open": "open",
    "locked": "locked (prerequisites first)",
}


class CheckFinished(Message):
    """A lesson check ended (passed, failed, timed out, cancelled or could not run)."""

    def __init__(self, lesson: str, outcome: CheckOutcome) -> None:
        super().__init__()
        self.lesson = lesson
        self.outcome = outcome


class CurriculumScreen(CohortScreen):
    """Modules and lessons with my state and the cohort's, and the lesson itself."""

    TITLE_TEXT = "Curriculum"
    AUTO_FOCUS = "#lesson-list"
    DEFAULT_CSS = """
    CurriculumScreen #cur-summary { height: 1; padding: 0 1; background: $surface; }
    CurriculumScreen #cur-body { height: 1fr; }
    CurriculumScreen #cur-left { width: 2fr; min-width: 30; max-width: 48; }
    CurriculumScreen #lesson-list { height: 1fr; }
    CurriculumScreen #lesson-search { height: 3; }
    CurriculumScreen #cur-right { width: 3fr; }
    CurriculumScreen #lesson-pane { height: 1fr; }
    CurriculumScreen #lesson-body { padding: 0 1; margin-top: 1; }
    CurriculumScreen #lesson-meta, CurriculumScreen #lesson-extra { padding: 0 1; }
    CurriculumScreen #check-log { height: 10; display: none; border-top: solid $panel; }
    CurriculumScreen #check-log.-shown { display: block; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor(1)", "Down", id="curriculum.down", show=False, tooltip="Next lesson"),
        Binding("k", "cursor(-1)", "Up", id="curriculum.up", show=False, tooltip="Previous lesson"),
        Binding(
            "escape",
            "back",
            "Back",
            id="curriculum.back",
            show=False,
            tooltip="Close the search or the check output",
        ),
        Binding(
            "slash",
            "search",
            "Search",
            id="curriculum.search",
            tooltip="Filter lessons by title, id or tag",
        ),
        Binding(
            "s",
            "set_status('doing')",
            "Start",
            id="curriculum.start",
            tooltip="Mark the lesson in progress",
        ),
        Binding(
            "d", "set_status('done')", "Done", id="curriculum.done", tooltip="Mark the lesson done"
        ),
        Binding(
            "u",
            "undo",
            "Undo",
            id="curriculum.undo",
            show=False,
            tooltip="Undo my last progress change on this lesson",
        ),
        Binding(
            "h", "hint", "Hint", id="curriculum.hint", show=False, tooltip="Reveal the next hint"
        ),
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
            "r",
            "rate",
            "Rate skill",
            id="curriculum.rate",
            show=False,
            tooltip="Rate your skill for this lesson, before or after (1-5)",
        ),
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
        Binding(
            "m",
            "open_match",
            "Matching answer",
            id="curriculum.open_match",
            tooltip="After a failed check: open the next answered question like the failure",
        ),
        Binding(
            "T",
            "team",
            "Team",
            id="curriculum.team",
            show=False,
            tooltip="A team project: form a team, answer an invitation, or leave",
        ),
        Binding(
            "f",
            "ask_failure",
            "Ask about failure",
            id="curriculum.ask_failure",
            tooltip="Open a thread on this lesson with the failing check output",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[str] = []
        self._filter = ""
        self._hints_shown: dict[str, int] = {}
        self._history: dict[str, list[str]] = {}
        self._check: CheckRun | None = None
        self._check_lesson: str | None = None
        self._failed: dict[str, CheckOutcome] = {}
        self._failed_at: dict[str, int] = {}
        self._climbs: dict[str, Climb] = {}
        """Lesson -> how far up the stuck ladder I got since its check failed."""
        self._ladder_view: LadderView | None = None
        self._matches: tuple[object, list[FaqMatch]] = (None, [])
        self._shown_lesson: str | None = None
        self._pane_timer: object | None = None
        self._peers: dict[str, q.LessonPeers] = {}
        self._bindings_signature: tuple[bool, ...] = ()

    def compose(self) -> ComposeResult:
        yield CohortHeader()
        yield Static(id="cur-summary")
        with Horizontal(id="cur-body"):
            with Vertical(id="cur-left", classes="panel") as left:
                left.border_title = "Lessons"
                search = Input(placeholder="filter: title, id or tag", id="lesson-search")
                search.display = False
                yield search
                yield RowList(id="lesson-list")
            with Vertical(id="cur-right", classes="panel") as right:
                right.border_title = "Lesson"
                with VerticalScroll(id="lesson-pane"):
                    yield StuckLadder(id="stuck-ladder")
                    yield Static(id="lesson-meta")
                    # One Static holding a Rich Markdown renderable: Textual's Markdown
                    # widget mounts a widget per block, which made opening the map 3x slower.
                    yield Static(id="lesson-body")
                    yield Static(id="lesson-extra")
                # min_width=1: RichLog renders at least 78 columns wide by default, so a line
                # in a narrower pane was cut at its edge instead of wrapped.
                yield RichLog(id="check-log", max_lines=2_000, markup=False, wrap=True, min_width=1)
        yield CohortFooter()

    # -- state -> view -------------------------------------------------------------

    @property
    def lesson(self) -> Lesson | None:
        """The highlighted lesson."""
        listing = next(self.query("#lesson-list").results(RowList), None)  # None: unmounting
        row = listing.highlighted_id if listing is not None else None
        if row is None or not row.startswith("lesson:"):
            return None
        return self.state.lessons.get(row.removeprefix("lesson:"))

    def refresh_view(self) -> None:
        state = self.state
        self.fill_header()
        self._peers = q.lesson_peers(state)
        self._fill_summary()
        self._fill_list()
        self._fill_pane(force=True)

    def _fill_summary(self) -> None:
        state = self.state
        total = len(q.ordered_lessons(state))
        done = q.completed_lessons(state, self.me)
        # Home counted it for the same state at start (or a visit to this screen did).
        median = self.cohort_app.memo("cohort-median", lambda: q.cohort_median_progress(state))
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

    def _fill_list(self) -> None:
        state, me = self.state, self.me
        listing = self.query_one("#lesson-list", RowList)
        keep = listing.highlighted_id
        peers = self._peers
        needle = self._filter.lower()
        here_now: dict[str, int] = {}
        for seat in self.cohort_app.presence.seats:
            if seat.where.startswith("lesson:"):
                lesson_id = seat.where.removeprefix("lesson:")
                here_now[lesson_id] = here_now.get(lesson_id, 0) + 1
        rows: list[Row] = []
        for module, lessons in q.curriculum_outline(state):
            module_rows = []
            for lesson in lessons:
                fields = (lesson.title, lesson.id, *lesson.tags)
                if needle and not any(needle in field.lower() for field in fields):
                    continue
                status = q.lesson_state(state, me, lesson)
                p = peers.get(lesson.id)
                on_it = f" · {len(p.doing)} on it" if p and p.doing else ""
                # Who has it open now (presence) goes before the title: a narrow list
                # cuts a row's end.
                here = here_now.get(lesson.id)
                present = (f"●{here} ", "bold") if here else ""
                mark = " ✎" if lesson.project else " ⚙" if lesson.check else ""
                text = plain(
                    (f"{GLYPHS[status]} ", STYLES[status]),
                    (f"{p.done if p else 0:>2}/{p.total if p else 0:<2} ", "dim"),
                    present,
                    member_line(lesson.title, "dim" if status == "locked" else ""),
                    mark,
                    (on_it, "dim"),
                )
                module_rows.append(Row(f"lesson:{lesson.id}", text))
            if module_rows:
                heading = member_line(module.title, "bold")
                rows.append(Row(f"module:{module.id}", heading, selectable=False))
                rows.extend(module_rows)
        if not rows:
            empty = "No lesson matches." if needle else "This cohort has no curriculum yet."
            rows.append(Row("none", Text(empty, style="italic"), selectable=False))
        self._rows = [row.id for row in rows]
        listing.set_rows(rows, keep=keep if keep in self._rows else self._default_row())

    def _default_row(self) -> str | None:
        nxt = q.next_lesson(self.state, self.me)
        if nxt is not None:
            return f"lesson:{nxt.id}"
        return next((r for r in self._rows if r.startswith("lesson:")), None)

    def _fill_pane(self, *, force: bool = False) -> None:
        lesson = self.lesson
        right = self.query_one("#cur-right")
        if lesson is None:
            right.border_title = "Lesson"
            self.query_one("#lesson-meta", Static).update("")
            self.query_one("#lesson-extra", Static).update("")
            self.query_one("#lesson-body", Static).update("")
            self.query_one(StuckLadder).show(None)
            self._ladder_view = None
            self._shown_lesson = None
            return
        right.border_title = member_line(lesson.title)  # a str would be parsed as markup
        self.query_one("#lesson-meta", Static).update(self._meta(lesson))
        self.query_one("#lesson-extra", Static).update(self._extra(lesson))
        self._fill_ladder(lesson)
        if force or self._shown_lesson != lesson.id:
            # The body comes from the curriculum folder: sanitised before and after parsing.
            self.query_one("#lesson-body", Static).update(outside_markdown(lesson.body))
            if self._shown_lesson != lesson.id:
                self.query_one("#lesson-pane", VerticalScroll).scroll_home(animate=False)
        if self._shown_lesson != lesson.id:
            self.cohort_app.presence.moved(f"lesson:{lesson.id}")
        self._shown_lesson = lesson.id
        self._refresh_bindings_if_changed()

    def _refresh_bindings_if_changed(self) -> None:
        # The footer rebuilds every key widget on refresh_bindings(); only ask for that
        # when what the actions allow actually changed (a check to run, a failure to ask about).
        lesson = self.lesson
        signature = (
            lesson is not None,
            lesson is not None and lesson.check is not None,
            lesson is not None and lesson.id in self._failed,
            self._ladder_view is not None and self._ladder_view.next_match is not None,
            self._check is not None,
        )
        if signature != self._bindings_signature:
            self._bindings_signature = signature
            self.refresh_bindings()

    def _ladder(self, lesson: Lesson | None) -> LadderView | None:
        """The stuck ladder of ``lesson`` when its check failed in this session."""
        if lesson is None or lesson.id not in self._failed:
            return None
        climb = self._climbs.setdefault(lesson.id, Climb())
        state = self.state
        climb.asked = asked_since(state, self.me, lesson.id, self._failed_at[lesson.id])
        # Ranking reads every answered thread of the lesson (60 ms at 300 of them): once
        # per failure and state, not on every redraw or binding check.
        key = (lesson.id, id(self._failed[lesson.id]), id(state), state.applied)
        if self._matches[0] != key:
            found = matching_answers(state, lesson.id, self._failed[lesson.id].output)
            self._matches = (key, found)
        matches = self._matches[1]
        return ladder_view(lesson, self._hints_shown.get(lesson.id, 0), matches, climb)

    def _fill_ladder(self, lesson: Lesson) -> None:
        view = self._ladder_view = self._ladder(lesson)
        outcome = self._failed.get(lesson.id)
        handles: dict[str, str] = {}
        if view is not None:
            handles = {
                m.entry.answerer: handle_of(self.state, m.entry.answerer) for m in view.matches
            }
        self.query_one(StuckLadder).show(view, outcome.summary() if outcome else "", handles)

    def _meta(self, lesson: Lesson) -> Text:
        state, me = self.state, self.me
        status = q.lesson_state(state, me, lesson)
        text = plain((f"{GLYPHS[status]} {WORDS[status]}", STYLES[status] or "bold"))
        if lesson.minutes:
            text.append(f" · ~{lesson.minutes} min")
        if lesson.tags:
            text.append(" · ")
            text.append_text(member_line(" ".join(f"#{t}" for t in lesson.tags), "dim"))
        peers = self._peers.get(lesson.id)
        if peers:
            text.append(f"\n{peers.done}/{peers.total} of the cohort are past this lesson")
            if peers.doing:
                text.append(" · on it now: ")
                names = [handle_of(self.state, m) for m in peers.doing[:6]]
                text.append_text(member_line(", ".join("@" + n for n in names)))
        here = on_lesson(self.cohort_app.presence.seats, lesson.id)
        if here:
            # Presence: who has this lesson open right now (ephemeral, never an op).
            text.append("\n● here now: ", style="bold")
            names = [handle_of(self.state, m) for m in here[:6]]
            more = f" and {len(here) - 6} more" if len(here) > 6 else ""
            text.append_text(member_line(", ".join("@" + n for n in names) + more))
        if lesson.prerequisites:
            text.append("\nNeeds: ")
            for i, pid in enumerate(lesson.prerequisites):
                other = state.lessons.get(pid)
                if other is None:
                    continue
                pstate = q.lesson_state(state, me, other)
                if i:
                    text.append(", ")
                text.append(f"{GLYPHS[pstate]} ", STYLES[pstate])
                text.append_text(member_line(other.title))
        skill = state.skills.get(me, {}).get(lesson.id)
        if skill and (skill.before or skill.after):
            text.append(f"\nMy skill: before {skill.before or '-'} · after {skill.after or '-'}")
        shown = self._hints_shown.get(lesson.id, 0)
        if lesson.hints:
            text.append(
                f"\nHints: {shown}/{len(lesson.hints)} shown "
                + (
                    "(all shown)"
                    if shown >= len(lesson.hints)
                    else f"(h for {'another' if shown else 'one'})"
                ),
                style="bold",
            )
            for hint in lesson.hints[:shown]:
                text.append("\n  • ")
                text.append_text(member_line(hint))
        check = state.checks.get(me, {}).get(lesson.id)
        if lesson.check is not None:
            text.append("\nCheck: ", style="bold")
            text.append("press c to run it in ")
            text.append_text(member_line(str(self.cohort_app.work_dir)))
            if check is not None:
                text.append(
                    f" · last run {'passed' if check.passed else 'failed'} "
                    f"{ago(check.at, self.now())}",
                    style=palette.OK if check.passed else palette.BAD,
                )
        return text

    def _extra(self, lesson: Lesson) -> Text:
        state = self.state
        text = Text(end="")
        if lesson.resources:
            text.append("\nResources\n", style="bold")
            for res in lesson.resources:
                text.append("  • ")
                text.append_text(member_line(res.title))
                text.append("  ")
                text.append_text(member_line(res.url, "dim underline"))
                text.append("\n")
        if lesson.project is not None:
            text.append("\nProject: ", style="bold")
            text.append_text(member_line(lesson.project.title, "bold"))
            text.append("\n")
            text.append(clean_line(lesson.project.brief).strip() + "\n")
            team_line = team_summary(state, self.me, lesson.id)
            if team_line is not None:
                text.append("Team: ", style="bold")
                text.append_text(member_line(team_line))
                text.append("\n")
            rubric = state.rubrics.get(lesson.project.rubric or "")
            if rubric is not None:
                text.append("Rubric: ", style="bold")
                text.append_text(member_line(rubric.title))
                text.append("\n")
                for criterion in rubric.criteria:
                    text.append("  ")
                    text.append_text(member_line(criterion.title, "bold"))
                    text.append(": ")
                    text.append(
                        " / ".join(f"{lv.score} {clean_line(lv.label)}" for lv in criterion.levels)
                    )
                    text.append("\n")
        threads = sorted(
            (t for t in state.threads.values() if t.lesson == lesson.id),
            key=lambda t: -t.last_activity,
        )
        text.append(
            f"\nDiscussion ({len(threads)} thread{'s' if len(threads) != 1 else ''}"
            f"{', t to open them, a to ask' if 'discussions' in SCREENS else ''})\n",
            style="bold",
        )
        for thread in threads[:8]:
            mark = "✓ " if thread.answer else "? "
            text.append(mark, style=palette.OK if thread.answer else palette.WARN)
            text.append_text(member_line(thread.title, limit=70))
            text.append(f"  ({len(thread.posts)} posts)\n", style="dim")
        return text

    def presence_where(self) -> str:
        lesson = self.lesson
        return f"lesson:{lesson.id}" if lesson else "curriculum"

    def on_presence_changed(self, message: PresenceChanged) -> None:
        super().on_presence_changed(message)
        self._fill_list()
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
        self.query_one("#lesson-pane", VerticalScroll).focus()

    @on(Input.Changed, "#lesson-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self._filter = event.value
        self._fill_list()
        self._fill_pane()

    @on(Input.Submitted, "#lesson-search")
    def _search_done(self) -> None:
        self.query_one("#lesson-list", RowList).focus()

    def close_for_key(self, key: str) -> bool:
        """ESC run into the next key (alt+KEY) while searching: close, then the key."""
        search = self.query_one("#lesson-search", Input)
        # Focus follows "/" a moment later: an empty search just shown counts too.
        if not (search.has_focus or (search.display and not search.value)):
            return False
        self.action_back()
        self.app.simulate_key(key)
        return True

    def action_back(self) -> None:
        # A binding, not key_escape: bindings are looked up when the key reaches the
        # app, after a "/" sent just before it has shown the search (a burst).
        search = self.query_one("#lesson-search", Input)
        log = self.query_one("#check-log", RichLog)
        if search.display:
            search.value = ""
            search.display = False
            self.query_one("#lesson-list", RowList).focus()
        elif log.has_class("-shown") and self._check is None:
            log.remove_class("-shown")

    def open_target(self, kind: str, target_id: str) -> None:
        if kind != "lesson":
            return
        row = f"lesson:{target_id}"
        if row not in self._rows and self._filter:
            self.query_one("#lesson-search", Input).value = ""
            self._filter = ""
            self._fill_list()
        listing = self.query_one("#lesson-list", RowList)
        if listing.highlight(row):
            listing.focus()
            self._fill_pane()
        else:
            self.notify(f"No lesson '{clean_line(target_id)}'.", severity="warning")

    # -- actions -----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        lesson = self.lesson
        if action in ("ask", "ask_failure", "threads") and "discussions" not in SCREENS:
            return False
        if action == "ask_failure":
            return lesson is not None and lesson.id in self._failed
        if action == "open_match":
            view = self._ladder(lesson)
            return view is not None and view.next_match is not None
        if action == "run_check":
            return lesson is not None and lesson.check is not None and self._check is None
        if action == "cancel_check":
            return self._check is not None
        if action in ("set_status", "undo", "hint", "rate", "ask"):
            return lesson is not None
        return True

    def action_cursor(self, step: int) -> None:
        self.query_one("#lesson-list", RowList).action_move(step)

    def action_search(self) -> None:
        search = self.query_one("#lesson-search", Input)
        search.display = True
        search.focus()

    def _status(self, lesson: Lesson) -> str:
        p = self.state.progress.get(self.me, {}).get(lesson.id)
        return p.status if p else "todo"

    def action_set_status(self, status: str) -> None:
        lesson = self.lesson
        if lesson is None:
            return
        previous = self._status(lesson)
        if previous == status:
            return
        if status == "doing" and q.lesson_state(self.state, self.me, lesson) == "locked":
            self.notify(
                "Finish the prerequisites first (or mark this done if you know it).",
                severity="warning",
            )
            return
        if self.write(k.ProgressSet(lesson=lesson.id, status=status)):  # type: ignore[arg-type]
            self._history.setdefault(lesson.id, []).append(previous)
            verb = {"doing": "Started", "done": "Done:"}.get(status, "Reset:")
            self.notify(f"{verb} {clean_line(lesson.title)}", timeout=3)

    def action_undo(self) -> None:
        lesson = self.lesson
        if lesson is None:
            return
        # Only what I changed on this screen is undone: a lesson I marked done last week
        # is not mine to step back from here (that is what s and d are for).
        history = self._history.get(lesson.id)
        previous = history.pop() if history else ""
        if not previous or previous == self._status(lesson):
            self.notify("Nothing to undo.", timeout=3)
            return
        if self.write(k.ProgressSet(lesson=lesson.id, status=previous)):  # type: ignore[arg-type]
            word = {"todo": "not started", "doing": "in progress"}.get(previous, previous)
            self.notify(f"Undone: {clean_line(lesson.title)} is {word} again.", timeout=3)

    def action_hint(self) -> None:
        lesson = self.lesson
        if lesson is None:
            return
        shown = self._hints_shown.get(lesson.id, 0)
        if shown >= len(lesson.hints):
            self.notify(
                "No more hints for this lesson." if lesson.hints else "This lesson has no hints.",
                timeout=3,
            )
            return
        self._hints_shown[lesson.id] = shown + 1
        if lesson.id in self._failed:  # a rung of the stuck ladder climbed
            self._climbs.setdefault(lesson.id, Climb()).hints_read += 1
        self._fill_pane()

    def action_rate(self) -> None:
        from cohort_tui.ui.screens.rating import RatingScreen

        lesson = self.lesson
        if lesson is None:
            return
        skill = self.state.skills.get(self.me, {}).get(lesson.id)
        current = {
            "before": skill.before if skill else None,
            "after": skill.after if skill else None,
        }
        phase = "after" if self._status(lesson) == "done" else "before"

        def rated(result: tuple[str, int] | None) -> None:
            if result is not None:
                self.write(
                    k.SkillRate(
                        lesson=lesson.id,
                        phase=result[0],  # type: ignore[arg-type]
                        rating=result[1],
                    )
                )

        self.app.push_screen(RatingScreen(lesson.title, phase, current), rated)

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

    def action_open_match(self) -> None:
        """The stuck ladder's rung 2: the next answered thread like this failure."""
        lesson = self.lesson
        view = self._ladder(lesson)
        if lesson is None or view is None or view.next_match is None:
            return
        entry = view.next_match.entry
        self._climbs[lesson.id].read_answer(entry.thread)
        self._fill_pane()
        self.cohort_app.go(f"post:{entry.answer_post}")

    def action_team(self) -> None:
        """Form, join or leave a team for the highlighted lesson's project."""
        lesson = self.lesson
        if lesson is None:
            return
        actions = team_actions(self.state, self.me, lesson.id)
        if not actions:
            self.notify("This lesson's project is a solo project.", severity="warning")
            return
        options = [(key, member_line(label)) for key, label in actions]
        self.app.push_screen(
            ChoiceScreen("Team project", options), partial(self._team_chosen, lesson.id)
        )

    def _team_chosen(self, lesson_id: str, choice: str | None) -> None:
        if choice is None:
            return
        action, _, team_id = choice.partition(":")
        if action == "accept":
            self.write(k.TeamAccept(team=team_id))
        elif action in ("decline", "leave"):
            self.write(k.TeamLeave(team=team_id))
        elif action == "new":
            prompt = PromptScreen(
                "Invite whom? Handles, space-separated",
                placeholder="@handle @handle",
                max_length=400,
            )
            self.app.push_screen(prompt, partial(self._team_invite, lesson_id))

    def _team_invite(self, lesson_id: str, typed: str | None) -> None:
        if typed is None:
            return
        handles = {m.handle: m.id for m in self.state.members.values()}
        words = [w.removeprefix("@") for w in typed.replace(",", " ").split()]
        unknown = [w for w in words if w not in handles]
        if unknown:
            self.notify(f"No member @{unknown[0]}.", severity="warning")
            return
        me = self.state.members.get(self.me)
        name = " & ".join(([me.handle] if me else []) + words)[:80] or "team"
        invited = [handles[w] for w in dict.fromkeys(words)]
        self.write(k.TeamCreate(team=new_id("team"), lesson=lesson_id, name=name, members=invited))

    def action_ask_failure(self) -> None:
        lesson = self.lesson
        if lesson is None or lesson.id not in self._failed:
            return
        outcome = self._failed[lesson.id]
        tail = "\n".join(clean_line(line) for line in outcome.output[-40:])
        check = lesson.check.script_name if lesson.check else "check"
        climb = self._climbs.setdefault(lesson.id, Climb())
        titles = {
            t: self.state.threads[t].title for t in climb.answers_read if t in self.state.threads
        }
        tried = what_i_tried(lesson, self._hints_shown.get(lesson.id, 0), climb, titles)
        body = (
            f"The check for this lesson ({clean_line(check)}) {outcome.summary()} "
            f"and I'm stuck.\n\n```\n{tail}\n```\n\nWhat I tried:\n"
            + (clean_text(tried) + "\n- " if tried else "- ")
        )
        self.cohort_app.compose_thread(
            lesson=lesson.id, title=f"Check fails: {lesson.title}"[:200], body=body
        )

    # -- checks ------------------------------------------------------------------

    def action_run_check(self) -> None:
        lesson = self.lesson
        if lesson is None or lesson.check is None or self._check is not None:
            return
        log = self.query_one("#check-log", RichLog)
        log.clear()
        log.add_class("-shown")
        log.write(
            plain(
                (f"$ check {lesson.id} in ", "bold"),
                member_line(str(self.cohort_app.work_dir), "bold"),
            )
        )
        run = CheckRun(
            lesson.check,
            self.cohort_app.work_dir,
            on_line=lambda line: self.app.call_from_thread(self._check_line, line),
        )
        self._check, self._check_lesson = run, lesson.id
        self._refresh_bindings_if_changed()
        self._run_check_worker(run, lesson.id)

    def _check_line(self, line: str) -> None:
        self.query_one("#check-log", RichLog).write(Text(clean_line(line)))

    @work(thread=True, exclusive=True, group="check", exit_on_error=False)
    def _run_check_worker(self, run: CheckRun, lesson_id: str) -> None:
        outcome = run.run()
        self.post_message(CheckFinished(lesson_id, outcome))

    def on_check_finished(self, message: CheckFinished) -> None:
        self._check = self._check_lesson = None
        outcome = message.outcome
        log = self.query_one("#check-log", RichLog)
        style = palette.OK_STRONG if outcome.passed else palette.BAD_STRONG
        log.write(member_line(outcome.summary(), style))  # may quote an OS error
        ops: list[k.Data] = []
        if not outcome.cancelled and not outcome.error:
            ops.append(
                k.CheckRun(
                    lesson=message.lesson, passed=outcome.passed, summary=outcome.summary()[:4_000]
                )
            )
        progress = self.state.progress.get(self.me, {}).get(message.lesson)
        if outcome.passed:
            spell = self.state.stuck.get(self.me, {}).get(message.lesson)
            if ops and spell is not None and spell.passed_at is None:
                # This pass ends a failure: record the highest rung climbed since.
                climb = self._climbs.pop(message.lesson, Climb())
                climb.asked = asked_since(self.state, self.me, message.lesson, spell.failed_at)
                rung, thread = climb.ended_by()
                ops.append(k.CheckUnstuck(lesson=message.lesson, rung=rung, thread=thread))
            self._failed.pop(message.lesson, None)
            self._failed_at.pop(message.lesson, None)
            if progress is None or progress.status != "done":
                ops.append(k.ProgressSet(lesson=message.lesson, status="done"))
                self._history.setdefault(message.lesson, []).append(
                    progress.status if progress else "todo"
                )
            self.notify("Check passed: lesson marked done.", timeout=4)
        else:
            if message.lesson not in self._failed:  # a new failure: the ladder starts
                self._failed_at[message.lesson] = self.now()
                self._climbs[message.lesson] = Climb()
            self._failed[message.lesson] = outcome
            hint = " The lesson shows what to try next." if "discussions" in SCREENS else ""
            self.notify(f"Check {outcome.summary()}.{hint}", severity="warning", timeout=6)
        if ops:
            self.cohort_app.write_many(ops)
        self._fill_pane()

    def action_cancel_check(self) -> None:
        if self._check is not None:
            self._check.cancel()

    def on_unmount(self) -> None:
        if self._check is not None:
            self._check.cancel()
