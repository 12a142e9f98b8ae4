"""Figures Home and the header show, kept current op by op.

Home and every screen's header counted unread posts over every thread, scanned every
post for mentions, and recomputed the cohort's median progress, the review queue and
the week's pulse after every batch of posts: at 100k ops that was most of a batch's
cost, and it grew with the cohort. :class:`Derived` computes them once from the state,
then follows the ops folded since (:meth:`catch_up`): a thread's unread count is counted
again only when an op touched that thread, and the figures no discussion op can change
(progress, reviews, milestones) are kept while only discussion ops arrive.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

import msgspec

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain import queries as q
from cohort_tui.domain.discussion_index import touched_threads
from cohort_tui.domain.model import DAY_MS, State
from cohort_tui.domain.ops import Op
from cohort_tui.domain.today import Today, today

DISCUSSION_KINDS = frozenset(
    {
        k.ThreadCreate.KIND,
        k.ThreadUpdate.KIND,
        k.PostCreate.KIND,
        k.PostEdit.KIND,
        k.PostReact.KIND,
        k.PostHide.KIND,
        k.ThreadRead.KIND,
        k.ThreadPin.KIND,
        k.ThreadAnswer.KIND,
    }
)
"""Kinds that change only threads and posts: the rest of Today is kept while they come."""

MINUTE_MS = 60_000
"""Due dates and sessions are looked at again at least once a minute."""


class Derived:
    """Unread counts, mentions and Today for one member, following one state.

    Args:
        state: The folded state (read, never changed).
        member: The acting member.
    """

    def __init__(self, state: State, member: str) -> None:
        self.member = member
        """Whose figures these are."""
        self._counts: dict[str, int] = {}
        self._order: list[tuple[int, str]] = []  # (-last activity, thread) of unread ones
        self._placed: dict[str, tuple[int, str]] = {}
        # unread_threads: (thread, count) in the order of _order, kept in step with it so
        # a batch of posts does not list every unread thread again (1,900 at 100k ops).
        self._listed: list[tuple[str, int]] = []
        counts, placed = self._counts, self._placed
        for thread, count in q.unread_counts(state, member):
            placed[thread.id] = (-thread.last_activity, thread.id)
            counts[thread.id] = count
        self._order = sorted(placed.values())  # one sort, not an insort per thread
        self._listed = [(thread_id, counts[thread_id]) for _, thread_id in self._order]
        self._total = sum(counts.values())
        self._mentions: list[str] = []
        self._mentioned: set[str] = set()
        self._needle = ""
        self._post_times: list[int] = []
        self._find_mentions(state, times=self._post_times)
        self._post_times.sort()  # nearly sorted already (fold order is time order)
        self._kept: Today | None = None
        self._kept_minute = -1

    # -- following the state -----------------------------------------------------------

    def catch_up(self, state: State, ops: Iterable[Op]) -> None:
        """Take in ``ops``, folded into ``state`` in place since the last call."""
        ops = list(ops)
        for thread_id in touched_threads(state, ops):
            self._recount(state, thread_id)
        for op in ops:
            data = op.data
            if op.kind not in DISCUSSION_KINDS:
                self._kept = None
            if isinstance(data, k.PostCreate | k.ThreadCreate):
                post = state.posts.get(data.post)
                if post is not None and tuple(post.clock) == op.clock:  # made by this op
                    self._note_mention(post.id, post.body)
                    bisect.insort(self._post_times, post.created_at)
            elif isinstance(data, k.PostEdit):
                post = state.posts.get(data.post)
                if post is not None:
                    self._note_mention(post.id, post.body)
            elif isinstance(data, k.MemberAdd | k.MemberUpdate | k.MemberRoles):
                self._find_mentions(state)  # my handle may have changed

    def _recount(self, state: State, thread_id: str) -> None:
        thread = state.threads.get(thread_id)
        count = q.unread_count(state, self.member, thread_id) if thread is not None else 0
        old = self._placed.pop(thread_id, None)
        if old is not None:
            at = bisect.bisect_left(self._order, old)
            del self._order[at]
            del self._listed[at]
        self._total -= self._counts.pop(thread_id, 0)
        if count and thread is not None:
            place = (-thread.last_activity, thread_id)
            at = bisect.bisect_left(self._order, place)
            self._order.insert(at, place)
            self._listed.insert(at, (thread_id, count))
            self._placed[thread_id] = place
            self._counts[thread_id] = count
            self._total += count

    def _find_mentions(self, state: State, times: list[int] | None = None) -> None:
        """Look for my handle in every post; with ``times``, also collect every post's
        creation time there (one walk over 20k posts at 100k ops instead of two: a
        start-up reads each post from memory it has not touched since it was loaded)."""
        me = state.members.get(self.member)
        needle = "@" + me.handle.lower() if me is not None else ""
        if needle == self._needle and self._mentions and times is None:
            return
        self._needle, self._mentions, self._mentioned = needle, [], set()
        note = self._note_mention if needle else None
        append = times.append if times is not None else None
        for post in state.posts.values():
            if append is not None:
                append(post.created_at)
            if note is not None and "@" in post.body:  # most have none: no call for them
                note(post.id, post.body)

    def _note_mention(self, post_id: str, body: str) -> None:
        # A cheap filter here; the exact rule (a whole-word @handle, not mine, not
        # hidden, not read) is applied when asked, to the few posts that pass it. Most
        # posts have no "@" at all, and lowering every body was most of opening Home at
        # 100k ops ("@" is ASCII: no other character lowers to it).
        if (
            self._needle
            and "@" in body
            and post_id not in self._mentioned
            and self._needle in body.lower()
        ):
            self._mentioned.add(post_id)
            self._mentions.append(post_id)

    # -- figures -------------------------------------------------------------------------

    def unread_threads(self) -> list[tuple[str, int]]:
        """``(thread id, unread)`` for threads with unread posts, newest activity first."""
        return list(self._listed)

    def unread_total(self) -> int:
        """Unread posts over every thread (kept as counts change, not summed per ask)."""
        return self._total

    def mentions(self, state: State) -> list[str]:
        """Unread posts that mention me (see :func:`queries.unread_mentions`)."""
        me = state.members.get(self.member)
        if me is None:
            return []
        pattern = q.mention_pattern(me.handle)
        marks = state.reads.get(self.member, {})
        found = []
        for post_id in self._mentions:
            post = state.posts.get(post_id)
            if post is None or post.author == self.member or post.hidden is not None:
                continue
            marker = marks.get(post.thread)
            if marker is not None and tuple(post.clock) <= tuple(marker):
                continue
            if pattern.search(post.body):
                found.append(post_id)
        return found

    def posts_since(self, at: int) -> int:
        """Posts created at or after ``at`` (epoch ms)."""
        return len(self._post_times) - bisect.bisect_left(self._post_times, at)

    def today(self, state: State, now: int) -> Today:
        """:func:`today.today`, with the parts only other ops change kept between calls."""
        minute = now // MINUTE_MS
        if self._kept is None or minute != self._kept_minute:
            self._kept = today(state, self.member, now, unread=[], mentions=[])
            self._kept_minute = minute
        kept = self._kept
        week_ago = now - 7 * DAY_MS
        first_day = week_ago // DAY_MS
        active = sum(1 for days in state.active_days.values() if days and days[-1] >= first_day)
        pulse = msgspec.structs.replace(
            kept.pulse,
            active_members=active,
            members=len(state.members),
            posts_this_week=self.posts_since(week_ago),
        )
        return msgspec.structs.replace(
            kept,
            unread=self.unread_threads(),
            unread_total=self._total,
            mentions=self.mentions(state),
            streak=q.streak_days(state, self.member, now),
            pulse=pulse,
        )

    def reviews_waiting(self, state: State, now: int) -> int:
        """How many reviews wait on me (kept with the rest of Today)."""
        return len(self.today(state, now).reviews_waiting)
