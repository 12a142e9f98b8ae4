"""Badges: derived from the state on demand, never stored as claims.

A badge is earned when the state shows it (a post, a review, a streak in
``state.active_days``...), so it cannot be forged by an op and it disappears if what
earned it is undone (a hidden post, a revoked "helpful"). ``earned_at`` is the time of the
op that earned it where the state keeps that time, else None.
"""

from __future__ import annotations

from collections.abc import Collection

from msgspec import Struct

from cohort_tui.domain import queries as q
from cohort_tui.domain.model import DAY_MS, State

STREAK_DAYS = 7
HELPFUL_REVIEWS = 5


class Badge(Struct, frozen=True, kw_only=True):
    """One earned badge."""

    id: str
    title: str
    description: str
    earned_at: int | None
    """Epoch ms of the op that earned it; None when the state does not record it."""


CATALOGUE: dict[str, tuple[str, str]] = {
    "first-post": ("First post", "Wrote a first post in the discussions"),
    "first-review": ("First review", "Reviewed a peer's submission"),
    "helpful-reviewer": ("Helpful reviewer", "Five reviews marked helpful by their authors"),
    "on-time": ("On time", "Met every milestone by its due date"),
    "streak-7": ("7-day streak", "Active seven days in a row"),
    "first-answer": ("First accepted answer", "Wrote a post accepted as a thread's answer"),
}
"""Every badge, in display order: id -> (title, description)."""


def _badge(badge_id: str, earned_at: int | None) -> Badge:
    title, description = CATALOGUE[badge_id]
    return Badge(id=badge_id, title=title, description=description, earned_at=earned_at)


def badges_for(state: State, member_id: str, now_ms: int | None = None) -> list[Badge]:
    """The badges ``member_id`` has earned by ``now_ms`` (None: no cut-off), catalogue order.

    - first post: the earliest post (thread openers count) that is not hidden;
    - first review: the earliest review of a peer's submission (calibration excluded);
    - helpful reviewer: five such reviews marked helpful (when is not recorded);
    - on time: at least one live milestone, and every one met by its due date (with any
      extension); earned when the last was met;
    - 7-day streak: seven consecutive UTC days with activity; ``earned_at`` is the start
      of the seventh day (the state keeps days, not times);
    - first accepted answer: a post of mine accepted in someone else's thread (when it
      was accepted is not recorded).
    """
    limit = now_ms if now_ms is not None else float("inf")
    found: dict[str, int | None] = {}
    posts = [
        p.created_at
        for p in state.posts.values()
        if p.author == member_id and p.hidden is None and p.created_at <= limit
    ]
    if posts:
        found["first-post"] = min(posts)
    reviews = [
        r
        for r in state.reviews.values()
        if r.reviewer == member_id and not r.calibration and r.submitted_at <= limit
    ]
    if reviews:
        found["first-review"] = min(r.submitted_at for r in reviews)
    if sum(1 for r in reviews if r.helpful) >= HELPFUL_REVIEWS:
        found["helpful-reviewer"] = None
    if (on_time := _all_on_time(state, member_id, limit)) is not None:
        found["on-time"] = on_time
    if (streak := _streak_reached(state.active_days.get(member_id, []), limit)) is not None:
        found["streak-7"] = streak
    if _accepted_answer(state, member_id, limit):
        found["first-answer"] = None
    return [_badge(badge_id, found[badge_id]) for badge_id in CATALOGUE if badge_id in found]


def _approved_at(state: State, member: str, lesson_id: str) -> int | None:
    """When the member's project for ``lesson_id`` was approved, at the earliest.

    The approval time of a submission is when the last review of its latest revision
    landed: from then on its verdicts are the ones that approve it.
    """
    times = []
    for sub in state.submissions.values():
        if member not in sub.authors or sub.lesson != lesson_id:
            continue
        if q.submission_status(state, sub) == "approved":
            times.append(max(r.submitted_at for r in q.latest_reviews(state, sub)))
    return min(times) if times else None


def _all_on_time(state: State, member: str, limit: float) -> int | None:
    milestones = q.live_milestones(state)
    if not milestones:
        return None
    mine = state.progress.get(member, {})
    last = 0
    for milestone in milestones:
        times: list[int] = []
        for lesson_id in milestone.lessons:
            p = mine.get(lesson_id)
            if p is None or p.status != "done" or p.done_at is None:
                return None
            times.append(p.done_at)
        for lesson_id in milestone.projects:
            approved = _approved_at(state, member, lesson_id)
            if approved is None:
                return None
            times.append(approved)
        met = max(times, default=0)
        if met > q.due_for(milestone, member) or met > limit:
            return None
        last = max(last, met)
    return last


def _streak_reached(days: list[int], limit: float) -> int | None:
    """The start of the first day that completes a run of ``STREAK_DAYS`` active days."""
    run, previous = 0, None
    for day in days:
        if day * DAY_MS > limit:
            break
        run = run + 1 if previous is not None and day == previous + 1 else 1
        previous = day
        if run >= STREAK_DAYS:
            return day * DAY_MS
    return None


def _accepted_answer(state: State, member: str, limit: float) -> bool:
    for thread in state.threads.values():
        if thread.answer is None or thread.author == member:
            continue
        post = state.posts.get(thread.answer)
        if post is not None and post.author == member and post.created_at <= limit:
            return True
    return False


def badges_since(
    earned: Collection[str], state: State, member_id: str, now_ms: int | None = None
) -> list[Badge]:
    """Badges the member holds in ``state`` whose ids are not in ``earned``.

    The app folds ops into its state in place, so it keeps the ids it saw last time and
    asks this after a refresh to announce new badges.
    """
    return [b for b in badges_for(state, member_id, now_ms) if b.id not in earned]


def new_badges(
    before: State, after: State, member_id: str, now_ms: int | None = None
) -> list[Badge]:
    """Badges the member holds in ``after`` but not in ``before`` (for a toast)."""
    return badges_since(
        {b.id for b in badges_for(before, member_id, now_ms)}, after, member_id, now_ms
    )
