"""The thread list's order, kept current op by op instead of sorted again per batch.

The list shows pinned threads first, then the most recently active
(:func:`cohort_tui.domain.discussions.ordered_threads`). Sorting 2,000 threads after
every batch of posts made a batch cost more the bigger the cohort; only the threads an
op touched can move, so :class:`ThreadOrder` moves just those.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.model import State, Thread
from cohort_tui.domain.ops import Op

SortKey = tuple[bool, int, str]

THREAD_KINDS = (
    k.ThreadCreate,
    k.PostCreate,
    k.ThreadPin,
    k.ThreadUpdate,
    k.ThreadRead,
    k.ThreadAnswer,
)
"""Kinds whose data names the thread they change."""


def _key(thread: Thread) -> SortKey:
    return (not thread.pinned, -thread.last_activity, thread.id)


def touched_threads(state: State, ops: Iterable[Op]) -> set[str]:
    """The threads whose place in the list, replies or unread counts ``ops`` may change."""
    found: set[str] = set()
    for op in ops:
        data = op.data
        if isinstance(data, THREAD_KINDS):
            found.add(data.thread)
        elif isinstance(data, k.PostHide | k.PostEdit | k.PostReact):
            post = state.posts.get(data.post)
            if post is not None:
                found.add(post.thread)
    return found


def touched_posts(state: State, ops: Iterable[Op], thread: str) -> set[str]:
    """Posts of ``thread`` that ``ops`` edited, hid, showed or reacted to (how a post is
    laid out); new posts are not counted: they are appended."""
    found: set[str] = set()
    for op in ops:
        data = op.data
        if isinstance(data, k.PostHide | k.PostEdit | k.PostReact):
            post = state.posts.get(data.post)
            if post is not None and post.thread == thread:
                found.add(data.post)
    return found


class ThreadOrder:
    """Every thread's id in the list's order."""

    def __init__(self, state: State) -> None:
        self._keys: list[SortKey] = sorted(_key(t) for t in state.threads.values())
        self._by_thread: dict[str, SortKey] = {key[2]: key for key in self._keys}

    def catch_up(self, state: State, ops: Iterable[Op]) -> None:
        """Move the threads ``ops`` touched to their places."""
        keys, by_thread = self._keys, self._by_thread
        for thread_id in touched_threads(state, ops):
            thread = state.threads.get(thread_id)
            old = by_thread.get(thread_id)
            new = _key(thread) if thread is not None else None
            if old == new:
                continue
            if old is not None:
                del keys[bisect.bisect_left(keys, old)]
                del by_thread[thread_id]
            if new is not None:
                bisect.insort(keys, new)
                by_thread[thread_id] = new

    def ids(self) -> list[str]:
        """Thread ids, pinned first, then the most recently active."""
        return [key[2] for key in self._keys]
