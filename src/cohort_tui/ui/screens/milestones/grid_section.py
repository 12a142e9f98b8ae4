"""The grid section: every learner against every live milestone, for facilitators and
mentors; a member's statuses and due dates in the details."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import BindingType

from cohort_tui.domain import milestone_views as mv
from cohort_tui.domain import op_kinds as k
from cohort_tui.domain import queries as q
from cohort_tui.domain.queries import handle_of
from cohort_tui.ui import palette
from cohort_tui.ui.screens.dialogs import ChoiceScreen
from cohort_tui.ui.screens.milestones.section import TrackerSection, section_binding
from cohort_tui.ui.screens.milestones.shared import STATUS_STYLE, ask_extension
from cohort_tui.ui.text import local_time, member_line
from cohort_tui.ui.widgets.row_list import Row


class GridSection(TrackerSection):
    """The member x milestone grid.

    | Key | Action |
    | :- | :- |
    | `x` | Extend a milestone's due date for the member (facilitator). |
    """

    SECTION_ID = "grid"
    KEY = "g"
    TITLE = "Grid"
    BINDINGS: ClassVar[list[BindingType]] = [
        section_binding(
            "x", "extend", "Extend", "extend", "Extend a due date for this member (facilitator)"
        ),
    ]

    def rows(self) -> list[Row]:
        if not self.sees_figures():
            text = Text("The grid is for facilitators and mentors.", style="italic")
            return [Row("none", text, selectable=False)]
        milestones, grid = mv.grid(self.state, self.now())
        heading = Text(f"{'member':<14}", style="bold")
        for number, _ in enumerate(milestones, start=1):
            heading.append(f" M{number:<2}", style="bold")
        rows = [Row("heading", heading, selectable=False)]
        for row in grid:
            text = member_line(f"@{handle_of(self.state, row.member)}", limit=13)
            text.pad_right(14 - text.cell_len)
            for status in row.statuses:
                text.append(f"  {mv.MARKS[status]} ", style=STATUS_STYLE[status])
            if row.behind:
                text.append(f"  {row.behind} behind", style=palette.BAD_STRONG)
            rows.append(Row(row.member, text))
        return rows

    def detail(self, row_id: str) -> Text:
        state, now = self.state, self.now()
        text = member_line(f"@{handle_of(self.state, row_id)}", "bold")
        for number, milestone in enumerate(q.live_milestones(state), start=1):
            status = mv.status(state, milestone, row_id, now)
            done, total = mv.progress_towards(state, milestone, row_id)
            text.append(f"\nM{number} ", style="bold")
            text.append_text(member_line(milestone.title, limit=30))
            text.append(f"\n   {mv.MARKS[status]} {status}", style=STATUS_STYLE[status])
            text.append(f" · {done}/{total} · due {local_time(q.due_for(milestone, row_id))}")
        text.append("\n\n✓ met  ✗ overdue  ! due within 2 days  · open", style="dim")
        text.append("\nx extends a due date for this member", style="dim")
        return text

    def action_extend(self) -> None:
        if not self.may(k.MilestoneExtend.KIND):
            return self.refuse("a facilitator")
        member = self.target()
        if member is None or member not in self.state.members:
            return
        choices = [(m.id, member_line(m.title)) for m in q.live_milestones(self.state)]

        def chosen(mid: str | None) -> None:
            if mid is not None and mid in self.state.milestones:
                ask_extension(self, self.state.milestones[mid], member)

        question = f"Extend which milestone for @{handle_of(self.state, member)}?"
        self.app.push_screen(ChoiceScreen(question, choices), chosen)
