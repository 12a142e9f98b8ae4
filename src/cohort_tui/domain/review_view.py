"""What the review screens derive from the state: waiting bands, calibration, notes.

Pure helpers shared by the Reviews inbox and the review view (no Textual, no Rich).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from cohort_tui.domain.model import Review, Rubric, State, Submission

HOUR_MS = 3_600_000

Band = Literal["fresh", "due", "overdue"]

CALIBRATION_PREFIX = "example:"
CALIBRATION_REVISION = "example"


def waiting_band(waited_ms: int, target_hours: int) -> Band:
    """How a review's waiting time compares with the cohort's response-time target:
    under half of it is fresh, up to the target is due, past it is overdue."""
    target = max(1, target_hours) * HOUR_MS
    if waited_ms > target:
        return "overdue"
    if waited_ms * 2 >= target:
        return "due"
    return "fresh"


def waited(ms: int) -> str:
    """``5h``, ``1d 3h``: a compact waiting time."""
    hours = max(0, ms) // HOUR_MS
    return f"{hours}h" if hours < 24 else f"{hours // 24}d {hours % 24}h"


def calibration_id(rubric_id: str) -> str:
    """The submission id a calibration review of a rubric's example carries."""
    return CALIBRATION_PREFIX + rubric_id


def calibration_review(state: State, member: str, rubric_id: str) -> Review | None:
    """The member's latest calibration review of the rubric's example, if any."""
    wanted = calibration_id(rubric_id)
    found = [
        r
        for r in state.reviews.values()
        if r.calibration and r.reviewer == member and r.submission == wanted
    ]
    return max(found, key=lambda r: (r.submitted_at, r.id)) if found else None


def needs_calibration(state: State, member: str, rubric: Rubric | None) -> bool:
    """Whether the member should score the rubric's example before a first real review:
    the rubric has an example and the member has neither calibrated on it nor already
    reviewed a submission that uses it."""
    if rubric is None or rubric.example is None:
        return False
    if calibration_review(state, member, rubric.id) is not None:
        return False
    for review in state.reviews.values():
        if review.reviewer != member or review.calibration:
            continue
        sub = state.submissions.get(review.submission)
        lesson = state.lessons.get(sub.lesson) if sub else None
        if lesson and lesson.project and lesson.project.rubric == rubric.id:
            return False
    return True


@dataclass(frozen=True)
class CalibrationRow:
    """One criterion: my level, the reference level, and how far apart they are."""

    criterion: str
    mine: str
    reference: str
    delta: int | None
    """My score minus the reference's; None when either is missing."""


def _label(rubric: Rubric, criterion: str, score: int | None) -> str:
    if score is None:
        return "-"
    match = next((c for c in rubric.criteria if c.id == criterion), None)
    level = next((lv for lv in match.levels if lv.score == score), None) if match else None
    return f"{score} {level.label}" if level else str(score)


def calibration_rows(rubric: Rubric, scores: dict[str, int]) -> list[CalibrationRow]:
    """My calibration scores against the example's reference scores, per criterion."""
    reference = rubric.example.scores if rubric.example else {}
    rows = []
    for c in rubric.criteria:
        mine, ref = scores.get(c.id), reference.get(c.id)
        rows.append(
            CalibrationRow(
                criterion=c.title,
                mine=_label(rubric, c.id, mine),
                reference=_label(rubric, c.id, ref),
                delta=mine - ref if mine is not None and ref is not None else None,
            )
        )
    return rows


def reviews_of_revision(state: State, sub: Submission, revision: str) -> list[Review]:
    """Every review of one revision, in the order they were submitted."""
    return [
        state.reviews[r]
        for r in sub.reviews
        if r in state.reviews and state.reviews[r].revision == revision
    ]


def my_reviews_done(state: State, member: str) -> list[Review]:
    """My reviews of peers' submissions (calibration left out), newest first."""
    mine = [r for r in state.reviews.values() if r.reviewer == member and not r.calibration]
    mine.sort(key=lambda r: (-r.submitted_at, r.id))
    return mine


def may_review(state: State, member: str, sub: Submission) -> bool:
    """Whether the fold would take a review of ``sub`` from ``member``."""
    from cohort_tui.domain.reduce import active_assignment

    if member == sub.author or member in sub.authors:
        return False
    return active_assignment(state, sub, member) is not None or state.has_role(
        member, "mentor", "facilitator"
    )
