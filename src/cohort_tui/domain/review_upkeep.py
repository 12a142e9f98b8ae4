"""Keeping review allocation moving: stale assignments and who may hand them on.

The fold accepts ``review.reassign`` for an assignment that has waited
``reassign_after_days`` without a review and is not under a live claim, but nothing in the
fold emits it (a fold cannot act at a time of its own). Someone's client has to write the
op; :func:`stale_assignments` says which ops, :func:`may_reassign` says whose client.

Who may: facilitators and mentors, for any submission, and a submission's author, for
their own. The fold itself lets any member write the op (it checks only staleness), so
this is a client policy that keeps the ops few: the people who watch the queue, and the
person waiting on it. Two clients writing the same reassignment offline is harmless:
the second is refused by the fold as "no open assignment" and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.model import DAY_MS, State, Submission

REASSIGNERS = ("facilitator", "mentor")


def may_reassign(state: State, member: str, sub: Submission) -> bool:
    """Whether ``member``'s client should write reassignments for ``sub``."""
    return member in sub.authors or state.has_role(member, *REASSIGNERS)


def stale_assignments(
    state: State, now_ms: int, submissions: Iterable[str] | None = None
) -> list[k.ReviewReassign]:
    """Reassign ops for every assignment the fold would accept as stale at ``now_ms``
    (in the given ``submissions`` only, when given).

    An assignment is stale when it is still open, has no live claim, and was made at least
    the cohort's ``reassign_after_days`` ago. It is left alone when nobody else is left to
    take it (the fold would drop the request without a replacement). Sorted by submission
    id, then by assignment order, so equal states give equal ops.
    """
    if state.cohort is None:
        return []
    wait = state.cohort.reassign_after_days * DAY_MS
    ops: list[k.ReviewReassign] = []
    for sub_id in sorted(state.submissions if submissions is None else submissions):
        sub = state.submissions[sub_id]
        # The fold replaces from everyone never assigned to this submission (nor its author),
        # one new reviewer per reassignment; past that, reassigning only drops the request.
        barred = {a.reviewer for a in sub.assignments} | {sub.author, *sub.authors}
        free = len(state.members) - sum(1 for m in barred if m in state.members)
        for a in sub.assignments:
            if free <= 0:
                break
            if not a.active or now_ms - a.assigned_at < wait:
                continue
            if a.claimed_until is not None and a.claimed_until > now_ms:
                continue
            ops.append(k.ReviewReassign(submission=sub.id, reviewer=a.reviewer))
            free -= 1
    return ops


def stale_for(state: State, member: str, now_ms: int) -> list[k.ReviewReassign]:
    """The stale reassignments ``member`` may write (see :func:`may_reassign`)."""
    if state.has_role(member, *REASSIGNERS):
        return stale_assignments(state, now_ms)
    # A learner hands on only their own submissions' assignments: look at those alone
    # (the Reviews screen asks on every visit; a big cohort has thousands of others).
    own = [sub.id for sub in state.submissions.values() if member in sub.authors]
    return stale_assignments(state, now_ms, own)
