"""The open thread on the discussions screen: who started it, its state, its posts with a
post cursor, and my read marker moving as I read.

| Key | Action |
|---|---|
| ] / [ | next / previous post new to me |

The keys act from anywhere on the discussions screen, so the screen declares them
(:data:`BINDINGS`) and runs them through :meth:`ThreadPane.next_new`.
"""

from __future__ import annotations

import contextlib
import time
from typing import cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Static

from cohort_tui.domain import discussions as d
from cohort_tui.domain import op_kinds as k
from cohort_tui.domain import queries as q
from cohort_tui.domain.clock import Clock
from cohort_tui.domain.discussion_index import touched_posts
from cohort_tui.domain.model import Post, Thread
from cohort_tui.domain.queries import handle_of
from cohort_tui.store.recent import Mark
from cohort_tui.ui import palette
from cohort_tui.ui.host import CohortHost
from cohort_tui.ui.read_marks import ReadMarks
from cohort_tui.ui.text import member_line, plain
from cohort_tui.ui.thread_posts import BodyCache, ThreadPosts
from cohort_tui.ui.widgets.post_view import PostView

BINDINGS = [
    Binding(
        "right_square_bracket",
        "unread(1)",
        "Next new",
        show=False,
        id="discussions.next_new",
        tooltip="Next new post",
    ),
    Binding(
        "left_square_bracket",
        "unread(-1)",
        "Prev new",
        show=False,
        id="discussions.prev_new",
        tooltip="Previous new post",
    ),
]
"""The keys of this pane, declared on the discussions screen (see the module doc)."""


class ThreadPane(Vertical):
    """One thread: a line about it and its posts (a Line-API view); empty until opened."""

    DEFAULT_CSS = """
    ThreadPane #thread-meta { height: auto; max-height: 2; padding: 0 1; color: $text-muted; }
    ThreadPane #thread-posts { height: 1fr; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.border_title = "Thread"
        self.open_id: str | None = None
        """The open thread's id."""
        self.source: ThreadPosts | None = None
        """The open thread laid out for the view (None: none open)."""
        self.reads = ReadMarks()
        """How often my read marker may move while posts stream in."""
        self._seen_upto: Clock | None = None
        self._bodies = BodyCache()
        self._thread_mark: Mark | None = None
        self._read_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="thread-meta")
        yield PostView(id="thread-posts")

    @property
    def host(self) -> CohortHost:
        """The app, typed as what widgets may ask of it."""
        return cast(CohortHost, self.app)

    @property
    def thread(self) -> Thread | None:
        """The open thread (None: none, or gone after a refold)."""
        return self.host.replica.state.threads.get(self.open_id or "")

    @property
    def posts(self) -> PostView:
        """The posts view."""
        return self.query_one("#thread-posts", PostView)

    @property
    def highlighted_post(self) -> Post | None:
        """The post under the cursor."""
        return self.host.replica.state.posts.get(self.posts.highlighted_id or "")

    def fill(self) -> None:
        """Draw the open thread from the state: only what new ops changed when it is
        the same thread in the same state, else laid out afresh."""
        host = self.host
        state = host.replica.state
        thread = self.thread
        view = self.posts
        meta = self.query_one("#thread-meta", Static)
        if thread is None:
            self.source = None
            view.show(None)
            meta.update(Text("Pick a thread and press Enter.", style="italic"))
            self.border_title = "Thread"
            return
        self.border_title = member_line(thread.title)  # a str would be parsed as markup
        recent = host.replica.recent
        ops = recent.since(self._thread_mark)
        self._thread_mark = recent.mark()
        source = self.source
        if (
            ops is not None
            and source is not None
            and source.thread is thread
            and source.state is state
            and thread.posts[: len(view.post_ids)] == view.post_ids
        ):
            # The same thread, ops folded in place: lay out only what they changed.
            changed = touched_posts(state, ops, thread.id)
            source.moved_on(state, host.now_ms(), changed)
            view.update(source, changed)
        else:
            # A refold (a new state) lays the thread out afresh: a reader following its
            # end keeps following.
            ids = view.post_ids
            following = bool(ids) and view.cursor == len(ids) - 1 and source is not None
            self.source = ThreadPosts(
                state,
                host.member_id,
                thread,
                host.now_ms(),
                self._bodies,
                seen_upto=self._seen_upto,
            )
            view.show(self.source, cursor_on=thread.posts[-1] if following else None)
            if following:
                view.scroll_end(animate=False, force=True)
        meta.update(self._meta(thread))

    def _meta(self, thread: Thread) -> Text:
        state = self.host.replica.state
        lesson = state.lessons.get(thread.lesson or "")
        text = plain(("started by ", "dim"), member_line("@" + handle_of(state, thread.author)))
        if thread.pinned:
            text.append(" · pinned", style="bold")
        text.append(" · answered" if thread.answer else " · unanswered", style="dim")
        if lesson is not None:
            text.append_text(member_line(f" · lesson: {lesson.title}", "dim italic"))
        if thread.tags:
            text.append_text(member_line(" · " + " ".join("#" + t for t in thread.tags), "dim"))
        new = len(self.source.new_posts()) if self.source else 0
        if new:
            text.append(f" · {new} new (] next)", style=palette.NEW)
        return text

    # -- opening and reading ---------------------------------------------------------

    def open(self, thread: Thread, *, post: str | None = None) -> None:
        """Show ``thread`` at my first new post (or ``post``), focus it, mark it read."""
        state, me = self.host.replica.state, self.host.member_id
        if thread.id != self.open_id:
            self.leave()
            self.source = None  # another thread, or the same one read afresh
            self._seen_upto = state.reads.get(me, {}).get(thread.id)
        self.open_id = thread.id
        self.fill()
        view = self.posts
        target = post or d.first_unread(state, me, thread) or thread.posts[-1]
        self.call_after_refresh(view.select, target)
        view.focus()
        self.mark_read(thread)

    def close(self) -> None:
        """Show no thread (the list no longer has the one shown)."""
        self.open_id = self._seen_upto = None
        self.fill()

    def mark_read(self, thread: Thread, *, leaving: bool = False) -> None:
        """Move my read marker to the thread's newest post: at once when I open it, at
        most once per ``READ_EVERY`` seconds while posts stream in, and when I leave it
        (see ``ui/read_marks.py``)."""
        host = self.host
        state, me = host.replica.state, host.member_id
        newest = state.posts[thread.posts[-1]].clock
        marker = state.reads.get(me, {}).get(thread.id)
        if marker is None or tuple(newest) > tuple(marker):
            now = time.monotonic()
            if not leaving and not self.reads.may_write(thread.id, now):
                if self._read_timer is None:
                    wait = self.reads.wait_left(thread.id, now)
                    self._read_timer = self.set_timer(wait, self._read_due, name="read-marker")
                return
            self.reads.wrote(thread.id, now)
            # Reading one thread lowers the header's unread total by exactly that thread's
            # count: carry the total over instead of recounting every thread.
            total = host.memo_known("unread")
            here = q.unread_count(state, me, thread.id)
            if host.write(k.ThreadRead(thread=thread.id, upto=newest)) and isinstance(total, int):
                host.memo_seed("unread", max(0, total - here))

    def _read_due(self) -> None:
        self._read_timer = None
        thread = self.thread
        if thread is not None and self.screen.is_current:
            self.mark_read(thread)

    def leave(self) -> None:
        """What I read of the open thread is read: write the marker held back."""
        thread = self.thread
        if thread is not None:
            self.mark_read(thread, leaving=True)

    def on_unmount(self) -> None:
        with contextlib.suppress(Exception):  # the app is closing: best effort
            self.leave()

    def next_new(self, step: int) -> None:
        """Move the cursor to the next (``step`` 1) or previous (-1) post new to me."""
        if self.source is None:
            return
        view = self.posts
        new = self.source.new_posts()
        position = {p: i for i, p in enumerate(view.post_ids)}
        here = view.cursor
        ahead = [p for p in new if (position[p] > here if step > 0 else position[p] < here)]
        if not ahead:
            self.notify("No more new posts here." if new else "Nothing new in this thread.")
            return
        view.select(ahead[0] if step > 0 else ahead[-1])
