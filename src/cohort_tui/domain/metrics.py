"""Facilitator metrics: completion, review response, skill growth, retention, participation,
learners at risk and reviewer figures.

Everything is a pure function of ``State`` and ``now`` (epoch ms), so the app, ``cohort
report`` and the tests get the same numbers. Results are frozen msgspec structs in a
deterministic order; ``msgspec.to_builtins`` turns a :class:`CohortReport` into the JSON
that ``cohort report --json`` prints. Strings that come from members (names, titles) are
raw here: sanitise them to show.
"""

from __future__ import annotations

import bisect
import statistics

from msgspec import Struct

from cohort_tui.domain import queries as q
from cohort_tui.domain.model import DAY_MS, HOUR_MS, Milestone, State
from cohort_tui.domain.reviewer_figures import ReviewerFigures, reviewer_figures
from cohort_tui.domain.stats import Rate as Rate  # re-exported: the report's type
from cohort_tui.domain.stats import percentile as percentile
from cohort_tui.domain.stats import rate as rate
from cohort_tui.domain.today import relative_due

INACTIVE_DAYS = 5
"""A learner with no activity for this many days is at risk."""
DUE_SOON_MS = DAY_MS
"""A milestone not met within this long of its due time counts as due (at risk)."""
RETENTION_WEEKS = 4
"""Weeks the report's retention covers by default."""


class ReviewTimes(Struct, frozen=True, kw_only=True):
    """How fast reviewers answer: from the assignment to the review."""

    count: int
    """Reviews submitted against an assignment (calibration and unassigned ones excluded)."""
    median_ms: float | None
    """Median response time; None without reviews."""
    p90_ms: int | None
    """90th percentile (nearest rank); None without reviews."""
    target_hours: int
    """The cohort's response target."""
    within_target: Rate
    """Reviews submitted within the target."""
    waiting: int
    """Assignments still waiting on their reviewer."""
    waiting_past_target: int
    """Of those, how many have waited longer than the target."""


class SkillGrowth(Struct, frozen=True, kw_only=True):
    """Self-ratings (1-5) for one lesson's skill, before vs after, over members who gave both."""

    lesson: str
    title: str
    raters: int
    before: float
    after: float
    growth: float
    """Mean of ``after - before`` per member."""


class RetentionWeek(Struct, frozen=True, kw_only=True):
    """Learners active in one seven-day window (UTC days) ending at ``end_ms``."""

    start_ms: int
    end_ms: int
    """Exclusive: the start of the day after the window."""
    active: int
    learners: int
    """Learners who had joined by the end of the window."""
    rate: float


class Participation(Struct, frozen=True, kw_only=True):
    """What one member contributed."""

    member: str
    handle: str
    name: str
    roles: list[str]
    posts: int
    """Posts written, thread openers included, hidden ones not."""
    threads: int
    reviews: int
    """Reviews of submissions (calibration reviews excluded)."""
    last_active_ms: int | None
    """Start (UTC) of the last day the member wrote anything; None if never."""


class AtRisk(Struct, frozen=True, kw_only=True):
    """A learner who may drop off, and why."""

    member: str
    handle: str
    name: str
    inactive_days: int
    """Whole days since the member was last active (or joined, if never)."""
    behind: list[str]
    """Ids of milestones due or overdue and not met."""
    reasons: list[str]
    reason: str
    """The reasons in one line, for people."""


class CohortReport(Struct, frozen=True, kw_only=True):
    """Everything ``cohort report`` shows."""

    generated_at: int
    cohort: str
    cohort_name: str
    members: int
    learners: int
    lessons: Rate
    """(learner, lesson) pairs done, over learners x live lessons."""
    projects: Rate
    """(learner, project) pairs with an approved submission, over learners x projects."""
    reviews: ReviewTimes
    skill_growth: float | None
    """Mean growth over every (member, lesson) rated before and after; None without any."""
    skills: list[SkillGrowth]
    retention: list[RetentionWeek]
    """Oldest week first; the last one ends today."""
    participation: list[Participation]
    at_risk: list[AtRisk]
    reviewers: list[ReviewerFigures]
    """Each reviewer's figures, by handle."""
    team_projects: int = 0
    """Of ``projects.done``: the (learner, project) pairs approved through a team."""


# -- completion --------------------------------------------------------------------------


def approved_projects(state: State) -> set[tuple[str, str]]:
    """``(author, lesson)`` for every approved submission, in one pass: a team's
    submission counts for each of its members."""
    return {
        (author, s.lesson)
        for s in state.submissions.values()
        if q.submission_status(state, s) == "approved"
        for author in s.authors or [s.author]
    }


def lesson_completion(state: State) -> Rate:
    """Lessons done by learners, over learners x live lessons."""
    live = {lesson.id for lesson in q.ordered_lessons(state)}
    people = q.learners(state)
    done = sum(
        1
        for member in people
        for lesson_id, p in state.progress.get(member, {}).items()
        if lesson_id in live and p.status == "done"
    )
    return rate(done, len(live) * len(people))


def team_project_count(state: State) -> int:
    """(learner, live project) pairs approved through a team's submission."""
    live = {lesson.id for lesson in q.ordered_lessons(state) if lesson.project is not None}
    people = set(q.learners(state))
    return len(
        {
            (author, s.lesson)
            for s in state.submissions.values()
            if s.team is not None
            and s.lesson in live
            and q.submission_status(state, s) == "approved"
            for author in s.authors
            if author in people
        }
    )


def project_completion(state: State, approved: set[tuple[str, str]] | None = None) -> Rate:
    """Live project lessons with an approved submission, over learners x projects."""
    approved = approved_projects(state) if approved is None else approved
    projects = [lesson.id for lesson in q.ordered_lessons(state) if lesson.project is not None]
    people = q.learners(state)
    done = sum(1 for member in people for lid in projects if (member, lid) in approved)
    return rate(done, len(projects) * len(people))


# -- review response ---------------------------------------------------------------------


def review_times(state: State, now_ms: int) -> ReviewTimes:
    """Response time of every review made against an assignment, and what still waits."""
    target_hours = state.cohort.response_target_hours if state.cohort else 48
    target = target_hours * HOUR_MS
    times = sorted(
        max(0, r.submitted_at - r.assigned_at)
        for r in state.reviews.values()
        if not r.calibration and r.assigned_at is not None
    )
    waiting = [a.assigned_at for s in state.submissions.values() for a in s.assignments if a.active]
    return ReviewTimes(
        count=len(times),
        median_ms=float(statistics.median(times)) if times else None,
        p90_ms=percentile(times, 0.9) if times else None,
        target_hours=target_hours,
        within_target=rate(sum(1 for t in times if t <= target), len(times)),
        waiting=len(waiting),
        waiting_past_target=sum(1 for at in waiting if now_ms - at > target),
    )


# -- skills ------------------------------------------------------------------------------


def skill_growth(state: State) -> tuple[float | None, list[SkillGrowth]]:
    """Mean growth overall and per lesson (curriculum order), over members rating both."""
    pairs: dict[str, list[tuple[int, int]]] = {}
    for member in sorted(state.skills):
        for lesson_id, skill in state.skills[member].items():
            if skill.before is not None and skill.after is not None:
                pairs.setdefault(lesson_id, []).append((skill.before, skill.after))
    order = {lesson.id: i for i, lesson in enumerate(q.ordered_lessons(state))}
    rows = []
    for lesson_id in sorted(pairs, key=lambda lid: (order.get(lid, len(order)), lid)):
        ratings = pairs[lesson_id]
        n = len(ratings)
        lesson = state.lessons.get(lesson_id)
        rows.append(
            SkillGrowth(
                lesson=lesson_id,
                title=lesson.title if lesson else lesson_id,
                raters=n,
                before=sum(b for b, _ in ratings) / n,
                after=sum(a for _, a in ratings) / n,
                growth=sum(a - b for b, a in ratings) / n,
            )
        )
    every = [a - b for ratings in pairs.values() for b, a in ratings]
    return (sum(every) / len(every) if every else None), rows


# -- retention ---------------------------------------------------------------------------


def retention(state: State, now_ms: int, weeks: int = RETENTION_WEEKS) -> list[RetentionWeek]:
    """Share of learners active in each of the last ``weeks`` seven-day windows, oldest first.

    The newest window is today and the six days before it (UTC days). A learner counts
    in a window's denominator once they have joined by its end.
    """
    today = now_ms // DAY_MS
    people = [state.members[m] for m in q.learners(state)]
    rows = []
    for i in reversed(range(max(0, weeks))):
        last = today - 7 * i
        first = last - 6
        end_ms = (last + 1) * DAY_MS
        present = [m for m in people if m.joined_at < end_ms]
        active = sum(
            1 for m in present if _active_between(state.active_days.get(m.id), first, last)
        )
        rows.append(
            RetentionWeek(
                start_ms=first * DAY_MS,
                end_ms=end_ms,
                active=active,
                learners=len(present),
                rate=active / len(present) if present else 0.0,
            )
        )
    return rows


def _active_between(days: list[int] | None, first: int, last: int) -> bool:
    if not days:
        return False
    i = bisect.bisect_left(days, first)
    return i < len(days) and days[i] <= last


# -- participation -----------------------------------------------------------------------


def participation(state: State) -> list[Participation]:
    """Posts, threads and reviews per member, by handle."""
    posts: dict[str, int] = {}
    for post in state.posts.values():
        if post.hidden is None:
            posts[post.author] = posts.get(post.author, 0) + 1
    threads: dict[str, int] = {}
    for thread in state.threads.values():
        threads[thread.author] = threads.get(thread.author, 0) + 1
    reviews: dict[str, int] = {}
    for review in state.reviews.values():
        if not review.calibration:
            reviews[review.reviewer] = reviews.get(review.reviewer, 0) + 1
    rows = []
    for member in sorted(state.members.values(), key=lambda m: (m.handle, m.id)):
        days = state.active_days.get(member.id)
        rows.append(
            Participation(
                member=member.id,
                handle=member.handle,
                name=member.display_name,
                roles=list(member.roles),
                posts=posts.get(member.id, 0),
                threads=threads.get(member.id, 0),
                reviews=reviews.get(member.id, 0),
                last_active_ms=days[-1] * DAY_MS if days else None,
            )
        )
    return rows


# -- at risk -----------------------------------------------------------------------------


def items_left(
    state: State, milestone: Milestone, member: str, approved: set[tuple[str, str]]
) -> int:
    """Lessons not done plus projects not approved: what the member still owes."""
    mine = state.progress.get(member, {})
    lessons = sum(
        1 for lid in milestone.lessons if (p := mine.get(lid)) is None or p.status != "done"
    )
    return lessons + sum(1 for lid in milestone.projects if (member, lid) not in approved)


def at_risk(
    state: State, now_ms: int, approved: set[tuple[str, str]] | None = None
) -> list[AtRisk]:
    """Learners inactive for ``INACTIVE_DAYS``+ days or behind a due or overdue milestone.

    Most behind first, then longest inactive, then by handle.
    """
    approved = approved_projects(state) if approved is None else approved
    milestones = q.live_milestones(state)
    today = now_ms // DAY_MS
    rows = []
    for member_id in q.learners(state):
        member = state.members[member_id]
        days = state.active_days.get(member_id)
        since = days[-1] if days else member.joined_at // DAY_MS
        inactive = max(0, today - since)
        reasons = []
        if inactive >= INACTIVE_DAYS:
            reasons.append(
                f"inactive for {inactive} days"
                if days
                else f"no activity since joining {inactive} days ago"
            )
        behind = []
        for milestone in milestones:
            due = q.due_for(milestone, member_id)
            if due > now_ms + DUE_SOON_MS:
                continue
            left = items_left(state, milestone, member_id, approved)
            if left:
                total = len(milestone.lessons) + len(milestone.projects)
                behind.append(milestone.id)
                reasons.append(
                    f"behind on '{milestone.title}': {left} of {total} left, "
                    f"{relative_due(due, now_ms)}"
                )
        if reasons:
            rows.append(
                AtRisk(
                    member=member_id,
                    handle=member.handle,
                    name=member.display_name,
                    inactive_days=inactive,
                    behind=behind,
                    reasons=reasons,
                    reason="; ".join(reasons),
                )
            )
    rows.sort(key=lambda r: (-len(r.behind), -r.inactive_days, r.handle, r.member))
    return rows


# -- the report --------------------------------------------------------------------------


def cohort_report(state: State, now_ms: int, weeks: int = RETENTION_WEEKS) -> CohortReport:
    """Every metric at ``now_ms``."""
    approved = approved_projects(state)
    growth, skills = skill_growth(state)
    return CohortReport(
        generated_at=now_ms,
        cohort=state.cohort.id if state.cohort else "",
        cohort_name=state.cohort.name if state.cohort else "",
        members=len(state.members),
        learners=len(q.learners(state)),
        lessons=lesson_completion(state),
        projects=project_completion(state, approved),
        reviews=review_times(state, now_ms),
        skill_growth=growth,
        skills=skills,
        retention=retention(state, now_ms, weeks),
        participation=participation(state),
        at_risk=at_risk(state, now_ms, approved),
        reviewers=reviewer_figures(state),
        team_projects=team_project_count(state),
    )
