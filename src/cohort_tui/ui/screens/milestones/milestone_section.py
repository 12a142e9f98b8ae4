"""The milestones section: each live milestone with my status and the cohort's
completion; its criteria, my progress and the cohort's history in the details."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.binding import BindingType

from cohort_tui.domain import milestone_views as mv
from cohort_tui.domain import op_kinds as k
from cohort_tui.domain import queries as q
from cohort_tui.domain.clock import new_id
from cohort_tui.domain.queries import handle_of
from cohort_tui.ui import palette
from cohort_tui.ui.screens.dialogs import ChoiceScreen
from cohort_tui.ui.screens.milestone_forms import MilestoneDraft, MilestoneForm
from cohort_tui.ui.screens.milestones.section import TrackerSection, section_binding
from cohort_tui.ui.screens.milestones.shared import STATUS_STYLE, ask_extension
from cohort_tui.ui.text import local_time, member_block, member_line, plain, progress_bar
from cohort_tui.ui.widgets.row_list import Row

EDITORS = "a facilitator or curator"
"""Who may create and edit milestones, as a refusal names them."""


class MilestoneSection(TrackerSection):
    """Milestones: create, edit, and extend one for a member.

    | Key | Action |
    | :- | :- |
    | `n` | New milestone (facilitator or curator). |
    | `e` | Edit the milestone (facilitator or curator). |
    | `x` | Extend its due date for one member (facilitator). |
    """

    SECTION_ID = "milestones"
    KEY = "m"
    TITLE = "Milestones"
    BINDINGS: ClassVar[list[BindingType]] = [
        section_binding("n", "new", "New", "new", "New milestone"),
        section_binding("e", "edit", "Edit", "edit", "Edit the milestone"),
        section_binding(
            "x", "extend", "Extend", "extend", "Extend a due date for one member (facilitator)"
        ),
    ]

    def rows(self) -> list[Row]:
        state, now = self.state, self.now()
        learning = self.me in q.learners(state)
        rows = []
        for milestone in q.live_milestones(state):
            met, total = q.milestone_completion(state, milestone)
            due = q.due_for(milestone, self.me)
            mine = mv.status(state, milestone, self.me, now) if learning else None
            parts: list[str | tuple[str, str] | Text] = []
            if mine is not None:
                parts.append((f"{mv.MARKS[mine]} {mine:<8}", STATUS_STYLE[mine]))
            title = member_line(milestone.title, "bold", limit=22)
            title.pad_right(22 - title.cell_len)
            parts += [
                (f"{met}/{total} ", "bold"),
                title,
                (f" {local_time(due, '%d %b')}", "dim"),
            ]
            rows.append(Row(milestone.id, plain(*parts)))
        return rows

    def detail(self, row_id: str) -> Text:
        state, now = self.state, self.now()
        milestone = state.milestones.get(row_id)
        if milestone is None:
            return Text("")
        text = member_line(milestone.title, "bold")
        due = q.due_for(milestone, self.me)
        text.append(f"\nDue {local_time(due)} (local time)", style="dim")
        if due != milestone.due:
            text.append(" · extended for you", style="italic")
        learning = self.me in q.learners(state)
        if learning:
            mine = mv.status(state, milestone, self.me, now)
            done, total = mv.progress_towards(state, milestone, self.me)
            text.append(f"\nYou: {mv.MARKS[mine]} {mine} · {done}/{total} criteria\n")
        if milestone.description:
            text.append("\n")
            text.append_text(member_block(milestone.description))
            text.append("\n")
        text.append("\nCriteria\n", style="bold")
        mine_progress = state.progress.get(self.me, {})
        for lesson_id in milestone.lessons:
            lesson = state.lessons.get(lesson_id)
            done = (p := mine_progress.get(lesson_id)) is not None and p.status == "done"
            self._criterion(text, learning, done)
            text.append_text(member_line(lesson.title if lesson else lesson_id))
            text.append("\n")
        for lesson_id in milestone.projects:
            lesson = state.lessons.get(lesson_id)
            done = q.project_approved(state, self.me, lesson_id)
            self._criterion(text, learning, done)
            text.append("project approved: ")
            text.append_text(member_line(lesson.title if lesson else lesson_id))
            text.append("\n")
        met, total = q.milestone_completion(state, milestone)
        history = mv.completion_history(state, milestone, now, days=21)
        text.append(f"\nCohort: {met}/{total} met ", style="bold")
        text.append(progress_bar(met / total if total else 0, 10) + "\n", style=palette.INFO)
        text.append(mv.sparkline(history, total), style=palette.INFO)
        text.append(f"\nlast 21 days, {history[0]} → {history[-1]}", style="dim")
        if self.may(k.MilestoneUpsert.KIND):
            text.append("\n\ne edit · n new milestone · x extend for one member", style="dim")
        return text

    @staticmethod
    def _criterion(text: Text, learning: bool, done: bool) -> None:
        mark = ("  ✓ " if done else "  ☐ ") if learning else "  • "
        text.append(mark, style=palette.OK if done else "")

    # -- actions -------------------------------------------------------------------

    def action_new(self) -> None:
        if not self.may(k.MilestoneUpsert.KIND):
            return self.refuse(EDITORS)
        form = MilestoneForm("New milestone", self._lessons())
        self.app.push_screen(form, self._save(new_id("ms")))

    def action_edit(self) -> None:
        target = self.target()
        if target is None:
            return
        if not self.may(k.MilestoneUpsert.KIND):
            return self.refuse(EDITORS)
        m = self.state.milestones[target]
        draft = MilestoneDraft(m.title, m.due, m.description, m.lessons, m.projects)
        form = MilestoneForm("Edit milestone", self._lessons(), draft)
        self.app.push_screen(form, self._save(target))

    def action_extend(self) -> None:
        if not self.may(k.MilestoneExtend.KIND):
            return self.refuse("a facilitator")
        target = self.target()
        if target is None or target not in self.state.milestones:
            return
        milestone = self.state.milestones[target]
        learners = [
            (m, member_line(f"@{handle_of(self.state, m)}  {self.state.members[m].display_name}"))
            for m in q.learners(self.state)
            if m in self.state.members
        ]
        self.app.push_screen(
            ChoiceScreen("Extend the due date for", learners),
            lambda member: ask_extension(self, milestone, member) if member else None,
        )

    def _lessons(self) -> list[tuple[str, str, bool]]:
        return [(le.title, le.id, le.project is not None) for le in q.ordered_lessons(self.state)]

    def _save(self, milestone_id: str) -> Callable[[object], None]:
        def done(result: object) -> None:
            if isinstance(result, MilestoneDraft):
                op = k.MilestoneUpsert(
                    milestone=milestone_id,
                    title=result.title,
                    due=result.due,
                    description=result.description,
                    lessons=result.lessons,
                    projects=result.projects,
                )
                if self.write(op):
                    self.notify("Milestone saved.")

        return done
