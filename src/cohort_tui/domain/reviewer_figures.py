"""Reviewer figures: for each reviewer, how much they were asked, how much they did, how
fast, and how helpful authors found it.

Pure and deterministic like :mod:`cohort_tui.domain.metrics`, and counted the same way:
a response time runs from an assignment to the review that answered it (a calibration
review, or a review nobody assigned, has none). The cohort's review response in
``cohort report`` is these figures taken over every reviewer at once.
"""

from __future__ import annotations

import statistics

from msgspec import Struct

from cohort_tui.domain.model import HOUR_MS, State
from cohort_tui.domain.stats import Rate, percentile, rate


class ReviewerFigures(Struct, frozen=True, kw_only=True):
    """One reviewer's figures."""

    member: str
    handle: str
    name: str
    assigned: int
    """Assignments ever made to them (a claim of an unassigned submission included)."""
    done: int
    """Assignments they answered with a review."""
    waiting: int
    """Assignments still waiting on them."""
    handed_on: int
    """Assignments handed to someone else before they reviewed (released or stale)."""
    median_ms: float | None
    """Median response time of ``done``; None when nothing is done."""
    p90_ms: int | None
    """90th-percentile response time (nearest rank); None when nothing is done."""
    within_target: Rate
    """Of ``done``, how many came within the cohort's response target."""
    reviews: int
    """Reviews they wrote, assigned or not (calibration reviews left out)."""
    helpful: int
    """Of those, how many the author marked helpful."""


def reviewer_figures(state: State) -> list[ReviewerFigures]:
    """Figures for every member who was ever assigned a review or wrote one, by handle."""
    target = (state.cohort.response_target_hours if state.cohort else 48) * HOUR_MS
    times: dict[str, list[int]] = {}
    assigned: dict[str, int] = {}
    waiting: dict[str, int] = {}
    handed_on: dict[str, int] = {}
    for sub in state.submissions.values():
        for a in sub.assignments:
            who = a.reviewer
            assigned[who] = assigned.get(who, 0) + 1
            if a.reviewed_at is not None:
                times.setdefault(who, []).append(max(0, a.reviewed_at - a.assigned_at))
            elif a.replaced_at is not None:
                handed_on[who] = handed_on.get(who, 0) + 1
            else:
                waiting[who] = waiting.get(who, 0) + 1
    reviews: dict[str, int] = {}
    helpful: dict[str, int] = {}
    for review in state.reviews.values():
        if review.calibration:
            continue
        reviews[review.reviewer] = reviews.get(review.reviewer, 0) + 1
        if review.helpful:
            helpful[review.reviewer] = helpful.get(review.reviewer, 0) + 1
    rows = []
    for member_id in set(assigned) | set(reviews):
        member = state.members.get(member_id)
        mine = sorted(times.get(member_id, []))
        rows.append(
            ReviewerFigures(
                member=member_id,
                handle=member.handle if member else member_id,
                name=member.display_name if member else member_id,
                assigned=assigned.get(member_id, 0),
                done=len(mine),
                waiting=waiting.get(member_id, 0),
                handed_on=handed_on.get(member_id, 0),
                median_ms=float(statistics.median(mine)) if mine else None,
                p90_ms=percentile(mine, 0.9) if mine else None,
                within_target=rate(sum(1 for t in mine if t <= target), len(mine)),
                reviews=reviews.get(member_id, 0),
                helpful=helpful.get(member_id, 0),
            )
        )
    rows.sort(key=lambda r: (r.handle, r.member))
    return rows


def figures_for(state: State, member: str) -> ReviewerFigures | None:
    """One member's figures, or None when they have never been asked to review."""
    return next((r for r in reviewer_figures(state) if r.member == member), None)
