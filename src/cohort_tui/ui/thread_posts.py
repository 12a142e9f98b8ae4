"""A thread as the post view sees it: sanitised lines, headers, quotes and reactions."""

from __future__ import annotations

from rich.text import Text

from cohort_tui.domain.clock import Clock
from cohort_tui.domain.model import Post, State, Thread
from cohort_tui.domain.queries import handle_of
from cohort_tui.domain.sanitize import clean_line, clean_text
from cohort_tui.ui import palette
from cohort_tui.ui.text import ago, local_time, member_line

STAFF_ROLES = ("facilitator", "mentor")


class BodyCache:
    """Sanitised post bodies split into lines, kept across refreshes (cleaning a long
    body costs more than drawing it)."""

    def __init__(self, limit: int = 50_000) -> None:
        self._lines: dict[tuple[str, int], list[str]] = {}
        self._limit = limit

    def lines(self, post: Post) -> list[str]:
        key = (post.id, len(post.edits))
        found = self._lines.get(key)
        if found is None:
            if len(self._lines) >= self._limit:
                self._lines.clear()
            found = clean_text(post.body.rstrip()).split("\n")
            self._lines[key] = found
        return found


class ThreadPosts:
    """Implements :class:`cohort_tui.ui.widgets.post_view.PostSource` for one thread."""

    def __init__(
        self,
        state: State,
        me: str,
        thread: Thread,
        now: int,
        cache: BodyCache,
        *,
        seen_upto: Clock | None,
    ) -> None:
        self.state = state
        self.me = me
        self.thread = thread
        self.now = now
        self.cache = cache
        self.seen_upto = tuple(seen_upto) if seen_upto is not None else None
        self._new: list[str] = []
        self._counted = 0

    def moved_on(self, state: State, now: int, changed: set[str]) -> None:
        """The same thread in the same state object, after more ops were folded in
        place: posts may have been appended, and ``changed`` posts altered. Keeps what
        was counted of the posts before, unless a changed post was among them."""
        self.state, self.now = state, now
        if changed or self._counted > len(self.thread.posts):
            self._new, self._counted = [], 0

    def post_ids(self) -> list[str]:
        return list(self.thread.posts)

    def _post(self, post_id: str) -> Post:
        return self.state.posts[post_id]

    def handle(self, member_id: str) -> str:
        return handle_of(self.state, member_id)

    def is_new(self, post: Post) -> bool:
        """New to me when I opened the thread (stays marked while I read)."""
        if post.author == self.me or post.hidden is not None:
            return False
        return self.seen_upto is None or tuple(post.clock) > self.seen_upto

    def new_posts(self) -> list[str]:
        """Posts new to me, counted once each: only the posts appended since the last
        call are looked at (a streaming thread of 14,000 posts is not walked per batch)."""
        posts = self.thread.posts
        if self._counted < len(posts):
            tail = posts[self._counted :]
            self._new.extend(p for p in tail if self.is_new(self._post(p)))
            self._counted = len(posts)
        return list(self._new)

    def body_lines(self, post_id: str) -> list[str]:
        post = self._post(post_id)
        if post.hidden is not None:
            who = self.handle(post.hidden.by)
            reason = clean_line(post.hidden.reason) or "no reason given"
            return [f"[hidden by @{clean_line(who)}: {reason}]"]
        return self.cache.lines(post)

    def is_markdown(self, post_id: str) -> bool:
        return self._post(post_id).hidden is None

    def shape(self, post_id: str) -> tuple[bool, bool]:
        post = self._post(post_id)
        if post.hidden is not None:
            return False, False
        return post.reply_to is not None, any(post.reactions.values())

    def header(self, post_id: str) -> Text:
        post = self._post(post_id)
        text = member_line("@" + self.handle(post.author), "bold")
        member = self.state.members.get(post.author)
        staff = [r for r in (member.roles if member else []) if r in STAFF_ROLES]
        if staff:
            text.append(f" ({staff[0]})", style="italic")
        relative = ago(post.created_at, self.now)
        exact = local_time(post.created_at, "%d %b %H:%M")
        # Past a week "ago" is the date itself: say it once ("22 Nov 11:00").
        when = exact if exact.startswith(relative) else f"{relative} · {exact}"
        text.append(f" · {when}", style="dim")
        if post.edits:
            times = "once" if len(post.edits) == 1 else f"{len(post.edits)}×"
            text.append(f" · edited {times} (h: history)", style="dim")
        if post_id == self.thread.answer:
            text.append(" · ✓ accepted answer", style=palette.OK_STRONG)
        if self.is_new(post):
            text.append(" · new", style=palette.NEW)
        return text

    def quote(self, post_id: str) -> Text | None:
        post = self._post(post_id)
        if post.reply_to is None:
            return None
        quoted = self.state.posts.get(post.reply_to)
        text = Text("↪ ", style="dim")
        if quoted is None:
            text.append("a post not synced yet", style="dim italic")
        elif quoted.hidden is not None:
            text.append("a hidden post", style="dim italic")
        else:
            first = next((ln for ln in self.cache.lines(quoted) if ln.strip()), "")
            text.append_text(member_line(f"@{self.handle(quoted.author)}: {first}", "dim italic"))
        return text

    def footer(self, post_id: str) -> Text | None:
        post = self._post(post_id)
        if not any(post.reactions.values()):
            return None
        text = Text(end="")
        for emoji, who in sorted(post.reactions.items()):
            if not who:
                continue
            mine = self.me in who
            text.append_text(member_line(emoji, "bold" if mine else ""))
            text.append(
                f" {len(who)}{' (you)' if mine else ''}   ", style="bold" if mine else "dim"
            )
        return text

    def history(self, post_id: str) -> Text:
        """Every earlier version of a post, oldest first, then the current one."""
        post = self._post(post_id)
        text = Text(end="")
        versions = [(edit.at, edit.body) for edit in post.edits]
        for number, (at, body) in enumerate(versions, start=1):
            text.append(f"Version {number} (replaced {local_time(at)})\n", style="bold")
            text.append(clean_text(body.rstrip()) + "\n\n")
        text.append("Now\n", style="bold")
        text.append(clean_text(post.body.rstrip()))
        return text
