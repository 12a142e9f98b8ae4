"""Folding a late op in place, when that certainly gives what a refold would.

An op that sorts before what was folded (a remote post that left its writer before my
own read marker was written here) used to refold the whole log: seconds of CPU at 100k
ops, and in a live pod it happens every few seconds, so each pane's CPU grew with the
log. The two kinds a live thread is made of, ``post.create`` and ``thread.read``, commute
with everything folded after them as long as nothing folded after them depended on them
or changed whether they are allowed. :func:`fold_late` checks exactly that, and
otherwise leaves the state untouched and says so, and the caller refolds.

What is checked, for an op at its place in the order:

- its id is new, its data valid, its author was already a member (joined before it);
- its thread existed (the thread's first post sorts before it);
- for a post: its id is not taken, the post it replies to existed in the same thread,
  and no op folded so far was refused for want of a post (it might have wanted this one).

Both kinds pass the role rules with membership alone, and what they change (a post
appended to a thread at its place, counts, read markers taking the max, active days)
is the same whichever order they arrive in.
"""

from __future__ import annotations

import bisect
from typing import cast

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.clock import Clock
from cohort_tui.domain.model import Post, State
from cohort_tui.domain.ops import Op
from cohort_tui.domain.reduce import _count_shown, _mark_active, _read_upto

WANTS_A_POST = frozenset(
    {
        k.PostCreate.KIND,
        k.PostEdit.KIND,
        k.PostReact.KIND,
        k.PostHide.KIND,
        k.ThreadAnswer.KIND,
        k.ThreadCreate.KIND,
    }
)
"""Kinds whose refusal may have been for want of a post a late op brings."""

LATE_BY_AT_MOST_MS = 60_000
"""Ops later than this (offline work) are refolded: the state keeps posts in fold
order, which is time order, and readers that walk the newest posts back in time (the
week's pulse) stop at the first older one; a post a minute late cannot mislead them."""


def _clock(value: Clock | list[object]) -> Clock:
    # A clock decoded from a snapshot may be a list; comparisons need the tuple.
    return value if type(value) is tuple else cast(Clock, tuple(value))


def fold_late(state: State, op: Op) -> bool:
    """Fold ``op``, which sorts before the last folded op, into ``state`` in place.

    Returns False, with ``state`` untouched, when that might differ from a refold.
    """
    if op.id in state.seen or state.last_clock is None:
        return False
    last = _clock(state.last_clock)
    if (op.clock, op.id) >= (last, state.last_id):
        return False  # not late: apply_op folds it
    if last[0] - op.at > LATE_BY_AT_MOST_MS:
        return False
    data = op.data
    if not isinstance(data, k.PostCreate | k.ThreadRead):
        return False
    member = state.members.get(op.author)
    if member is None or member.joined_at >= op.at:
        return False
    thread = state.threads.get(data.thread)
    if thread is None or not thread.posts:
        return False
    first = state.posts.get(thread.posts[0])
    if first is None or _clock(first.clock) >= op.clock:
        return False
    if isinstance(data, k.PostCreate) and not _post_fits(state, op, data):
        return False
    # Everything a fresh fold would do for this op (see reduce.apply_op and the handlers).
    state.seen.add(op.id)
    state.applied += 1
    if isinstance(data, k.PostCreate):
        state.posts[data.post] = Post(
            id=data.post,
            thread=data.thread,
            author=op.author,
            body=data.body,
            created_at=op.at,
            clock=op.clock,
            reply_to=data.reply_to,
        )
        posts = state.posts
        place = bisect.bisect_right(
            thread.posts, op.clock, key=lambda post_id: _clock(posts[post_id].clock)
        )
        thread.posts.insert(place, data.post)
        thread.last_activity = max(thread.last_activity, op.at)
        _count_shown(state, data.thread, op.author, 1)
    _read_upto(
        state, op.author, data.thread, op.clock if isinstance(data, k.PostCreate) else data.upto
    )
    _mark_active(state, op.author, op.at)
    return True


def _post_fits(state: State, op: Op, data: k.PostCreate) -> bool:
    if data.post in state.posts:
        return False
    if data.reply_to is not None:
        quoted = state.posts.get(data.reply_to)
        if quoted is None or quoted.thread != data.thread or _clock(quoted.clock) >= op.clock:
            return False
    return not any(refusal.kind in WANTS_A_POST for refusal in state.refused)
