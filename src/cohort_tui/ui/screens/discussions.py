"""Discussions: the thread list (filters, search) and the open thread (read, write)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from functools import partial
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Input, Static

from cohort_tui.domain import discussions as d
from cohort_tui.domain import op_kinds as k
from cohort_tui.domain import queries as q
from cohort_tui.domain.clock import Clock, new_id
from cohort_tui.domain.discussion_index import ThreadOrder, touched_posts
from cohort_tui.domain.model import Post, Thread
from cohort_tui.domain.pods import may_post_in_pod, may_see_thread
from cohort_tui.domain.queries import handle_of
from cohort_tui.domain.sanitize import clean_line
from cohort_tui.store.drafts import Drafts
from cohort_tui.store.recent import Mark
from cohort_tui.ui import palette
from cohort_tui.ui.read_marks import ReadMarks
from cohort_tui.ui.screens.base import CohortScreen
from cohort_tui.ui.screens.compose import ComposeScreen, ComposeSetup, Draft
from cohort_tui.ui.screens.dialogs import ChoiceScreen, PromptScreen, TextScreen
from cohort_tui.ui.screens.faq import FaqScreen  # imported here so idle warm-up parses its CSS
from cohort_tui.ui.text import ago, member_line, plain
from cohort_tui.ui.thread_posts import BodyCache, ThreadPosts
from cohort_tui.ui.widgets.cohort_footer import CohortFooter
from cohort_tui.ui.widgets.cohort_header import CohortHeader
from cohort_tui.ui.widgets.post_view import PostView
from cohort_tui.ui.widgets.row_list import Row, RowList

REACTIONS: list[tuple[str, str]] = [
    ("👍", "agree / +1"),
    ("🎉", "congrats"),
    ("❤️", "thanks"),
    ("👀", "looking into it"),
    ("🤔", "not sure"),
    ("✅", "works for me"),
]
TITLE_ROOM = 14
"""Columns a thread's title keeps in the list before replies, activity, author, lesson
and tags are left out (in that order, from the last)."""


def _column(text: Text, width: int) -> Text:
    """``text`` left-aligned in a column ``width`` wide, after two spaces."""
    cell = Text("  ", end="")
    text.align("left", width - 2)
    cell.append_text(text)
    return cell


def _binding(key: str, action: str, label: str, name: str, tip: str, show: bool = True) -> Binding:
    return Binding(key, action, label, show=show, id=f"discussions.{name}", tooltip=tip)


class DiscussionsScreen(CohortScreen):
    """Threads on the left, the open thread on the right."""

    TITLE_TEXT = "Discussions"
    AUTO_FOCUS = "#thread-list"
    DEFAULT_CSS = """
    DiscussionsScreen #disc-body { height: 1fr; }
    DiscussionsScreen #disc-left { width: 1fr; min-width: 30; }
    DiscussionsScreen #thread-list { height: 1fr; }
    DiscussionsScreen #thread-search { height: 3; }
    DiscussionsScreen #disc-right { width: 1fr; }
    DiscussionsScreen #thread-meta {
        height: auto; max-height: 2; padding: 0 1; color: $text-muted;
    }
    DiscussionsScreen #thread-posts { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        _binding("n", "new_thread", "New", "new", "Start a new thread"),
        _binding("r", "reply", "Reply", "reply", "Reply in the open thread"),
        _binding(
            "greater_than_sign",
            "quote_reply",
            "Quote",
            "quote",
            "Reply quoting the highlighted post",
        ),
        _binding("plus", "react", "React", "react", "React to the highlighted post"),
        _binding("f", "filter", "Filter", "filter", "Show unread, mine, mentions, a lesson, a tag"),
        _binding("slash", "search", "Search", "search", "Search thread titles and posts"),
        _binding("u", "toggle_unread", "Unread", "unread", "Only threads new to me", False),
        _binding(
            "escape", "close_search", "Back", "back", "Close the search, back to the list", False
        ),
        _binding("F", "faq", "FAQ", "faq", "Answered questions by lesson, searchable", False),
        _binding("e", "edit", "Edit", "edit", "Edit my highlighted post", False),
        _binding("h", "history", "History", "history", "Earlier versions of an edited post", False),
        _binding(
            "a", "accept", "Accept", "accept", "Mark the highlighted post as the answer", False
        ),
        _binding("p", "pin", "Pin", "pin", "Pin or unpin the thread (facilitator)", False),
        _binding("x", "hide", "Hide", "hide", "Hide (or show) the highlighted post", False),
        _binding(
            "right_square_bracket", "unread(1)", "Next new", "next_new", "Next new post", False
        ),
        _binding(
            "left_square_bracket", "unread(-1)", "Prev new", "prev_new", "Previous new post", False
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._query = ""
        self._filter = d.ThreadFilter()
        self._open: str | None = None
        self._seen_upto: Clock | None = None
        self._bodies = BodyCache()
        self._index = d.SearchIndex()
        self._source: ThreadPosts | None = None
        self._listed: list[str] = []
        self._reads = ReadMarks()
        self._order: ThreadOrder | None = None
        self._order_mark: Mark | None = None
        self._thread_mark: Mark | None = None
        self._read_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield CohortHeader()
        with Horizontal(id="disc-body"):
            with Vertical(id="disc-left", classes="panel") as left:
                left.border_title = "Threads"
                search = Input(placeholder="search titles and posts", id="thread-search")
                search.display = False
                yield search
                yield RowList(id="thread-list")
            with Vertical(id="disc-right", classes="panel") as right:
                right.border_title = "Thread"
                yield Static(id="thread-meta")
                yield PostView(id="thread-posts")
        yield CohortFooter()

    @property
    def drafts(self) -> Drafts:
        return Drafts(self.cohort_app.replica.root, self.me)

    # -- state -> view -------------------------------------------------------------

    def refresh_view(self) -> None:
        thread = self.state.threads.get(self._open or "")
        if thread is not None and self.is_current:
            self._mark_read(thread)  # new posts in the thread I am reading are read
        self.fill_header()
        self._fill_list()
        self._fill_thread()

    def _ordered_ids(self) -> list[str]:
        """Every thread id in the list's order, moved op by op (see discussion_index)."""
        recent = self.cohort_app.replica.recent
        ops = recent.since(self._order_mark)
        if ops is None or self._order is None:
            self._order = ThreadOrder(self.state)
        else:
            self._order.catch_up(self.state, ops)
        self._order_mark = recent.mark()
        return self._order.ids()

    def _visible_threads(self) -> list[Thread]:
        state = self.state
        threads = [state.threads[thread_id] for thread_id in self._ordered_ids()]
        if state.pods:  # pod channels are for their members and staff
            threads = [t for t in threads if t.pod is None or may_see_thread(state, self.me, t)]
        if self._query.strip():
            found = self._index.search(state, self._query)
            threads = [t for t in threads if t.id in found]
        if self._filter.kind != "all":
            threads = [t for t in threads if d.matches(state, self.me, t, self._filter)]
        return threads

    def _row_text(self, thread_id: str) -> Callable[[int], Text]:
        """A thread's row for a width, built only when it is drawn (20k threads open
        instantly): the title first, then as many of replies, last activity, author,
        lesson and tags as leave the title :data:`TITLE_ROOM` columns.

        It looks the thread up by id when drawn: a refold brings a new state with new
        thread objects, and a row holding the old one showed its reply count frozen.
        """

        def build(width: int) -> Text:
            state = self.state
            thread = state.threads.get(thread_id)
            if thread is None:  # gone after a refold; the next fill drops the row
                return Text("")
            unread = q.unread_count(state, self.me, thread.id)
            lesson = state.lessons.get(thread.lesson or "")
            marks = ("⚑" if thread.pinned else " ") + ("✓" if thread.answer else " ")
            replies = len(thread.posts) - 1
            head = plain(
                (marks, palette.OK if thread.answer else ""),
                (f"{'●' + str(unread):>4} " if unread else "     ", palette.NEW),
            )
            active = ago(thread.last_activity, self.now()).removesuffix(" ago")
            # Fixed widths, so the columns line up from row to row.
            columns: list[Text] = [
                plain((f"{'↩' + str(replies):>5}", "dim")),  # the arrow reads without colour
                plain((f"{active:>8}", "dim")),
                _column(
                    member_line("@" + handle_of(self.state, thread.author), "dim", limit=12), 14
                ),
                _column(member_line(lesson.title if lesson else "", "dim italic", limit=22), 24),
            ]
            if thread.tags:
                columns.append(member_line(" " + " ".join("#" + t for t in thread.tags), "dim"))
            title = member_line(thread.title, "bold" if unread else "")
            if thread.pod:  # a pod channel's thread; in the title, so the columns line up
                title = plain(("⌂ ", "italic"), title)
            room = width - head.cell_len
            shown: list[Text] = []
            for column in columns:  # in priority order: stop at the first that does not fit
                used = sum(c.cell_len for c in shown) + column.cell_len
                if room - used < min(TITLE_ROOM, title.cell_len):
                    break
                shown.append(column)
            title_width = max(1, room - sum(c.cell_len for c in shown))
            title.truncate(title_width, overflow="ellipsis", pad=True)  # columns line up
            return plain(head, title, *shown)

        return build

    def _fill_list(self) -> None:
        listing = self.query_one("#thread-list", RowList)
        threads = self._visible_threads()
        ids = [t.id for t in threads]
        if ids and ids == self._listed:
            listing.redraw()  # same threads in the same order: only counts and times moved
        else:
            self._listed = ids
            rows = [
                Row(t.id, partial(self._row_text(t.id), 200), fit=self._row_text(t.id))
                for t in threads
            ]
            if not rows:
                narrowed = self._query or self._filter.kind != "all"
                message = (
                    "No thread matches." if narrowed else "No threads yet: press n to start one."
                )
                rows.append(Row("none", Text(message, style="italic"), selectable=False))
            listing.set_rows(rows, keep=self._open)
        left = self.query_one("#disc-left")
        if self._filter.kind != "all":
            # The filter is part of the title: a list narrowed to a lesson or to unread
            # threads must not pass for all of them.
            label = clean_line(self._filter.label(self.state))
            total = len(self.state.threads)
            left.border_title = Text(f"Threads: {label} ({len(ids)} of {total})")
        else:
            left.border_title = Text(f"Threads ({len(ids)})")
        query = f"“{clean_line(self._query)}”" if self._query else ""
        left.border_subtitle = Text(query)  # never markup

    def _fill_thread(self) -> None:
        thread = self.state.threads.get(self._open or "")
        view = self.query_one("#thread-posts", PostView)
        meta = self.query_one("#thread-meta", Static)
        right = self.query_one("#disc-right")
        if thread is None:
            self._source = None
            view.show(None)
            meta.update(Text("Pick a thread and press Enter.", style="italic"))
            right.border_title = "Thread"
            return
        right.border_title = member_line(thread.title)  # a str would be parsed as markup
        recent = self.cohort_app.replica.recent
        ops = recent.since(self._thread_mark)
        self._thread_mark = recent.mark()
        source = self._source
        if (
            ops is not None
            and source is not None
            and source.thread is thread
            and source.state is self.state
            and thread.posts[: len(view.post_ids)] == view.post_ids
        ):
            # The same thread, ops folded in place: lay out only what they changed.
            changed = touched_posts(self.state, ops, thread.id)
            source.moved_on(self.state, self.now(), changed)
            view.update(source, changed)
        else:
            # A refold (a new state) lays the thread out afresh: a reader following its
            # end keeps following.
            ids = view.post_ids
            following = bool(ids) and view.cursor == len(ids) - 1 and source is not None
            self._source = ThreadPosts(
                self.state, self.me, thread, self.now(), self._bodies, seen_upto=self._seen_upto
            )
            view.show(self._source, cursor_on=thread.posts[-1] if following else None)
            if following:
                view.scroll_end(animate=False, force=True)
        meta.update(self._meta(thread))

    def _meta(self, thread: Thread) -> Text:
        lesson = self.state.lessons.get(thread.lesson or "")
        text = plain(
            ("started by ", "dim"), member_line("@" + handle_of(self.state, thread.author))
        )
        if thread.pinned:
            text.append(" · pinned", style="bold")
        text.append(" · answered" if thread.answer else " · unanswered", style="dim")
        if lesson is not None:
            text.append_text(member_line(f" · lesson: {lesson.title}", "dim italic"))
        if thread.tags:
            text.append_text(member_line(" · " + " ".join("#" + t for t in thread.tags), "dim"))
        new = len(self._source.new_posts()) if self._source else 0
        if new:
            text.append(f" · {new} new (] next)", style=palette.NEW)
        return text

    # -- opening and reading ---------------------------------------------------------

    @on(RowList.Selected, "#thread-list")
    def _selected(self, event: RowList.Selected) -> None:
        self.open_thread(event.row_id)

    def open_thread(self, thread_id: str, *, post: str | None = None) -> None:
        """Show a thread at my first new post (or ``post``) and mark it read."""
        thread = self.state.threads.get(thread_id)
        if thread is None:
            self.notify("No such thread.", severity="warning")
            return
        if thread.pod is not None and not may_see_thread(self.state, self.me, thread):
            self.notify("That thread is in another pod's channel.", severity="warning")
            return
        if thread_id != self._open:
            self._leave_thread()
            self._source = None  # another thread, or the same one read afresh
            self._seen_upto = self.state.reads.get(self.me, {}).get(thread_id)
        self._open = thread_id
        self.query_one("#thread-list", RowList).highlight(thread_id)
        self._fill_thread()
        view = self.query_one("#thread-posts", PostView)
        target = post or d.first_unread(self.state, self.me, thread) or thread.posts[-1]
        self.call_after_refresh(view.select, target)
        view.focus()
        self._mark_read(thread)

    def _mark_read(self, thread: Thread, *, leaving: bool = False) -> None:
        """Move my read marker to the thread's newest post: at once when I open it, at
        most once per ``READ_EVERY`` seconds while posts stream in, and when I leave it
        (see ``ui/read_marks.py``)."""
        newest = self.state.posts[thread.posts[-1]].clock
        marker = self.state.reads.get(self.me, {}).get(thread.id)
        if marker is None or tuple(newest) > tuple(marker):
            now = time.monotonic()
            if not leaving and not self._reads.may_write(thread.id, now):
                if self._read_timer is None:
                    wait = self._reads.wait_left(thread.id, now)
                    self._read_timer = self.set_timer(wait, self._read_due, name="read-marker")
                return
            self._reads.wrote(thread.id, now)
            # Reading one thread lowers the header's unread total by exactly that thread's
            # count: carry the total over instead of recounting every thread.
            total = self.cohort_app.memo_known("unread")
            here = q.unread_count(self.state, self.me, thread.id)
            if self.write(k.ThreadRead(thread=thread.id, upto=newest)) and isinstance(total, int):
                self.cohort_app.memo_seed("unread", max(0, total - here))

    def _read_due(self) -> None:
        self._read_timer = None
        thread = self.state.threads.get(self._open or "")
        if thread is not None and self.is_current:
            self._mark_read(thread)

    def _leave_thread(self) -> None:
        """What I read of the open thread is read: write the marker held back."""
        thread = self.state.threads.get(self._open or "")
        if thread is not None:
            self._mark_read(thread, leaving=True)

    def on_screen_suspend(self) -> None:
        self._leave_thread()

    def on_unmount(self) -> None:
        with contextlib.suppress(Exception):  # the app is closing: best effort
            self._leave_thread()

    def open_target(self, kind: str, target_id: str) -> None:
        if kind == "thread":
            self.open_thread(target_id)
        elif kind == "lesson-threads":
            self._filter = d.ThreadFilter("lesson", target_id)
            self._fill_list()
            if self._open not in self._listed:
                # The pane showed a thread the list no longer has (another lesson's).
                self._open = self._seen_upto = None
                self._fill_thread()
            self.query_one("#thread-list", RowList).focus()
        elif kind == "reply" and target_id in self.state.threads:
            self.open_thread(target_id)
            self._reply(quote=False)
        elif kind == "post" and target_id in self.state.posts:
            self.open_thread(self.state.posts[target_id].thread, post=target_id)

    def close_for_key(self, key: str) -> bool:
        """ESC run into the next key (alt+KEY) while searching: close, then the key."""
        search = self.query_one("#thread-search", Input)
        # Focus follows "/" a moment later: an empty search just shown counts too.
        if not (search.has_focus or (search.display and not search.value)):
            return False
        self.action_close_search()
        self.app.simulate_key(key)
        return True

    def action_close_search(self) -> None:
        # A binding, not key_escape: bindings are looked up when the key reaches the
        # app, after a "/" sent just before it has shown the search (a burst).
        search = self.query_one("#thread-search", Input)
        if search.has_focus or (search.display and not self._query):
            search.value = ""
            search.display = False
        self.query_one("#thread-list", RowList).focus()

    def action_unread(self, step: int) -> None:
        if self._source is None:
            return
        view = self.query_one("#thread-posts", PostView)
        new = self._source.new_posts()
        position = {p: i for i, p in enumerate(view.post_ids)}
        here = view.cursor
        ahead = [p for p in new if (position[p] > here if step > 0 else position[p] < here)]
        if not ahead:
            self.notify("No more new posts here." if new else "Nothing new in this thread.")
            return
        view.select(ahead[0] if step > 0 else ahead[-1])

    # -- list: search and filters ----------------------------------------------------

    def action_search(self) -> None:
        search = self.query_one("#thread-search", Input)
        search.display = True
        search.focus()

    @on(Input.Changed, "#thread-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self._query = event.value
        self._fill_list()

    @on(Input.Submitted, "#thread-search")
    def _search_done(self) -> None:
        self.query_one("#thread-list", RowList).focus()

    def action_faq(self) -> None:
        """The cohort's knowledge base: accepted answers by module and lesson."""
        self.app.push_screen(FaqScreen())

    def action_toggle_unread(self) -> None:
        unread = self._filter.kind != "unread"
        self._set_filter(d.ThreadFilter("unread") if unread else d.ThreadFilter())

    def action_filter(self) -> None:
        choices = d.filter_choices(self.state, self.me)
        keys = {f"{c.kind}:{c.value}": c for c in choices}

        def chosen(key: str | None) -> None:
            if key is not None and key in keys:
                self._set_filter(keys[key])

        options = [(key, member_line(c.label(self.state))) for key, c in keys.items()]
        current = f"{self._filter.kind}:{self._filter.value}"
        self.app.push_screen(ChoiceScreen("Show threads", options, current), chosen)

    def _set_filter(self, chosen: d.ThreadFilter) -> None:
        self._filter = chosen
        self._fill_list()
        self.notify(f"Showing {clean_line(chosen.label(self.state))}.", timeout=2)

    # -- writing ---------------------------------------------------------------------

    def _composer(self, heading: str, key: str, **fields: object) -> ComposeScreen:
        state = self.state
        setup = ComposeSetup(
            heading=heading,
            lessons=[(lesson.title, lesson.id) for lesson in q.ordered_lessons(state)],
            handles=sorted(m.handle for m in state.members.values()),
            drafts=self.drafts,
            draft_key=key,
            **fields,  # type: ignore[arg-type]
        )
        return ComposeScreen(setup)

    def action_new_thread(self) -> None:
        self.start_new_thread(lesson=None)

    def start_new_thread(self, *, lesson: str | None, title: str = "", body: str = "") -> None:
        """Open the composer for a new thread, optionally anchored to a lesson."""
        lesson_obj = self.state.lessons.get(lesson or "")
        # Filtered to a pod channel I may post in: the new thread goes there.
        pod = self.state.pods.get(self._filter.value) if self._filter.kind == "pod" else None
        if pod is not None and not may_post_in_pod(self.state, self.me, pod):
            pod = None
        heading = "New thread" + (f" on {lesson_obj.title}" if lesson_obj else "")
        heading += f" in pod {pod.name}" if pod is not None else ""
        key = "thread-new" + (f".{lesson_obj.id}" if lesson_obj else "")
        key += f".pod.{pod.id}" if pod is not None else ""

        def done(draft: Draft | None) -> None:
            if draft is None:
                return
            thread_id = new_id("t")
            op = k.ThreadCreate(
                thread=thread_id,
                post=new_id("p"),
                title=draft.title,
                body=draft.body,
                lesson=draft.lesson,
                tags=draft.tags,
                pod=pod.id if pod is not None else None,
            )
            if self.write(op):
                self.drafts.discard(key)
                self.open_thread(thread_id)

        composer = self._composer(
            heading,
            key,
            with_title=True,
            title=title,
            body=body,
            lesson=lesson_obj.id if lesson_obj else None,
        )
        self.app.push_screen(composer, done)

    def _open_thread_or_warn(self) -> Thread | None:
        thread = self.state.threads.get(self._open or "")
        if thread is None:
            self.notify("Open a thread first (Enter).", severity="warning")
        return thread

    def _highlighted_post(self) -> Post | None:
        if self._open_thread_or_warn() is None:
            return None
        post_id = self.query_one("#thread-posts", PostView).highlighted_id
        return self.state.posts.get(post_id or "")

    def action_reply(self) -> None:
        self._reply(quote=False)

    def action_quote_reply(self) -> None:
        self._reply(quote=True)

    def _reply(self, *, quote: bool) -> None:
        thread = self._open_thread_or_warn()
        if thread is None:
            return
        quoted = self._highlighted_post() if quote else None
        if quote and (quoted is None or quoted.hidden is not None):
            self.notify("Highlight a visible post to quote.", severity="warning")
            return
        key = f"reply.{thread.id}" + (f".{quoted.id}" if quoted else "")
        thread_id = thread.id

        def done(draft: Draft | None) -> None:
            if draft is None:
                return
            post_id = new_id("p")
            op = k.PostCreate(
                post=post_id,
                thread=thread_id,
                body=draft.body,
                reply_to=quoted.id if quoted else None,
            )
            if self.write(op):
                self.drafts.discard(key)
                self.open_thread(thread_id, post=post_id)

        heading = f"Reply: {thread.title}"
        body = d.quote_body(self.state, quoted) if quoted else ""
        self.app.push_screen(self._composer(heading, key, body=body), done)

    def action_edit(self) -> None:
        post = self._highlighted_post()
        if post is None:
            return
        if not d.can_edit(self.me, post):
            self.notify("You can edit only your own visible posts.", severity="warning")
            return
        key = f"edit.{post.id}"
        post_id = post.id

        def done(draft: Draft | None) -> None:
            if draft is not None and self.write(k.PostEdit(post=post_id, body=draft.body)):
                self.drafts.discard(key)
                self._fill_thread()

        self.app.push_screen(self._composer("Edit your post", key, body=post.body), done)

    def action_history(self) -> None:
        post = self._highlighted_post()
        if post is None or self._source is None:
            return
        if not post.edits:
            self.notify("This post has not been edited.")
            return
        title = f"Edit history: @{handle_of(self.state, post.author)}"
        self.app.push_screen(TextScreen(title, self._source.history(post.id)))

    def action_react(self) -> None:
        post = self._highlighted_post()
        if post is None:
            return
        if post.hidden is not None:
            self.notify("That post is hidden.", severity="warning")
            return
        post_id = post.id
        mine = {emoji for emoji, who in post.reactions.items() if self.me in who}
        options = [
            (
                emoji,
                Text(
                    f"{emoji}  {label}" + ("  (yours: choose to remove)" if emoji in mine else "")
                ),
            )
            for emoji, label in REACTIONS
        ]

        def chosen(emoji: str | None) -> None:
            if emoji is not None:
                self.write(k.PostReact(post=post_id, emoji=emoji, on=emoji not in mine))

        self.app.push_screen(ChoiceScreen("React", options), chosen)

    def action_accept(self) -> None:
        post = self._highlighted_post()
        thread = self.state.threads.get(self._open or "")
        if post is None or thread is None:
            return
        if not d.can_accept(self.state, self.me, thread):
            self.notify(
                "Only the thread's author or a mentor/facilitator marks the answer.",
                severity="warning",
            )
            return
        if post.id == thread.posts[0]:
            self.notify("The question itself cannot be its answer.", severity="warning")
            return
        accepted = None if thread.answer == post.id else post.id
        if self.write(k.ThreadAnswer(thread=thread.id, post=accepted)):
            self.notify("Marked as the answer." if accepted else "Answer mark removed.")

    def action_pin(self) -> None:
        thread = self._open_thread_or_warn()
        if thread is None:
            return
        if not d.can_pin(self.state, self.me):
            self.notify("Only a facilitator pins threads.", severity="warning")
            return
        if self.write(k.ThreadPin(thread=thread.id, pinned=not thread.pinned)):
            self.notify("Unpinned." if thread.pinned else "Pinned to the top of the list.")

    def action_hide(self) -> None:
        post = self._highlighted_post()
        if post is None:
            return
        if not d.can_hide(self.state, self.me, post):
            self.notify(
                "You can hide your own posts; mentors and facilitators any post.",
                severity="warning",
            )
            return
        post_id = post.id
        if post.hidden is not None:
            if self.write(k.PostHide(post=post_id, hidden=False)):
                self.notify("The post is shown again.")
            return

        def reason_given(reason: str | None) -> None:
            if reason is not None and self.write(
                k.PostHide(post=post_id, hidden=True, reason=reason.strip())
            ):
                self.notify("Hidden: it stays in the log and shows collapsed with the reason.")

        prompt = PromptScreen(
            f"Hide this post by @{handle_of(self.state, post.author)}?",
            placeholder="reason (shown to everyone): off-topic, spoiler, posted twice…",
            max_length=200,
        )
        self.app.push_screen(prompt, reason_given)
