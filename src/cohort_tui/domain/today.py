"""What needs me today: the questions Home and ``cohort status`` answer."""

from __future__ import annotations

from msgspec import Struct, field

from cohort_tui.domain import queries as q
from cohort_tui.domain.model import DAY_MS, Lesson, LiveSession, Milestone, State, Submission


class CohortPulse(Struct, frozen=True):
    """How the cohort moved in the last 7 days."""

    active_members: int
    members: int
    posts_this_week: int
    lessons_done_this_week: int
    reviews_this_week: int


class Today(Struct, frozen=True):
    """Everything Home shows for one member at one moment."""

    member: str
    lessons_done: int
    lessons_total: int
    cohort_median: float
    streak: int
    next_lesson: Lesson | None
    next_milestone: Milestone | None
    milestone_due: int | None
    next_session: LiveSession | None
    reviews_waiting: list[q.ReviewTask]
    unread: list[tuple[str, int]]
    unread_total: int
    mentions: list[str]
    changes_requested: list[Submission]
    """My submissions (my teams' too) with changes requested, newest first."""
    pulse: CohortPulse
    my_rsvp: str | None = None
    extra: dict[str, int] = field(default_factory=dict)


def pulse(state: State, now: int) -> CohortPulse:
    """Activity of the last seven days."""
    week_ago = now - 7 * DAY_MS
    first_day = week_ago // DAY_MS
    active = sum(1 for days in state.active_days.values() if days and days[-1] >= first_day)
    # Posts and reviews enter the state in fold order, which is time order: the week's
    # are the last ones, and the walk back stops at the first older one (20k posts).
    posts = 0
    for p in reversed(state.posts.values()):
        if p.created_at < week_ago:
            break
        posts += 1
    done = len(
        [
            1
            for lessons in state.progress.values()
            for p in lessons.values()
            if p.done_at is not None and p.done_at >= week_ago and p.status == "done"
        ]
    )
    reviews = 0
    for r in reversed(state.reviews.values()):
        if r.submitted_at < week_ago:
            break
        reviews += not r.calibration
    return CohortPulse(active, len(state.members), posts, done, reviews)


def today(
    state: State,
    member: str,
    now: int,
    *,
    unread_cache: q.UnreadCache | None = None,
    unread: list[tuple[str, int]] | None = None,
    mentions: list[str] | None = None,
) -> Today:
    """What needs ``member`` at ``now``. Lessons and milestones are a learner's agenda:
    a facilitator or mentor who is not also a learner is not told they are overdue.
    An ``unread_cache`` kept across calls recounts only the threads that changed;
    ``unread`` and ``mentions``, when given, are used as they are (see ``derived``)."""
    learning = member in q.learners(state)
    milestone = q.next_milestone(state, member, now) if learning else None
    sessions = q.upcoming_sessions(state, now)
    session = sessions[0] if sessions else None
    threads = q.unread_threads(state, member, unread_cache) if unread is None else unread
    return Today(
        member=member,
        lessons_done=q.completed_lessons(state, member),
        lessons_total=len(q.ordered_lessons(state)),
        cohort_median=q.cohort_median_progress(state),
        streak=q.streak_days(state, member, now),
        next_lesson=q.next_lesson(state, member) if learning else None,
        next_milestone=milestone,
        milestone_due=q.due_for(milestone, member) if milestone else None,
        next_session=session,
        reviews_waiting=q.reviews_waiting(state, member),
        unread=threads,
        unread_total=sum(n for _, n in threads),
        mentions=q.unread_mentions(state, member) if mentions is None else mentions,
        changes_requested=[
            s for s in q.my_submissions(state, member) if q.submission_status(state, s) == "changes"
        ],
        pulse=pulse(state, now),
        my_rsvp=session.rsvps.get(member) if session else None,
    )


def relative_due(due: int, now: int) -> str:
    """``in 3d``, ``in 5h``, ``today``, ``2d overdue``: short, for status lines."""
    delta = due - now
    if abs(delta) < 3_600_000:
        return "now" if delta >= 0 else "just overdue"
    hours = abs(delta) // 3_600_000
    text = f"{hours}h" if hours < 48 else f"{hours // 24}d"
    return f"in {text}" if delta > 0 else f"{text} overdue"
