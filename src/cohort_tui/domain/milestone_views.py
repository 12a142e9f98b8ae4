"""Milestones as the tracker shows them: status per member, when each member met one,
the cohort's completion over time, and the facilitator's member x milestone grid."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from cohort_tui.domain import queries as q
from cohort_tui.domain.model import DAY_MS, Milestone, State

Status = Literal["met", "late", "open", "at risk", "overdue"]
"""``met`` on time; ``late`` met after the due date; ``open`` not met and more than
:data:`AT_RISK_MS` away; ``at risk`` due within it; ``overdue`` past due and not met."""

AT_RISK_MS = 2 * DAY_MS
MARKS: dict[Status, str] = {"met": "✓", "late": "◷", "open": "·", "at risk": "!", "overdue": "✗"}
"""A glyph per status, each its own, so the grid reads without colour (``NO_COLOR``):
met and late were both ``✓`` and told apart by colour alone."""


def met_at(state: State, milestone: Milestone, member: str) -> int | None:
    """When the member met the milestone (its last lesson done or project approved), or
    None if they have not. A project's time is that of the latest approving review."""
    if not q.milestone_met(state, milestone, member):
        return None
    mine = state.progress.get(member, {})
    times = [mine[lesson].done_at or mine[lesson].updated_at for lesson in milestone.lessons]
    for lesson in milestone.projects:
        approvals = [
            review.submitted_at
            for sub in state.submissions.values()
            if member in sub.authors and sub.lesson == lesson
            for review in q.latest_reviews(state, sub)
            if review.verdict == "approve"
        ]
        if approvals:
            times.append(max(approvals))
    return max(times) if times else None


def status(state: State, milestone: Milestone, member: str, now: int) -> Status:
    due = q.due_for(milestone, member)
    when = met_at(state, milestone, member)
    if when is not None:
        return "met" if when <= due else "late"
    if now > due:
        return "overdue"
    return "at risk" if due - now <= AT_RISK_MS else "open"


def progress_towards(state: State, milestone: Milestone, member: str) -> tuple[int, int]:
    """``(criteria met, criteria)``: lessons done and projects approved."""
    mine = state.progress.get(member, {})
    done = sum(1 for lesson in milestone.lessons if (p := mine.get(lesson)) and p.status == "done")
    done += sum(1 for lesson in milestone.projects if q.project_approved(state, member, lesson))
    return done, len(milestone.lessons) + len(milestone.projects)


def completion_history(state: State, milestone: Milestone, now: int, days: int = 21) -> list[int]:
    """Learners who had met the milestone by the end of each of the last ``days`` days,
    oldest first (the last value is today, so far)."""
    times = sorted(
        when
        for member in q.learners(state)
        if (when := met_at(state, milestone, member)) is not None
    )
    today_end = (now // DAY_MS + 1) * DAY_MS
    counts = []
    index = 0
    for day in range(days - 1, -1, -1):
        end = today_end - day * DAY_MS
        while index < len(times) and times[index] < end:
            index += 1
        counts.append(index)
    return counts


@dataclass(frozen=True)
class GridRow:
    member: str
    statuses: list[Status]

    @property
    def behind(self) -> int:
        return sum(1 for s in self.statuses if s in ("overdue", "at risk"))


def grid(state: State, now: int) -> tuple[list[Milestone], list[GridRow]]:
    """The facilitator's view: every learner against every live milestone, the most
    behind first, then by handle."""
    milestones = q.live_milestones(state)
    rows = [
        GridRow(member, [status(state, m, member, now) for m in milestones])
        for member in q.learners(state)
    ]
    handle = {m.id: m.handle for m in state.members.values()}
    rows.sort(key=lambda r: (-r.behind, handle.get(r.member, r.member)))
    return milestones, rows


SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[int], top: int) -> str:
    """``▁▂▅█``: each value against ``top`` (the number of learners)."""
    if top <= 0:
        return SPARKS[0] * len(values)
    return "".join(SPARKS[min(len(SPARKS) - 1, v * (len(SPARKS) - 1) // top)] for v in values)


def iso_week(ms: int) -> str:
    """``2026-W48`` for an instant (UTC): the week a rotation is set for."""
    year, week, _ = dt.datetime.fromtimestamp(ms / 1000, dt.UTC).isocalendar()
    return f"{year}-W{week:02d}"
