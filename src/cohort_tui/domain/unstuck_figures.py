"""Per lesson, what got learners with a failing check unstuck: a hint, an answered
thread (the FAQ), a new thread, or nothing the app saw ("alone").

Pure, from the ``check.unstuck`` counts the fold keeps (one per failure spell) and the
spells still open. Lessons in curriculum order, then lessons no longer in it, by id.
"""

from __future__ import annotations

from msgspec import Struct

from cohort_tui.domain import queries as q
from cohort_tui.domain.model import State


class LessonUnstuck(Struct, frozen=True, kw_only=True):
    """How one lesson's failures ended, and how many are still open."""

    lesson: str
    title: str
    hint: int
    faq: int
    thread: int
    alone: int
    """Fixed with none of the ladder's rungs (or climbed in an earlier session)."""
    total: int
    """Failures that ended (the four above)."""
    stuck_now: int
    """Members whose last check on the lesson failed and has not passed since."""


def unstuck_figures(state: State) -> list[LessonUnstuck]:
    """Every lesson with a failure ended or open, in curriculum order."""
    open_now: dict[str, int] = {}
    for spells in state.stuck.values():
        for lesson, spell in spells.items():
            if spell.passed_at is None:
                open_now[lesson] = open_now.get(lesson, 0) + 1
    ids = set(state.unstuck) | set(open_now)
    order = [lesson.id for lesson in q.ordered_lessons(state) if lesson.id in ids]
    order += sorted(ids - set(order))
    out = []
    for lesson_id in order:
        rungs = state.unstuck.get(lesson_id, {})
        known = state.lessons.get(lesson_id)
        counts = {rung: rungs.get(rung, 0) for rung in ("hint", "faq", "thread", "alone")}
        out.append(
            LessonUnstuck(
                lesson=lesson_id,
                title=known.title if known else lesson_id,
                **counts,
                total=sum(counts.values()),
                stuck_now=open_now.get(lesson_id, 0),
            )
        )
    return out
