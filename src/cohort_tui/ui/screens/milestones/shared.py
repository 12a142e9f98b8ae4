"""What the milestones and grid sections share: a colour per status, and the dialog that
extends a due date for one member."""

from __future__ import annotations

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain import queries as q
from cohort_tui.domain.model import Milestone
from cohort_tui.domain.queries import handle_of
from cohort_tui.ui import palette
from cohort_tui.ui.screens.dialogs import PromptScreen
from cohort_tui.ui.screens.milestone_forms import format_local, parse_local
from cohort_tui.ui.screens.milestones.section import TrackerSection
from cohort_tui.ui.text import local_time

STATUS_STYLE = {
    "met": palette.OK,
    "late": palette.WARN,
    "open": "",
    "at risk": palette.WARN_STRONG,
    "overdue": palette.BAD_STRONG,
}
"""A palette look per milestone status (each status has its own mark too)."""


def ask_extension(section: TrackerSection, milestone: Milestone, member: str) -> None:
    """Ask for a new due date of ``milestone`` for ``member``, and write it."""
    state = section.state
    current = format_local(q.due_for(milestone, member))

    def given(value: str | None) -> None:
        if value is None:
            return
        due = parse_local(value)
        if due is None:
            section.notify("Write a date like 2026-12-01 or 2026-12-01 18:00.", severity="warning")
            return
        op = k.MilestoneExtend(milestone=milestone.id, member=member, due=due)
        if section.write(op):
            section.notify(f"Due {local_time(due)} for @{handle_of(section.state, member)}.")

    section.app.push_screen(
        PromptScreen(
            f"New due date for @{handle_of(state, member)}: {milestone.title}",
            value=current,
            placeholder="YYYY-MM-DD HH:MM (local time)",
        ),
        given,
    )
