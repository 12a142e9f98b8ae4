"""Read-only questions the screens and the CLI ask of the state.

Everything here is a pure function of ``State`` (plus ``now`` where time matters), so
the same questions give the same answers in the app, the CLI and the tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal

from msgspec import Struct, field

from cohort_tui.domain.clock import Clock
from cohort_tui.domain.model import (
    DAY_MS,
    Lesson,
    LiveSession,
    Milestone,
    Module,
    Review,
    State,
    Submission,
    Thread,
)
from cohort_tui.domain.pods import may_see_thread

LessonState = Literal["locked", "open", "doing", "done"]
SubmissionStatus = Literal["awaiting", "changes", "approved"]


# -- curriculum and progress --------------------------------------------------------------


def curriculum_outline(state: State) -> list[tuple[Module, list[Lesson]]]:
    """Live modules in order, each with its live lessons in order."""
    by_module: dict[str, list[Lesson]] = {}
    for lesson in state.lessons.values():
        if not lesson.archived:
            by_module.setdefault(lesson.module, []).append(lesson)
    modules = sorted(
        (m for m in state.modules.values() if not m.archived), key=lambda m: (m.order, m.id)
    )
    return [(m, sorted(by_module.get(m.id, []), key=lambda le: (le.order, le.id))) for m in modules]


def ordered_lessons(state: State) -> list[Lesson]:
    """Every live lesson in curriculum order."""
    return [lesson for _, lessons in curriculum_outline(state) for lesson in lessons]


def lesson_state(state: State, member: str, lesson: Lesson) -> LessonState:
    """Done or doing from my progress; otherwise locked until the prerequisites are done."""
    progress = state.progress.get(member, {}).get(lesson.id)
    if progress is not None and progress.status in ("doing", "done"):
        return progress.status
    mine = state.progress.get(member, {})
    for prereq in lesson.prerequisites:
        other = state.lessons.get(prereq)
        if other is None or other.archived:
            continue
        done = mine.get(prereq)
        if done is None or done.status != "done":
            return "locked"
    return "open"


def handle_of(state: State, member_id: str) -> str:
    """A member's handle as stored (the id when the member is unknown); unsanitised: show
    it through ``ui.text.at_handle`` or ``member_line``."""
    member = state.members.get(member_id)
    return member.handle if member else member_id


def learners(state: State) -> list[str]:
    """Members who take the course: those with the learner role (everyone if none has)."""
    ids = [m.id for m in state.members.values() if "learner" in m.roles]
    return sorted(ids) if ids else sorted(state.members)


def completed_lessons(state: State, member: str) -> int:
    """How many live lessons the member has done."""
    mine = state.progress.get(member, {})
    return sum(
        1
        for lesson in ordered_lessons(state)
        if (p := mine.get(lesson.id)) is not None and p.status == "done"
    )


def progress_fraction(state: State, member: str) -> float:
    """The member's share of live lessons done, 0..1."""
    total = len(ordered_lessons(state))
    return completed_lessons(state, member) / total if total else 0.0


def cohort_median_progress(state: State) -> float:
    """The median learner's share of lessons done, 0..1."""
    total = len(ordered_lessons(state))
    if not total:
        return 0.0
    live = {le.id for le in ordered_lessons(state)}
    # A list per learner rather than a generator summed: 14k progress entries at 100k ops.
    progress = state.progress
    fractions = [
        len([1 for lid, p in progress.get(m, {}).items() if p.status == "done" and lid in live])
        / total
        for m in learners(state)
    ]
    if not fractions:
        return 0.0
    # statistics.median, written out: importing statistics cost every start of the app.
    fractions.sort()
    mid = len(fractions) // 2
    return fractions[mid] if len(fractions) % 2 else (fractions[mid - 1] + fractions[mid]) / 2


class LessonPeers(Struct, frozen=True):
    """Where the cohort stands on one lesson."""

    done: int
    total: int
    doing: list[str] = field(default_factory=list)
    """Member ids working on it now."""


def lesson_peers(state: State) -> dict[str, LessonPeers]:
    """For every lesson: learners past it, out of how many, and who is on it now."""
    people = learners(state)
    done: dict[str, int] = {}
    doing: dict[str, list[str]] = {}
    for member in people:
        for lesson_id, p in state.progress.get(member, {}).items():
            if p.status == "done":
                done[lesson_id] = done.get(lesson_id, 0) + 1
            elif p.status == "doing":
                doing.setdefault(lesson_id, []).append(member)
    return {
        lid: LessonPeers(done.get(lid, 0), len(people), doing.get(lid, [])) for lid in state.lessons
    }


def next_lesson(state: State, member: str) -> Lesson | None:
    """The lesson I am on, else the first open one."""
    lessons = ordered_lessons(state)
    for lesson in lessons:
        if lesson_state(state, member, lesson) == "doing":
            return lesson
    for lesson in lessons:
        if lesson_state(state, member, lesson) == "open":
            return lesson
    return None


def streak_days(state: State, member: str, now: int) -> int:
    """Consecutive days with activity, ending today or yesterday."""
    days = set(state.active_days.get(member, []))
    today = now // DAY_MS
    day = today if today in days else today - 1
    count = 0
    while day in days:
        count += 1
        day -= 1
    return count


# -- discussions --------------------------------------------------------------------------


def unread_count(state: State, member: str, thread_id: str) -> int:
    """Posts in the thread by others, not hidden, newer than my read marker (none in a
    pod channel I may not see)."""
    thread = state.threads.get(thread_id)
    if thread is None:
        return 0
    return _unread_in(state, member, thread, state.reads.get(member, {}))


def unread_counts(state: State, member: str) -> Iterator[tuple[Thread, int]]:
    """``(thread, unread_count)`` for every thread with unread posts, my read markers
    looked up once rather than once per thread (2,000 threads at 100k ops)."""
    marks = state.reads.get(member, {})
    for thread in state.threads.values():
        count = _unread_in(state, member, thread, marks)
        if count:
            yield thread, count


def _unread_in(state: State, member: str, thread: Thread, marks: dict[str, Clock]) -> int:
    if thread.pod is not None and not may_see_thread(state, member, thread):
        return 0
    thread_id = thread.id
    posts = state.posts
    marker = marks.get(thread_id)
    count = 0
    if marker is None:  # never opened: every post by someone else counts
        shown = state.shown_posts.get(thread_id)
        if shown is not None:  # the fold's index: Home counts every thread at start
            return sum(shown.values()) - shown.get(member, 0)
        for post in map(posts.__getitem__, thread.posts):
            if post.hidden is None and post.author != member:
                count += 1
        return count
    upto = tuple(marker)
    for post_id in reversed(thread.posts):
        post = posts[post_id]
        clock = post.clock
        if (clock if type(clock) is tuple else tuple(clock)) <= upto:
            break
        if post.author != member and post.hidden is None:
            count += 1
    return count


class UnreadCache:
    """Unread counts per thread for one member and state, recounted only for the threads
    that changed since (new posts, a post hidden or shown, my read marker).

    Home and the header count every thread whenever the state changes: 2,000 threads at
    100k ops, most of them untouched by the ops that just came in.
    """

    def __init__(self) -> None:
        self._owner: tuple[int, str] = (0, "")
        self._counts: dict[str, tuple[tuple[object, ...], int]] = {}

    def count(self, state: State, member: str, thread_id: str) -> int:
        """:func:`unread_count`, from the cache when the thread has not changed."""
        if self._owner != (id(state), member):  # another state (a refold) or member
            self._owner, self._counts = (id(state), member), {}
        thread = state.threads[thread_id]
        if thread.pod is not None and not may_see_thread(state, member, thread):
            return 0  # pods rotate: never cached
        shown = state.shown_posts.get(thread_id, {})
        marker = state.reads.get(member, {}).get(thread_id)
        key = (len(thread.posts), sum(shown.values()), shown.get(member, 0), marker)
        cached = self._counts.get(thread_id)
        if cached is not None and cached[0] == key:
            return cached[1]
        n = unread_count(state, member, thread_id)
        self._counts[thread_id] = (key, n)
        return n


def unread_threads(
    state: State, member: str, cache: UnreadCache | None = None
) -> list[tuple[str, int]]:
    """``(thread id, unread)`` for every thread with unread posts, newest activity first."""
    count = cache.count if cache is not None else unread_count
    rows = [(t.id, n) for t in state.threads.values() if (n := count(state, member, t.id))]
    rows.sort(key=lambda row: -state.threads[row[0]].last_activity)
    return rows


def mention_pattern(handle: str) -> re.Pattern[str]:
    """Matches ``@handle`` as a whole word."""
    return re.compile(rf"(?<![\w@])@{re.escape(handle)}(?![\w-])", re.IGNORECASE)


def unread_mentions(state: State, member: str) -> list[str]:
    """Unread post ids that mention me."""
    me = state.members.get(member)
    if me is None:
        return []
    pattern = mention_pattern(me.handle)
    needle = "@" + me.handle.lower()
    marks = state.reads.get(member, {})
    found = []
    for post in state.posts.values():
        body = post.body
        if "@" not in body or needle not in body.lower():
            continue  # cheap filters (no copy of the body first) before the exact regex
        marker = marks.get(post.thread)
        if post.author == member or post.hidden is not None:
            continue
        if marker is not None and tuple(post.clock) <= tuple(marker):
            continue
        if pattern.search(post.body):
            found.append(post.id)
    return found


# -- peer review --------------------------------------------------------------------------


def latest_reviews(state: State, sub: Submission) -> list[Review]:
    """Reviews of the latest revision, the newest per reviewer."""
    if not sub.revisions:
        return []
    latest = sub.revisions[-1].id
    per_reviewer: dict[str, Review] = {}
    for rid in sub.reviews:
        review = state.reviews.get(rid)
        if review is not None and review.revision == latest:
            per_reviewer[review.reviewer] = review
    return list(per_reviewer.values())


def submission_status(state: State, sub: Submission) -> SubmissionStatus:
    """Changes requested if any reviewer of the latest revision asks; approved if one approves."""
    verdicts = {r.verdict for r in latest_reviews(state, sub)}
    if "changes" in verdicts:
        return "changes"
    if "approve" in verdicts:
        return "approved"
    return "awaiting"


class ReviewTask(Struct, frozen=True):
    """A submission waiting on my review."""

    submission: Submission
    assigned_at: int
    claimed_until: int | None


def reviews_waiting(state: State, member: str) -> list[ReviewTask]:
    """Submissions assigned to me and not yet reviewed by me, oldest first."""
    from cohort_tui.domain.reduce import active_assignment

    tasks = []
    for sub in state.submissions.values():
        # Most of 3,000 submissions are someone else's: a plain loop over the few
        # assignments, not a set (or a generator) made per submission.
        for assignment in sub.assignments:
            if assignment.reviewer == member:
                a = active_assignment(state, sub, member)
                if a is not None:
                    tasks.append(ReviewTask(sub, a.assigned_at, a.claimed_until))
                break
    tasks.sort(key=lambda t: (t.assigned_at, t.submission.id))
    return tasks


def my_submissions(state: State, member: str) -> list[Submission]:
    """My submissions (my teams' included), newest first."""
    subs = [s for s in state.submissions.values() if member in s.authors]
    subs.sort(key=lambda s: (-s.created_at, s.id))
    return subs


# -- milestones and sessions ------------------------------------------------------------


def project_approved(state: State, member: str, lesson_id: str) -> bool:
    """Whether the member has an approved submission for the lesson's project (their own,
    or their team's)."""
    return any(
        member in s.authors and s.lesson == lesson_id and submission_status(state, s) == "approved"
        for s in state.submissions.values()
    )


def milestone_met(state: State, milestone: Milestone, member: str) -> bool:
    """All the milestone's lessons done and projects approved by the member."""
    mine = state.progress.get(member, {})
    for lesson_id in milestone.lessons:
        p = mine.get(lesson_id)
        if p is None or p.status != "done":
            return False
    return all(project_approved(state, member, lid) for lid in milestone.projects)


def due_for(milestone: Milestone, member: str) -> int:
    """The milestone's due time for one member, with any extension."""
    return milestone.extensions.get(member, milestone.due)


def live_milestones(state: State) -> list[Milestone]:
    """Milestones not archived, by due date."""
    return sorted(
        (m for m in state.milestones.values() if not m.archived), key=lambda m: (m.due, m.id)
    )


def milestone_completion(state: State, milestone: Milestone) -> tuple[int, int]:
    """``(learners who met it, learners)``."""
    people = learners(state)
    return sum(1 for m in people if milestone_met(state, milestone, m)), len(people)


def next_milestone(state: State, member: str, now: int) -> Milestone | None:
    """My earliest milestone not yet met (overdue ones first)."""
    for milestone in live_milestones(state):
        if not milestone_met(state, milestone, member):
            return milestone
    return None


def upcoming_sessions(state: State, now: int) -> list[LiveSession]:
    """Sessions not cancelled that have not ended, soonest first."""
    rows = [
        s
        for s in state.sessions.values()
        if not s.cancelled and s.start + s.minutes * 60_000 >= now
    ]
    rows.sort(key=lambda s: (s.start, s.id))
    return rows
