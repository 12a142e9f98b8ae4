"""The curriculum map's lesson pane: where the lesson stands (mine and the cohort's), its
hints, its text, resources, project and threads, and the stuck ladder after a failed check.

| Key | Action |
|---|---|
| s / d | mark the lesson in progress / done |
| u | undo my last progress change on it (made on this screen) |
| h | reveal the next hint |

The keys act from anywhere on the curriculum screen, so the screen declares them
(:data:`BINDINGS`) and runs them through :meth:`LessonPane.set_status`,
:meth:`LessonPane.undo` and :meth:`LessonPane.reveal_hint`.
"""

from __future__ import annotations

from typing import cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain import queries as q
from cohort_tui.domain.model import Lesson
from cohort_tui.domain.presence import on_lesson
from cohort_tui.domain.queries import handle_of
from cohort_tui.domain.sanitize import clean_line
from cohort_tui.domain.stuck_ladder import LadderView
from cohort_tui.domain.teams import team_summary
from cohort_tui.ui import palette
from cohort_tui.ui.host import CohortHost
from cohort_tui.ui.modes import SCREENS
from cohort_tui.ui.text import ago, member_line, outside_markdown, plain
from cohort_tui.ui.widgets.lesson_list import GLYPHS, STYLES, WORDS
from cohort_tui.ui.widgets.stuck_ladder import StuckLadder

BINDINGS = [
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
    Binding("h", "hint", "Hint", id="curriculum.hint", show=False, tooltip="Reveal the next hint"),
]
"""The keys of this pane, declared on the curriculum screen (see the module doc)."""


class LessonPane(VerticalScroll):
    """One lesson, scrolled as a whole; empty when no lesson is highlighted."""

    DEFAULT_CSS = """
    LessonPane #lesson-body { padding: 0 1; margin-top: 1; }
    LessonPane #lesson-meta, LessonPane #lesson-extra { padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.shown_lesson: str | None = None
        """The lesson shown (None: none)."""
        self.hints_shown: dict[str, int] = {}
        """Lesson -> how many of its hints I revealed in this session."""
        self._history: dict[str, list[str]] = {}
        """Lesson -> my statuses before each change made here, for undo."""
        self._peers: dict[str, q.LessonPeers] = {}

    def compose(self) -> ComposeResult:
        yield StuckLadder(id="stuck-ladder")
        yield Static(id="lesson-meta")
        # One Static holding a Rich Markdown renderable: Textual's Markdown widget
        # mounts a widget per block, which made opening the map 3x slower.
        yield Static(id="lesson-body")
        yield Static(id="lesson-extra")

    @property
    def host(self) -> CohortHost:
        """The app, typed as what widgets may ask of it."""
        return cast(CohortHost, self.app)

    def show(
        self,
        lesson: Lesson | None,
        ladder: LadderView | None = None,
        failure: str = "",
        *,
        peers: dict[str, q.LessonPeers] | None = None,
        force: bool = False,
    ) -> None:
        """Draw ``lesson`` with its stuck ``ladder`` (``failure``: how its check ended);
        the body (Markdown) is laid out again only for another lesson or when ``force``d.
        ``peers`` (who is past each lesson) is kept until the next call that gives it."""
        if peers is not None:
            self._peers = peers
        if lesson is None:
            self.query_one("#lesson-meta", Static).update("")
            self.query_one("#lesson-extra", Static).update("")
            self.query_one("#lesson-body", Static).update("")
            self.query_one(StuckLadder).show(None)
            self.shown_lesson = None
            return
        state = self.host.replica.state
        self.query_one("#lesson-meta", Static).update(self._meta(lesson))
        self.query_one("#lesson-extra", Static).update(self._extra(lesson))
        handles: dict[str, str] = {}
        if ladder is not None:
            handles = {m.entry.answerer: handle_of(state, m.entry.answerer) for m in ladder.matches}
        self.query_one(StuckLadder).show(ladder, failure, handles)
        if force or self.shown_lesson != lesson.id:
            # The body comes from the curriculum folder: sanitised before and after parsing.
            self.query_one("#lesson-body", Static).update(outside_markdown(lesson.body))
            if self.shown_lesson != lesson.id:
                self.scroll_home(animate=False)
        self.shown_lesson = lesson.id

    # -- progress and hints ----------------------------------------------------------

    def status(self, lesson: Lesson) -> str:
        """My progress on ``lesson`` as recorded (``todo`` when none)."""
        p = self.host.replica.state.progress.get(self.host.member_id, {}).get(lesson.id)
        return p.status if p else "todo"

    def set_status(self, lesson: Lesson, status: str) -> None:
        """Record my progress on ``lesson`` (a locked lesson cannot be started)."""
        host = self.host
        previous = self.status(lesson)
        if previous == status:
            return
        if status == "doing" and q.lesson_state(host.replica.state, host.member_id, lesson) == (
            "locked"
        ):
            self.notify(
                "Finish the prerequisites first (or mark this done if you know it).",
                severity="warning",
            )
            return
        if host.write(k.ProgressSet(lesson=lesson.id, status=status)):  # type: ignore[arg-type]
            self.changed(lesson.id, previous)
            verb = {"doing": "Started", "done": "Done:"}.get(status, "Reset:")
            self.notify(f"{verb} {clean_line(lesson.title)}", timeout=3)

    def changed(self, lesson_id: str, previous: str) -> None:
        """My status on a lesson changed from ``previous`` (here, or by a passed check):
        :meth:`undo` goes back to it."""
        self._history.setdefault(lesson_id, []).append(previous)

    def undo(self, lesson: Lesson) -> None:
        """Step my status on ``lesson`` back, once per change made on this screen."""
        # Only what I changed on this screen is undone: a lesson I marked done last week
        # is not mine to step back from here (that is what s and d are for).
        history = self._history.get(lesson.id)
        previous = history.pop() if history else ""
        if not previous or previous == self.status(lesson):
            self.notify("Nothing to undo.", timeout=3)
            return
        if self.host.write(k.ProgressSet(lesson=lesson.id, status=previous)):  # type: ignore[arg-type]
            word = {"todo": "not started", "doing": "in progress"}.get(previous, previous)
            self.notify(f"Undone: {clean_line(lesson.title)} is {word} again.", timeout=3)

    def reveal_hint(self, lesson: Lesson) -> bool:
        """Show one more of ``lesson``'s hints; False (and a note) when none is left."""
        shown = self.hints_shown.get(lesson.id, 0)
        if shown >= len(lesson.hints):
            self.notify(
                "No more hints for this lesson." if lesson.hints else "This lesson has no hints.",
                timeout=3,
            )
            return False
        self.hints_shown[lesson.id] = shown + 1
        return True

    # -- what the pane says ------------------------------------------------------------

    def _meta(self, lesson: Lesson) -> Text:
        host = self.host
        state, me = host.replica.state, host.member_id
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
                names = [handle_of(state, m) for m in peers.doing[:6]]
                text.append_text(member_line(", ".join("@" + n for n in names)))
        here = on_lesson(host.presence.seats, lesson.id)
        if here:
            # Presence: who has this lesson open right now (ephemeral, never an op).
            text.append("\n● here now: ", style="bold")
            names = [handle_of(state, m) for m in here[:6]]
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
        shown = self.hints_shown.get(lesson.id, 0)
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
            text.append_text(member_line(str(host.work_dir)))
            if check is not None:
                text.append(
                    f" · last run {'passed' if check.passed else 'failed'} "
                    f"{ago(check.at, host.now_ms())}",
                    style=palette.OK if check.passed else palette.BAD,
                )
        return text

    def _extra(self, lesson: Lesson) -> Text:
        state = self.host.replica.state
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
            team_line = team_summary(state, self.host.member_id, lesson.id)
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
