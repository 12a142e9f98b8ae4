"""The fold: ops in, state out.

Ops are applied in one total order, ``(clock, id)``, and deduplicated by id, so any set of
ops folds to the same state whatever order and however often they arrived. An id names
one content: when a log holds other content under an id (a hostile file was imported, or
two replicas' copies met), the copy first in the order counts (equal clocks: the smaller
canonical bytes) and the others are refused visibly, so replicas holding the same copies
agree whichever came first. Within that
order the reducers follow the design's rules: creates insert if absent, field edits are
last-writer-wins, reactions are per-element sets, read markers take the max. Role rules are
part of the fold: an op whose author lacks the right is skipped, recorded in
``state.refused`` and left in the log. The rules themselves live in :mod:`permissions`,
which the sync server asks too.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Iterable, Iterator
from typing import Any

from cohort_tui.domain import chat, fold_pods, fold_teams, queries, showcase
from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.allocation import choose_reviewers
from cohort_tui.domain.handlers import Handler, Reason, registrar
from cohort_tui.domain.model import (
    DAY_MS,
    HOUR_MS,
    Assignment,
    ChatMessage,
    CheckResult,
    Cohort,
    Course,
    Edit,
    Hidden,
    Lesson,
    LiveSession,
    Member,
    Milestone,
    Module,
    Post,
    Progress,
    Refusal,
    Reply,
    Review,
    ReviewLine,
    Revision,
    Rubric,
    Shoutout,
    ShowcaseEntry,
    ShowcaseThanks,
    Skill,
    State,
    StuckSpell,
    Submission,
    SubmittedFile,
    Thread,
)
from cohort_tui.domain.ops import InvalidData, Op, encode_op
from cohort_tui.domain.permissions import role_problem
from cohort_tui.domain.pods import may_post_in_pod

_HANDLERS: dict[str, Handler] = {}
_handles = registrar(_HANDLERS)


_HANDLERS.update(fold_teams.HANDLERS)
_HANDLERS.update(fold_pods.HANDLERS)

ID_TAKEN = "another op with this id comes first in the order; an id names one content"


class OutOfOrder(Exception):
    """An op sorts before ops already folded, or repeats an id already folded (the fold
    cannot tell an exact copy from other content under that id): refold from scratch."""


SORT_BLOCK = 8192
"""Ops sorted in one call by :func:`in_order`."""


def in_order(ops: list[Op], block: int = SORT_BLOCK) -> Iterator[Op]:
    """``ops`` in the fold's total order (:meth:`Op.sort_key`), sorted a block at a time
    and merged.

    One ``sorted`` over 100k ops holds the interpreter for ~50 ms of comparisons in C;
    a refold runs in a thread beside the event loop, which could answer no key meanwhile.
    Blocks of a few thousand sort in a few milliseconds each, and the merge runs in
    Python, where the interpreter can switch threads. Keys are unique (one op per id), so
    the order is the same.
    """
    if len(ops) <= block:
        return iter(sorted(ops, key=Op.sort_key))
    blocks = [sorted(ops[i : i + block], key=Op.sort_key) for i in range(0, len(ops), block)]
    return heapq.merge(*blocks, key=Op.sort_key)


def fold_ops(ops: Iterable[Op], state: State | None = None) -> State:
    """Fold ``ops`` (any order, duplicates and conflicting copies allowed) into a state."""
    state = state or State()
    chosen: dict[str, Op] = {}
    others: dict[str, list[Op]] = {}
    for op in ops:
        if op.id in state.seen:
            continue
        first = chosen.setdefault(op.id, op)
        if first is not op and first != op:
            copies = others.setdefault(op.id, [])
            if op not in copies:
                copies.append(op)
    if not others:
        for op in in_order(list(chosen.values())):
            apply_op(state, op)
        return state
    for op_id, copies in others.items():
        copies.append(chosen[op_id])

    def key(op: Op) -> tuple[tuple[int, int, str], str, bytes]:
        return (op.clock, op.id, encode_op(op) if op.id in others else b"")

    everything = [op for op in chosen.values() if op.id not in others]
    everything += [op for copies in others.values() for op in copies]
    for op in sorted(everything, key=key):
        if op.id in state.seen:  # a later copy: the first one took the id
            state.refused.append(Refusal(op=op.id, kind=op.kind, author=op.author, reason=ID_TAKEN))
            continue
        apply_op(state, op)
    return state


def apply_op(state: State, op: Op) -> None:
    """Apply one op that sorts after every op already in ``state``.

    Raises:
        OutOfOrder: when the op sorts before the last applied op, or its id was folded
            already (an exact copy or other content: only a refold can tell).
    """
    if op.id in state.seen:
        raise OutOfOrder(op.id)
    if state.last_clock is not None and (op.clock, op.id) < (state.last_clock, state.last_id):
        raise OutOfOrder(op.id)
    state.seen.add(op.id)
    state.last_clock, state.last_id = op.clock, op.id
    state.applied += 1
    handler = _HANDLERS.get(op.kind)
    if handler is None:
        state.unknown_ops += 1
        return
    if isinstance(op.data, InvalidData):
        state.refused.append(
            Refusal(op=op.id, kind=op.kind, author=op.author, reason=op.data.reason)
        )
        return
    reason = role_problem(state, op) or handler(state, op, op.data)
    if reason is not None:
        state.refused.append(Refusal(op=op.id, kind=op.kind, author=op.author, reason=reason))
        return
    _mark_active(state, op.author, op.at)


def _mark_active(state: State, member: str, at: int) -> None:
    days = state.active_days.setdefault(member, [])
    day = at // DAY_MS
    if not days or days[-1] < day:
        days.append(day)
    elif day not in days:
        bisect.insort(days, day)


# -- cohort and members -------------------------------------------------------------


@_handles(k.CohortCreate)
def _cohort_create(state: State, op: Op, d: k.CohortCreate) -> Reason:
    state.cohort = Cohort(
        id=d.cohort,
        name=d.name,
        created_at=op.at,
        starts_at=d.starts_at or op.at,
        charter=d.charter,
        norms=d.norms,
    )
    _apply_settings(state.cohort, d.settings)
    state.members[op.author] = Member(
        id=op.author,
        handle=d.handle,
        display_name=d.display_name,
        roles=["facilitator"],
        joined_at=op.at,
    )
    return None


def _apply_settings(cohort: Cohort, s: k.Settings) -> None:
    for name in (
        "response_target_hours",
        "reviewers_per_submission",
        "claim_lease_hours",
        "reassign_after_days",
        "review_pods",
    ):
        value = getattr(s, name)
        if value is not None:
            setattr(cohort, name, value)


@_handles(k.CohortUpdate)
def _cohort_update(state: State, op: Op, d: k.CohortUpdate) -> Reason:
    if state.cohort is None:
        return "no cohort"
    for name in ("name", "charter", "norms", "starts_at", "welcome_thread"):
        value = getattr(d, name)
        if value is not None:
            setattr(state.cohort, name, value)
    _apply_settings(state.cohort, d.settings)
    return None


@_handles(k.MemberAdd)
def _member_add(state: State, op: Op, d: k.MemberAdd) -> Reason:
    if d.member in state.members:
        return "member already exists"
    if any(m.handle == d.handle for m in state.members.values()):
        return f"handle @{d.handle} is taken"
    state.members[d.member] = Member(
        id=d.member,
        handle=d.handle,
        display_name=d.display_name,
        roles=sorted(set(d.roles)) or ["learner"],
        joined_at=op.at,
        bio=d.bio,
        timezone=d.timezone,
    )
    return None


@_handles(k.MemberUpdate)
def _member_update(state: State, op: Op, d: k.MemberUpdate) -> Reason:
    member = state.members.get(d.member)
    if member is None:
        return "unknown member"
    for name in ("display_name", "bio", "timezone"):
        value = getattr(d, name)
        if value is not None:
            setattr(member, name, value)
    return None


@_handles(k.MemberRoles)
def _member_roles(state: State, op: Op, d: k.MemberRoles) -> Reason:
    member = state.members.get(d.member)
    if member is None:
        return "unknown member"
    roles = sorted(set(d.roles))
    if (
        "facilitator" not in roles
        and "facilitator" in member.roles
        and not any("facilitator" in m.roles for m in state.members.values() if m.id != member.id)
    ):
        return "the cohort must keep at least one facilitator"
    member.roles = list(roles)
    return None


@_handles(k.RotationSet)
def _rotation_set(state: State, op: Op, d: k.RotationSet) -> Reason:
    if unknown := [m for m in d.members if m not in state.members]:
        return f"unknown member {unknown[0]}"
    state.rotation.setdefault(d.week, {})[d.role] = list(d.members)
    return None


# -- curriculum -----------------------------------------------------------------------


@_handles(k.CurriculumSet)
def _curriculum_set(state: State, op: Op, d: k.CurriculumSet) -> Reason:
    state.course = Course(id=d.course, title=d.title, summary=d.summary)
    return None


@_handles(k.ModuleUpsert)
def _module_upsert(state: State, op: Op, d: k.ModuleUpsert) -> Reason:
    state.modules[d.module] = Module(
        id=d.module, title=d.title, summary=d.summary, order=d.order, archived=d.archived
    )
    return None


@_handles(k.LessonUpsert)
def _lesson_upsert(state: State, op: Op, d: k.LessonUpsert) -> Reason:
    if d.module not in state.modules:
        return f"unknown module {d.module}"
    state.lessons[d.lesson] = Lesson(
        id=d.lesson,
        module=d.module,
        title=d.title,
        body=d.body,
        order=d.order,
        minutes=d.minutes,
        prerequisites=list(d.prerequisites),
        tags=list(d.tags),
        hints=list(d.hints),
        resources=list(d.resources),
        check=d.check,
        project=d.project,
        archived=d.archived,
    )
    return None


@_handles(k.RubricUpsert)
def _rubric_upsert(state: State, op: Op, d: k.RubricUpsert) -> Reason:
    state.rubrics[d.rubric] = Rubric(
        id=d.rubric, title=d.title, criteria=list(d.criteria), example=d.example
    )
    return None


# -- progress ---------------------------------------------------------------------------


@_handles(k.ProgressSet)
def _progress_set(state: State, op: Op, d: k.ProgressSet) -> Reason:
    if d.lesson not in state.lessons:
        return f"unknown lesson {d.lesson}"
    mine = state.progress.setdefault(op.author, {})
    current = mine.get(d.lesson)
    if current is None:
        current = mine[d.lesson] = Progress(status=d.status, updated_at=op.at)
    current.status, current.updated_at = d.status, op.at
    if d.status in ("doing", "done") and current.started_at is None:
        current.started_at = op.at
    current.done_at = op.at if d.status == "done" else None
    if d.status == "todo":
        current.started_at = None
    return None


@_handles(k.SkillRate)
def _skill_rate(state: State, op: Op, d: k.SkillRate) -> Reason:
    if d.lesson not in state.lessons:
        return f"unknown lesson {d.lesson}"
    skill = state.skills.setdefault(op.author, {}).setdefault(d.lesson, Skill())
    setattr(skill, d.phase, d.rating)
    return None


@_handles(k.CheckRun)
def _check_run(state: State, op: Op, d: k.CheckRun) -> Reason:
    if d.lesson not in state.lessons:
        return f"unknown lesson {d.lesson}"
    state.checks.setdefault(op.author, {})[d.lesson] = CheckResult(
        passed=d.passed, at=op.at, summary=d.summary
    )
    # The failure spell the stuck ladder counts: opened by a failure, closed by a pass,
    # recorded (once) by check.unstuck. A failure after an unrecorded pass starts anew.
    mine = state.stuck.setdefault(op.author, {})
    spell = mine.get(d.lesson)
    if not d.passed:
        if spell is None or spell.passed_at is not None:
            mine[d.lesson] = StuckSpell(failed_at=op.at)
    elif spell is not None and spell.passed_at is None:
        spell.passed_at = op.at
    return None


@_handles(k.CheckUnstuck)
def _check_unstuck(state: State, op: Op, d: k.CheckUnstuck) -> Reason:
    # Counted once per failure spell of the author's own: a replica cannot inflate the
    # figures without failing and passing the check each time.
    spell = state.stuck.get(op.author, {}).get(d.lesson)
    if spell is None or spell.passed_at is None:
        return "no failed-then-passed check of the author's on this lesson to record"
    if d.thread is not None and d.thread not in state.threads:
        return f"unknown thread {d.thread}"
    del state.stuck[op.author][d.lesson]
    rungs = state.unstuck.setdefault(d.lesson, {})
    rungs[d.rung] = rungs.get(d.rung, 0) + 1
    return None


# -- discussions ------------------------------------------------------------------------


@_handles(k.ThreadCreate)
def _thread_create(state: State, op: Op, d: k.ThreadCreate) -> Reason:
    if d.thread in state.threads or d.post in state.posts:
        return "thread or post id already used"
    if d.lesson is not None and d.lesson not in state.lessons:
        return f"unknown lesson {d.lesson}"
    if d.pod is not None and (reason := _pod_channel_problem(state, op.author, d.pod)):
        return reason
    state.threads[d.thread] = Thread(
        id=d.thread,
        title=d.title,
        author=op.author,
        created_at=op.at,
        last_activity=op.at,
        posts=[d.post],
        lesson=d.lesson,
        tags=sorted(set(d.tags)),
        pod=d.pod,
    )
    state.posts[d.post] = Post(
        id=d.post, thread=d.thread, author=op.author, body=d.body, created_at=op.at, clock=op.clock
    )
    _count_shown(state, d.thread, op.author, 1)
    _read_upto(state, op.author, d.thread, op.clock)
    return None


@_handles(k.ThreadUpdate)
def _thread_update(state: State, op: Op, d: k.ThreadUpdate) -> Reason:
    thread = state.threads.get(d.thread)
    if thread is None:
        return "unknown thread"
    if d.lesson is not None and d.lesson not in state.lessons:
        return f"unknown lesson {d.lesson}"
    if d.title is not None:
        thread.title = d.title
    if d.tags is not None:
        thread.tags = sorted(set(d.tags))
    if d.lesson is not None:
        thread.lesson = d.lesson
    return None


@_handles(k.PostCreate)
def _post_create(state: State, op: Op, d: k.PostCreate) -> Reason:
    thread = state.threads.get(d.thread)
    if thread is None:
        return "unknown thread"
    if d.post in state.posts:
        return "post id already used"
    if thread.pod is not None and (reason := _pod_channel_problem(state, op.author, thread.pod)):
        return reason
    if d.reply_to is not None and (
        d.reply_to not in state.posts or state.posts[d.reply_to].thread != d.thread
    ):
        return "reply_to is not a post in this thread"
    state.posts[d.post] = Post(
        id=d.post,
        thread=d.thread,
        author=op.author,
        body=d.body,
        created_at=op.at,
        clock=op.clock,
        reply_to=d.reply_to,
    )
    thread.posts.append(d.post)
    thread.last_activity = max(thread.last_activity, op.at)
    _count_shown(state, d.thread, op.author, 1)
    _read_upto(state, op.author, d.thread, op.clock)
    return None


@_handles(k.PostEdit)
def _post_edit(state: State, op: Op, d: k.PostEdit) -> Reason:
    post = state.posts.get(d.post)
    if post is None:
        return "unknown post"
    if post.body != d.body:
        post.edits = (*post.edits, Edit(at=op.at, body=post.body))
        post.body = d.body
    return None


@_handles(k.PostReact)
def _post_react(state: State, op: Op, d: k.PostReact) -> Reason:
    post = state.posts.get(d.post)
    if post is None:
        return "unknown post"
    who = post.reactions.setdefault(d.emoji, [])
    if d.on and op.author not in who:
        who.append(op.author)
        who.sort()
    elif not d.on and op.author in who:
        who.remove(op.author)
        if not who:
            del post.reactions[d.emoji]
    return None


@_handles(k.PostHide)
def _post_hide(state: State, op: Op, d: k.PostHide) -> Reason:
    post = state.posts.get(d.post)
    if post is None:
        return "unknown post"
    if (post.hidden is None) == d.hidden:  # shown becomes hidden, or the other way
        _count_shown(state, post.thread, post.author, -1 if d.hidden else 1)
    post.hidden = Hidden(by=op.author, reason=d.reason, at=op.at) if d.hidden else None
    return None


def _pod_channel_problem(state: State, member: str, pod_id: str) -> Reason:
    pod = state.pods.get(pod_id)
    if pod is None:
        return "unknown pod"
    if not may_post_in_pod(state, member, pod):
        return (
            "this pod was closed by a rotation; its channel is read-only"
            if not pod.active
            else "only the pod's members and staff may post in its channel"
        )
    return None


def _count_shown(state: State, thread: str, author: str, change: int) -> None:
    shown = state.shown_posts.setdefault(thread, {})
    shown[author] = shown.get(author, 0) + change


def _read_upto(state: State, member: str, thread: str, clock: Any) -> None:
    marks = state.reads.setdefault(member, {})
    current = marks.get(thread)
    if current is None or tuple(clock) > tuple(current):
        marks[thread] = (clock[0], clock[1], clock[2])


@_handles(k.ThreadRead)
def _thread_read(state: State, op: Op, d: k.ThreadRead) -> Reason:
    if d.thread not in state.threads:
        return "unknown thread"
    _read_upto(state, op.author, d.thread, d.upto)
    return None


@_handles(k.ThreadPin)
def _thread_pin(state: State, op: Op, d: k.ThreadPin) -> Reason:
    thread = state.threads.get(d.thread)
    if thread is None:
        return "unknown thread"
    thread.pinned = d.pinned
    return None


@_handles(k.ThreadAnswer)
def _thread_answer(state: State, op: Op, d: k.ThreadAnswer) -> Reason:
    thread = state.threads.get(d.thread)
    if thread is None:
        return "unknown thread"
    if d.post is not None and (d.post not in state.posts or state.posts[d.post].thread != d.thread):
        return "the answer must be a post in this thread"
    thread.answer = d.post
    return None


# -- peer review ------------------------------------------------------------------------


def _revision(d: k.RevisionData, at: int, author: str) -> Revision:
    return Revision(
        id=d.revision,
        author=author,
        created_at=at,
        message=d.message,
        diff=d.diff,
        diff_range=d.diff_range,
        files=[SubmittedFile(path=f.path, content=f.content) for f in d.files],
    )


def _assign(
    state: State, sub: Submission, reviewer: str, at: int, claimed_until: int | None = None
) -> None:
    sub.assignments.append(
        Assignment(reviewer=reviewer, assigned_at=at, claimed_until=claimed_until)
    )
    state.review_load[reviewer] = state.review_load.get(reviewer, 0) + 1
    for author in sub.authors or [sub.author]:  # a team: the reviewer reviewed each member
        pairs = state.review_pairs.setdefault(author, {})
        pairs[reviewer] = pairs.get(reviewer, 0) + 1


def _unload(state: State, reviewer: str) -> None:
    left = state.review_load.get(reviewer, 0) - 1
    if left > 0:
        state.review_load[reviewer] = left
    else:
        state.review_load.pop(reviewer, None)


def active_assignment(state: State, sub: Submission, reviewer: str) -> Assignment | None:
    """The reviewer's live assignment on ``sub``: not replaced and not yet reviewed."""
    for a in sub.assignments:
        if a.reviewer == reviewer and a.active:
            return a
    return None


def reviewers_wanted(state: State, sub: Submission) -> int:
    """How many reviewers a submission's lesson project asks for."""
    lesson = state.lessons.get(sub.lesson)
    if lesson and lesson.project and lesson.project.reviewers:
        return lesson.project.reviewers
    return state.cohort.reviewers_per_submission if state.cohort else 2


@_handles(k.SubmissionCreate)
def _submission_create(state: State, op: Op, d: k.SubmissionCreate) -> Reason:
    if d.submission in state.submissions:
        return "submission id already used"
    if d.lesson not in state.lessons:
        return f"unknown lesson {d.lesson}"
    team = state.teams.get(d.team) if d.team is not None else None
    if d.team is not None:
        if team is None:
            return "unknown team"
        if op.author not in team.members:
            return "only the team's members may submit for it"
        if team.lesson != d.lesson:
            return "the team was formed for another lesson"
        if team.submission is not None:
            return "the team has submitted already; revise its submission"
    sub = Submission(
        id=d.submission,
        lesson=d.lesson,
        author=op.author,
        title=d.title,
        created_at=op.at,
        revisions=[_revision(d.revision, op.at, op.author)],
        team=d.team,
        authors=list(team.members) if team is not None else [op.author],
    )
    state.submissions[sub.id] = sub
    if team is not None:
        team.submission = sub.id
    for reviewer in choose_reviewers(state, sub, reviewers_wanted(state, sub)):
        _assign(state, sub, reviewer, op.at)
    return None


@_handles(k.SubmissionRevise)
def _submission_revise(state: State, op: Op, d: k.SubmissionRevise) -> Reason:
    sub = state.submissions.get(d.submission)
    if sub is None:
        return "unknown submission"
    if op.author not in sub.authors:
        return "only the submission's authors may revise it"
    if any(r.id == d.revision.revision for r in sub.revisions):
        return "revision id already used"
    sub.revisions.append(_revision(d.revision, op.at, op.author))
    # Reviewers who already reviewed are asked again, so the revision gets a look.
    reviewed = {a.reviewer for a in sub.assignments if a.reviewed_at is not None}
    for reviewer in sorted(reviewed):
        if active_assignment(state, sub, reviewer) is None:
            _assign(state, sub, reviewer, op.at)
    return None


@_handles(k.ReviewClaim)
def _review_claim(state: State, op: Op, d: k.ReviewClaim) -> Reason:
    sub = state.submissions.get(d.submission)
    if sub is None:
        return "unknown submission"
    if op.author in sub.authors:
        return "you cannot review your own team's submission"
    lease = (state.cohort.claim_lease_hours if state.cohort else 24) * HOUR_MS
    mine = active_assignment(state, sub, op.author)
    if mine is not None:
        mine.claimed_until = op.at + lease
        return None
    if not state.has_role(op.author, "reviewer", "mentor", "facilitator"):
        return "only assigned reviewers, or members with a review role, may claim"
    if reviewed_latest_revision(state, sub, op.author):
        # A new assignment would put the submission back in my inbox as waiting and
        # show the author a claim nobody means to act on; a revision asks me again.
        return "you already reviewed the latest revision"
    _assign(state, sub, op.author, op.at, claimed_until=op.at + lease)
    return None


def reviewed_latest_revision(state: State, sub: Submission, reviewer: str) -> bool:
    """Whether ``reviewer`` has a review of the submission's newest revision."""
    latest = sub.revisions[-1].id if sub.revisions else None
    for review_id in sub.reviews:
        review = state.reviews.get(review_id)
        if review is not None and review.reviewer == reviewer and review.revision == latest:
            return True
    return False


@_handles(k.ReviewRelease)
def _review_release(state: State, op: Op, d: k.ReviewRelease) -> Reason:
    sub = state.submissions.get(d.submission)
    if sub is None:
        return "unknown submission"
    mine = active_assignment(state, sub, op.author)
    if mine is None:
        return "you have no open assignment on this submission"
    _replace(state, sub, mine, op.at)
    return None


def _replace(state: State, sub: Submission, old: Assignment, at: int) -> None:
    old.replaced_at = at
    _unload(state, old.reviewer)
    past = {a.reviewer for a in sub.assignments}
    for reviewer in choose_reviewers(state, sub, 1, exclude=past):
        _assign(state, sub, reviewer, at)


@_handles(k.ReviewReassign)
def _review_reassign(state: State, op: Op, d: k.ReviewReassign) -> Reason:
    sub = state.submissions.get(d.submission)
    if sub is None or state.cohort is None:
        return "unknown submission"
    current = active_assignment(state, sub, d.reviewer)
    if current is None:
        return "that reviewer has no open assignment on this submission"
    if current.claimed_until is not None and current.claimed_until > op.at:
        return "the assignment is claimed"
    if op.at - current.assigned_at < state.cohort.reassign_after_days * DAY_MS:
        return "the assignment is not stale yet"
    _replace(state, sub, current, op.at)
    return None


@_handles(k.ReviewSubmit)
def _review_submit(state: State, op: Op, d: k.ReviewSubmit) -> Reason:
    if d.review in state.reviews:
        return "review id already used"

    def review(assigned_at: int | None = None) -> Review:
        return Review(
            id=d.review,
            submission=d.submission,
            revision=d.revision,
            reviewer=op.author,
            verdict=d.verdict,
            submitted_at=op.at,
            scores=dict(d.scores),
            comment=d.comment,
            lines=tuple(
                ReviewLine(id=c.id, path=c.path, line=c.line, body=c.body) for c in d.lines
            ),
            assigned_at=assigned_at,
            calibration=d.calibration,
        )

    if d.calibration:
        if d.submission.removeprefix("example:") not in state.rubrics:
            return "calibration reviews score a rubric's example"
        state.reviews[d.review] = review()
        return None
    sub = state.submissions.get(d.submission)
    if sub is None:
        return "unknown submission"
    if not any(r.id == d.revision for r in sub.revisions):
        return "unknown revision"
    if op.author in sub.authors:
        return "you cannot review your own team's submission"
    assignment = active_assignment(state, sub, op.author)
    if assignment is None and not state.has_role(op.author, "mentor", "facilitator"):
        return "you are not assigned to review this submission"
    if reason := _check_scores(state, sub, d.scores):
        return reason
    state.reviews[d.review] = review(assignment.assigned_at if assignment else None)
    sub.reviews.append(d.review)
    if assignment is not None:
        assignment.reviewed_at = op.at
        _unload(state, op.author)
    return None


def _check_scores(state: State, sub: Submission, scores: dict[str, int]) -> Reason:
    lesson = state.lessons.get(sub.lesson)
    rubric_id = lesson.project.rubric if lesson and lesson.project else None
    rubric = state.rubrics.get(rubric_id) if rubric_id else None
    if rubric is None:
        return None if not scores else "this lesson has no rubric to score"
    for criterion, score in scores.items():
        match = next((c for c in rubric.criteria if c.id == criterion), None)
        if match is None:
            return f"unknown rubric criterion {criterion}"
        if score not in {level.score for level in match.levels}:
            return f"{score} is not a level of {criterion}"
    return None


@_handles(k.ReviewReply)
def _review_reply(state: State, op: Op, d: k.ReviewReply) -> Reason:
    review = state.reviews.get(d.review)
    if review is None:
        return "unknown review"
    if d.comment is not None and not any(c.id == d.comment for c in review.lines):
        return "unknown line comment"
    if any(r.id == d.reply for r in review.replies):
        return "reply id already used"
    reply = Reply(id=d.reply, author=op.author, body=d.body, at=op.at, comment=d.comment)
    review.replies = (*review.replies, reply)
    return None


@_handles(k.ReviewHelpful)
def _review_helpful(state: State, op: Op, d: k.ReviewHelpful) -> Reason:
    review = state.reviews.get(d.review)
    sub = state.submissions.get(review.submission) if review else None
    if review is None or sub is None:
        return "unknown review"
    review.helpful = d.helpful
    return None


# -- milestones, sessions, shoutouts ----------------------------------------------------


@_handles(k.MilestoneUpsert)
def _milestone_upsert(state: State, op: Op, d: k.MilestoneUpsert) -> Reason:
    old = state.milestones.get(d.milestone)
    state.milestones[d.milestone] = Milestone(
        id=d.milestone,
        title=d.title,
        due=d.due,
        description=d.description,
        lessons=list(d.lessons),
        projects=list(d.projects),
        archived=d.archived,
        extensions=old.extensions if old else {},
    )
    return None


@_handles(k.MilestoneExtend)
def _milestone_extend(state: State, op: Op, d: k.MilestoneExtend) -> Reason:
    milestone = state.milestones.get(d.milestone)
    if milestone is None:
        return "unknown milestone"
    if d.member not in state.members:
        return "unknown member"
    milestone.extensions[d.member] = d.due
    return None


@_handles(k.SessionUpsert)
def _session_upsert(state: State, op: Op, d: k.SessionUpsert) -> Reason:
    old = state.sessions.get(d.session)
    state.sessions[d.session] = LiveSession(
        id=d.session,
        title=d.title,
        start=d.start,
        minutes=d.minutes,
        link=d.link,
        agenda=d.agenda,
        cancelled=d.cancelled,
        rsvps=old.rsvps if old else {},
        notes_thread=old.notes_thread if old else None,
    )
    return None


@_handles(k.SessionRsvp)
def _session_rsvp(state: State, op: Op, d: k.SessionRsvp) -> Reason:
    session = state.sessions.get(d.session)
    if session is None:
        return "unknown session"
    session.rsvps[op.author] = d.answer
    return None


@_handles(k.SessionNotes)
def _session_notes(state: State, op: Op, d: k.SessionNotes) -> Reason:
    session = state.sessions.get(d.session)
    if session is None:
        return "unknown session"
    if d.thread not in state.threads:
        return "unknown thread"
    session.notes_thread = d.thread
    return None


@_handles(k.ShoutoutCreate)
def _shoutout_create(state: State, op: Op, d: k.ShoutoutCreate) -> Reason:
    if d.shoutout in state.shoutouts:
        return "shoutout id already used"
    if d.to not in state.members:
        return "unknown member"
    state.shoutouts[d.shoutout] = Shoutout(
        id=d.shoutout, author=op.author, to=d.to, message=d.message, at=op.at
    )
    return None


# -- quick-help chat ----------------------------------------------------------------------


@_handles(k.ChatSend)
def _chat_send(state: State, op: Op, d: k.ChatSend) -> Reason:
    if d.message in state.chat_messages:
        return "message id already used"
    if not d.text.strip():
        return "the message is empty"
    # Pod membership changes as pods rotate: checked here, at the op's place in the order.
    if problem := chat.channel_problem(state, op.author, d.channel):
        return problem
    state.chat_messages[d.message] = ChatMessage(
        id=d.message, channel=d.channel, author=op.author, text=d.text, at=op.at, clock=op.clock
    )
    state.chat.setdefault(d.channel, []).append(d.message)
    _chat_read_upto(state, op.author, d.channel, op.clock)
    return None


def _chat_read_upto(state: State, member: str, channel: str, clock: Any) -> None:
    marks = state.chat_reads.setdefault(member, {})
    current = marks.get(channel)
    if current is None or tuple(clock) > tuple(current):
        marks[channel] = (clock[0], clock[1], clock[2])


@_handles(k.ChatRead)
def _chat_read(state: State, op: Op, d: k.ChatRead) -> Reason:
    if problem := chat.channel_problem(state, op.author, d.channel, writing=False):
        return problem
    _chat_read_upto(state, op.author, d.channel, d.upto)
    return None


@_handles(k.ChatHide)
def _chat_hide(state: State, op: Op, d: k.ChatHide) -> Reason:
    message = state.chat_messages.get(d.message)
    if message is None:
        return "unknown message"
    message.hidden = d.hidden
    return None


# -- showcase -----------------------------------------------------------------------------


@_handles(k.ShowcasePublish)
def _showcase_publish(state: State, op: Op, d: k.ShowcasePublish) -> Reason:
    sub = state.submissions.get(d.submission)
    if sub is None:
        return "unknown submission"
    entry = state.showcase.get(d.entry)
    if entry is not None:  # an edit: by an author of the entry, same submission
        if entry.submission != d.submission:
            return "entry id already used"
        if op.author not in entry.authors:
            return "only the project's authors may edit its showcase entry"
        entry.title, entry.built, entry.feedback = d.title, d.built, d.feedback
        entry.updated_at = max(entry.updated_at, op.at)
        return None
    authors = showcase.submission_authors(state, sub)
    if op.author not in authors:
        return "only the project's authors may publish it"
    # Approval is read at the op's place in the order: the same answer on every replica.
    if queries.submission_status(state, sub) != "approved":
        return "only an approved project may be published"
    if showcase.entry_for(state, d.submission) is not None:
        return "this project is on the showcase already; edit its entry"
    state.showcase[d.entry] = ShowcaseEntry(
        id=d.entry,
        submission=sub.id,
        lesson=sub.lesson,
        authors=authors,
        title=d.title,
        built=d.built,
        feedback=d.feedback,
        published_at=op.at,
        updated_at=op.at,
    )
    return None


@_handles(k.ShowcaseReact)
def _showcase_react(state: State, op: Op, d: k.ShowcaseReact) -> Reason:
    entry = state.showcase.get(d.entry)
    if entry is None:
        return "unknown showcase entry"
    who = entry.reactions.setdefault(d.emoji, [])
    if d.on and op.author not in who:
        who.append(op.author)
        who.sort()
    elif not d.on and op.author in who:
        who.remove(op.author)
    if not who:
        del entry.reactions[d.emoji]
    return None


@_handles(k.ShowcaseThank)
def _showcase_thank(state: State, op: Op, d: k.ShowcaseThank) -> Reason:
    entry = state.showcase.get(d.entry)
    if entry is None:
        return "unknown showcase entry"
    if not d.text.strip():
        return "the thanks is empty"
    if any(t.id == d.thanks for t in entry.thanks):
        return "thanks id already used"
    entry.thanks.append(ShowcaseThanks(id=d.thanks, author=op.author, text=d.text, at=op.at))
    return None


@_handles(k.ShowcaseFeature)
def _showcase_feature(state: State, op: Op, d: k.ShowcaseFeature) -> Reason:
    entry = state.showcase.get(d.entry)
    if entry is None:
        return "unknown showcase entry"
    entry.featured = d.featured
    return None
