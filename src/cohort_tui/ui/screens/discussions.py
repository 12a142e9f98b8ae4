"""Discussions: threads with my unread counts, a thread's posts, replying, new threads."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Input, Static

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain import queries as q
from cohort_tui.domain.clock import new_id
from cohort_tui.domain.model import Thread
from cohort_tui.domain.sanitize import clean_line
from cohort_tui.ui.screens.base import CohortScreen
from cohort_tui.ui.screens.compose import ComposeScreen, Draft
from cohort_tui.ui.text import ago, member_block, member_line, plain
from cohort_tui.ui.widgets.cohort_header import CohortHeader
from cohort_tui.ui.widgets.row_list import Row, RowList


class DiscussionsScreen(CohortScreen):
    """Threads on the left, the open thread on the right."""

    TITLE_TEXT = "Discussions"
    AUTO_FOCUS = "#thread-list"
    DEFAULT_CSS = """
    DiscussionsScreen #disc-body { height: 1fr; }
    DiscussionsScreen #disc-left { width: 2fr; min-width: 30; }
    DiscussionsScreen #thread-list { height: 1fr; }
    DiscussionsScreen #thread-search { height: 3; }
    DiscussionsScreen #disc-right { width: 3fr; }
    DiscussionsScreen #thread-posts { padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "slash",
            "search",
            "Search",
            id="discussions.search",
            tooltip="Search thread titles and posts",
        ),
        Binding(
            "n", "new_thread", "New thread", id="discussions.new", tooltip="Start a new thread"
        ),
        Binding("r", "reply", "Reply", id="discussions.reply", tooltip="Reply in the open thread"),
        Binding(
            "u",
            "toggle_unread",
            "Unread only",
            id="discussions.unread",
            tooltip="Show only threads with posts new to me",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._filter = ""
        self._unread_only = False
        self._open: str | None = None

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
                with VerticalScroll(id="thread-scroll"):
                    yield Static(id="thread-posts")
        yield Footer()

    # -- state -> view -------------------------------------------------------------

    def refresh_view(self) -> None:
        self.fill_header()
        self._fill_list()
        self._fill_thread()

    def _matches(self, thread: Thread) -> bool:
        needle = self._filter.lower()
        if not needle:
            return True
        if needle in thread.title.lower() or any(needle in t for t in thread.tags):
            return True
        return any(needle in self.state.posts[p].body.lower() for p in thread.posts)

    def _fill_list(self) -> None:
        state, now = self.state, self.now()
        listing = self.query_one("#thread-list", RowList)
        threads = sorted(
            state.threads.values(), key=lambda t: (not t.pinned, -t.last_activity, t.id)
        )
        rows: list[Row] = []
        for thread in threads:
            unread = q.unread_count(state, self.me, thread.id)
            if (self._unread_only and not unread) or not self._matches(thread):
                continue
            marks = ("⚑ " if thread.pinned else "  ") + ("✓" if thread.answer else " ")
            rows.append(
                Row(
                    thread.id,
                    plain(
                        (marks, "green" if thread.answer else ""),
                        (f" {unread:>2} new " if unread else "        ", "bold"),
                        member_line(thread.title, "bold" if unread else ""),
                        (f" · {len(thread.posts)} · {ago(thread.last_activity, now)}", "dim"),
                    ),
                )
            )
        if not rows:
            message = (
                "No thread matches."
                if self._filter or self._unread_only
                else ("No threads yet: press n to start one.")
            )
            rows.append(Row("none", Text(message, style="italic"), selectable=False))
        listing.set_rows(rows, keep=self._open)
        right = self.query_one("#disc-right")
        right.border_title = "Thread"

    def _fill_thread(self) -> None:
        thread = self.state.threads.get(self._open or "")
        view = self.query_one("#thread-posts", Static)
        right = self.query_one("#disc-right")
        if thread is None:
            view.update(Text("Pick a thread and press Enter.", style="italic"))
            right.border_title = "Thread"
            return
        right.border_title = clean_line(thread.title)
        view.update(self._render_thread(thread))

    def _render_thread(self, thread: Thread) -> Text:
        state, now = self.state, self.now()
        marker = state.reads.get(self.me, {}).get(thread.id)
        text = Text(end="")
        lesson = state.lessons.get(thread.lesson or "")
        meta = [f"started by @{self._handle(thread.author)}"]
        if lesson is not None:
            meta.append(f"on lesson: {clean_line(lesson.title)}")
        if thread.tags:
            meta.append(" ".join("#" + clean_line(t) for t in thread.tags))
        text.append(" · ".join(meta) + "\n", style="dim")
        for post_id in thread.posts:
            post = state.posts[post_id]
            new = marker is None or tuple(post.clock) > tuple(marker)
            text.append("\n")
            text.append_text(member_line("@" + self._handle(post.author), "bold"))
            roles = state.members[post.author].roles if post.author in state.members else []
            staff = [r for r in roles if r in ("facilitator", "mentor")]
            if staff:
                text.append(f" ({staff[0]})", style="italic")
            text.append(f" · {ago(post.created_at, now)}", style="dim")
            if post.edits:
                text.append(" · edited", style="dim")
            if post_id == thread.answer:
                text.append(" · ✓ accepted answer", style="bold green")
            if new and post.author != self.me:
                text.append(" · new", style="bold yellow")
            text.append("\n")
            if post.hidden is not None:
                text.append("[hidden: ", style="dim")
                text.append_text(member_line(post.hidden.reason or "no reason given", "dim"))
                text.append("]\n", style="dim")
                continue
            if post.reply_to and post.reply_to in state.posts:
                quoted = state.posts[post.reply_to]
                first = quoted.body.strip().splitlines()[0] if quoted.body.strip() else ""
                text.append("▏ ", style="dim")
                text.append_text(
                    member_line(f"@{self._handle(quoted.author)}: {first}", "dim italic", limit=90)
                )
                text.append("\n")
            text.append_text(member_block(post.body.rstrip()))
            text.append("\n")
            if post.reactions:
                text.append(
                    "  "
                    + "  ".join(
                        f"{clean_line(e)} {len(who)}" for e, who in sorted(post.reactions.items())
                    ),
                    style="dim",
                )
                text.append("\n")
        return text

    def _handle(self, member_id: str) -> str:
        member = self.state.members.get(member_id)
        return member.handle if member else member_id

    # -- opening and reading ---------------------------------------------------------

    @on(RowList.Selected, "#thread-list")
    def _selected(self, event: RowList.Selected) -> None:
        self.open_thread(event.row_id)

    def open_thread(self, thread_id: str) -> None:
        """Show a thread and mark it read up to its newest post."""
        thread = self.state.threads.get(thread_id)
        if thread is None:
            self.notify("No such thread.", severity="warning")
            return
        self._open = thread_id
        self.query_one("#thread-list", RowList).highlight(thread_id)
        self._fill_thread()
        self.query_one("#thread-scroll", VerticalScroll).scroll_home(animate=False)
        newest = self.state.posts[thread.posts[-1]].clock
        marker = self.state.reads.get(self.me, {}).get(thread_id)
        if marker is None or tuple(newest) > tuple(marker):
            self.write(k.ThreadRead(thread=thread_id, upto=newest))

    def open_target(self, kind: str, target_id: str) -> None:
        if kind == "thread":
            self.open_thread(target_id)

    # -- actions -------------------------------------------------------------------

    def action_search(self) -> None:
        search = self.query_one("#thread-search", Input)
        search.display = True
        search.focus()

    @on(Input.Changed, "#thread-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self._filter = event.value
        self._fill_list()

    @on(Input.Submitted, "#thread-search")
    def _search_done(self) -> None:
        self.query_one("#thread-list", RowList).focus()

    def key_escape(self) -> None:
        search = self.query_one("#thread-search", Input)
        if search.display:
            search.value = ""
            search.display = False
            self.query_one("#thread-list", RowList).focus()

    def action_toggle_unread(self) -> None:
        self._unread_only = not self._unread_only
        self._fill_list()
        self.notify(
            "Showing threads with new posts." if self._unread_only else "Showing all threads.",
            timeout=2,
        )

    def action_new_thread(self) -> None:
        self.start_new_thread(lesson=None)

    def start_new_thread(self, *, lesson: str | None, title: str = "", body: str = "") -> None:
        """Open the composer for a new thread, optionally anchored to a lesson."""
        lesson_obj = self.state.lessons.get(lesson or "")
        heading = "New thread" + (f" on {lesson_obj.title}" if lesson_obj else "")

        def done(draft: Draft | None) -> None:
            if draft is None:
                return
            thread_id = new_id("t")
            if self.write(
                k.ThreadCreate(
                    thread=thread_id,
                    post=new_id("p"),
                    title=draft.title,
                    body=draft.body,
                    lesson=lesson_obj.id if lesson_obj else None,
                )
            ):
                self.open_thread(thread_id)

        self.app.push_screen(ComposeScreen(heading, with_title=True, title=title, body=body), done)

    def action_reply(self) -> None:
        thread = self.state.threads.get(self._open or "")
        if thread is None:
            self.notify("Open a thread first (Enter).", severity="warning")
            return

        def done(draft: Draft | None) -> None:
            if draft is not None and thread is not None:
                self.write(k.PostCreate(post=new_id("p"), thread=thread.id, body=draft.body))
                self.open_thread(thread.id)

        self.app.push_screen(ComposeScreen(f"Reply: {thread.title}", with_title=False), done)
