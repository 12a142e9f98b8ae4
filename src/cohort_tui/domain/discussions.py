"""Discussion rules and views that are not a single query: filters, permissions,
reply quoting, mention completion and the search index."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from cohort_tui.domain import queries as q
from cohort_tui.domain.model import Post, State, Thread
from cohort_tui.domain.permissions import MODERATORS, STAFF
from cohort_tui.domain.pods import may_see_pod, may_see_thread

# -- filters ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThreadFilter:
    """Which threads the list shows. ``kind`` is one of :data:`FILTER_KINDS`; ``value``
    carries the lesson id or the tag for those kinds."""

    kind: str = "all"
    value: str = ""

    def label(self, state: State) -> str:
        if self.kind == "lesson":
            lesson = state.lessons.get(self.value)
            return f"lesson: {lesson.title if lesson else self.value}"
        if self.kind == "tag":
            return f"#{self.value}"
        if self.kind == "pod":
            pod = state.pods.get(self.value)
            closed = "" if pod is None or pod.active else " (closed)"
            return f"pod channel: {pod.name if pod else self.value}{closed}"
        return FILTER_KINDS[self.kind]


FILTER_KINDS: dict[str, str] = {
    "all": "all threads",
    "unread": "unread",
    "mine": "mine (started or posted in)",
    "mentions": "mentions me",
    "unanswered": "unanswered",
    "lesson": "a lesson",
    "tag": "a tag",
    "pod": "a pod channel",
}


def filter_choices(state: State, me: str = "") -> list[ThreadFilter]:
    """Every filter worth offering: the fixed ones, then the pod channels ``me`` may
    see (current pods first), then lessons and tags in use."""
    fixed = [ThreadFilter(kind) for kind in FILTER_KINDS if kind not in ("lesson", "tag", "pod")]
    pods = sorted(
        (p for p in state.pods.values() if may_see_pod(state, me, p)),
        key=lambda p: (not p.active, p.name.casefold(), p.id),
    )
    fixed += [ThreadFilter("pod", pod.id) for pod in pods]
    lessons = {t.lesson for t in state.threads.values() if t.lesson in state.lessons}
    ordered = [lesson.id for lesson in q.ordered_lessons(state) if lesson.id in lessons]
    tags = sorted({tag for t in state.threads.values() for tag in t.tags})
    return (
        fixed
        + [ThreadFilter("lesson", lesson) for lesson in ordered]
        + [ThreadFilter("tag", tag) for tag in tags]
    )


def matches(state: State, me: str, thread: Thread, chosen: ThreadFilter) -> bool:
    """Whether ``thread`` passes the filter for member ``me`` (a pod thread only for those
    who may see its pod's channel)."""
    if thread.pod is not None and not may_see_thread(state, me, thread):
        return False
    kind = chosen.kind
    if kind == "all":
        return True
    if kind == "pod":
        return thread.pod == chosen.value
    if kind == "unread":
        return q.unread_count(state, me, thread.id) > 0
    if kind == "mine":
        return thread.author == me or any(state.posts[p].author == me for p in thread.posts)
    if kind == "mentions":
        member = state.members.get(me)
        if member is None:
            return False
        pattern = q.mention_pattern(member.handle)
        needle = "@" + member.handle.lower()
        return any(
            needle in (post := state.posts[p]).body.lower()
            and post.hidden is None
            and post.author != me
            and pattern.search(post.body) is not None
            for p in thread.posts
        )
    if kind == "unanswered":
        return thread.answer is None
    if kind == "lesson":
        return thread.lesson == chosen.value
    if kind == "tag":
        return chosen.value in thread.tags
    return True


def ordered_threads(state: State, me: str | None = None) -> list[Thread]:
    """Pinned first, then the most recently active; with ``me``, only the threads that
    member's screens show (pod channels are for their members and staff)."""
    threads: Iterable[Thread] = state.threads.values()
    if me is not None and state.pods:
        threads = [t for t in threads if t.pod is None or may_see_thread(state, me, t)]
    return sorted(threads, key=lambda t: (not t.pinned, -t.last_activity, t.id))


# -- who may do what: the roles of the fold's rules (permissions), to decide what to offer --


def can_accept(state: State, me: str, thread: Thread) -> bool:
    """Whether I may mark an answer in ``thread`` (ThreadAnswer's rule)."""
    return thread.author == me or state.has_role(me, *MODERATORS)


def can_pin(state: State, me: str) -> bool:
    """Whether I may pin threads (ThreadPin's rule)."""
    return state.has_role(me, *STAFF)


def can_hide(state: State, me: str, post: Post) -> bool:
    """Whether I may hide ``post`` (PostHide's rule)."""
    return post.author == me or state.has_role(me, *MODERATORS)


def can_edit(me: str, post: Post) -> bool:
    """Whether I may edit ``post`` (PostEdit's rule: its author), while it is shown."""
    return post.author == me and post.hidden is None


# -- reading ------------------------------------------------------------------------------


def first_unread(state: State, me: str, thread: Thread) -> str | None:
    """The first post by someone else that is newer than my read marker."""
    marker = state.reads.get(me, {}).get(thread.id)
    for post_id in thread.posts:
        post = state.posts[post_id]
        if post.author == me or post.hidden is not None:
            continue
        if marker is None or tuple(post.clock) > tuple(marker):
            return post_id
    return None


def is_unread(state: State, me: str, post: Post) -> bool:
    marker = state.reads.get(me, {}).get(post.thread)
    return (
        post.author != me
        and post.hidden is None
        and (marker is None or tuple(post.clock) > tuple(marker))
    )


def quote_body(state: State, post: Post, *, max_lines: int = 6) -> str:
    """The start of a quote-reply: ``> @handle wrote:`` and the post's first lines."""
    author = state.members.get(post.author)
    handle = author.handle if author else post.author
    lines = [line for line in post.body.strip().splitlines() if not line.startswith(">")]
    shown = lines[:max_lines] + (["…"] if len(lines) > max_lines else [])
    return "\n".join([f"> @{handle} wrote:", *(f"> {line}" for line in shown)]) + "\n\n"


# -- mentions -----------------------------------------------------------------------------

_MENTION_TAIL = re.compile(r"(?<![\w@])@([\w-]*)$")


def mention_prefix(text_before_cursor: str) -> str | None:
    """The partial handle being typed right before the cursor (``@li`` -> ``li``)."""
    found = _MENTION_TAIL.search(text_before_cursor[-64:])
    return found.group(1) if found else None


def mention_candidates(state: State, prefix: str, *, me: str = "", limit: int = 6) -> list[str]:
    """Handles from the roster starting with ``prefix`` (case-insensitive), me last."""
    wanted = prefix.lower()
    handles = sorted(
        (m.handle for m in state.members.values() if m.handle.lower().startswith(wanted)),
        key=lambda h: (state.members.get(me) is not None and h == state.members[me].handle, h),
    )
    return handles[:limit]


# -- search -------------------------------------------------------------------------------


class SearchIndex:
    """Every thread's searchable text (title, tags, visible posts), lowercased, one string
    per thread, so a query is a C-speed substring scan: 50k posts in a few milliseconds.

    Every word of the query must occur somewhere in a thread; words match anywhere
    (``pathl`` finds pathlib). The index follows the state: :meth:`sync` rebuilds only the
    threads whose posts, edits, hiding, title or tags changed, and does nothing while the
    state has not changed at all.
    """

    def __init__(self) -> None:
        self._key: tuple[int, int] = (0, -1)
        self._text: dict[str, str] = {}
        self._signature: dict[str, tuple[object, ...]] = {}

    def sync(self, state: State) -> None:
        key = (id(state), state.applied)
        if key == self._key:
            return
        if key[0] != self._key[0]:
            self._text.clear()
            self._signature.clear()
        self._key = key
        posts = state.posts
        text, signatures = self._text, self._signature
        for thread in state.threads.values():
            members = [posts[p] for p in thread.posts]
            signature = (
                thread.title,
                tuple(thread.tags),
                len(members),
                sum(len(post.edits) for post in members),
                sum(post.hidden is not None for post in members),
            )
            if signatures.get(thread.id) == signature:
                continue
            signatures[thread.id] = signature
            parts = [thread.title, " ".join(thread.tags)]
            parts += [post.body for post in members if post.hidden is None]
            text[thread.id] = "\n".join(parts).casefold()
        if len(text) > len(state.threads):  # threads do not disappear, but stay exact
            for gone in set(text) - set(state.threads):
                del text[gone]
                del signatures[gone]

    def search(self, state: State, query: str) -> set[str]:
        """Ids of threads containing every word of ``query`` (all threads if it has none)."""
        self.sync(state)
        wanted = sorted(set(query.casefold().split()), key=len, reverse=True)
        if not wanted:
            return set(state.threads)
        found = [thread for thread, text in self._text.items() if wanted[0] in text]
        for word in wanted[1:]:
            found = [thread for thread in found if word in self._text[thread]]
        return set(found)
