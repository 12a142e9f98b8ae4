"""The discussions list: threads in activity order, narrowed by a filter (unread, mine,
mentions, a lesson, a tag, a pod channel) and a search over titles and posts.

| Key | Action |
|---|---|
| f | choose a filter |
| / | search thread titles and posts |
| u | only threads new to me (again: all) |
| escape | close the search, back to the list |

The keys act from anywhere on the discussions screen, so the screen declares them
(:data:`BINDINGS`) and runs them through :meth:`ThreadList.set_filter`,
:meth:`ThreadList.open_search` and :meth:`ThreadList.close_search`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input

from cohort_tui.domain import discussions as d
from cohort_tui.domain import queries as q
from cohort_tui.domain.discussion_index import ThreadOrder
from cohort_tui.domain.model import Thread
from cohort_tui.domain.pods import may_see_thread
from cohort_tui.domain.queries import handle_of
from cohort_tui.domain.sanitize import clean_line
from cohort_tui.store.recent import Mark
from cohort_tui.ui import palette
from cohort_tui.ui.host import CohortHost
from cohort_tui.ui.text import ago, member_line, plain
from cohort_tui.ui.widgets.row_list import Row, RowList

TITLE_ROOM = 14
"""Columns a thread's title keeps in the list before replies, activity, author, lesson
and tags are left out (in that order, from the last)."""


def _binding(key: str, action: str, label: str, name: str, tip: str, show: bool = True) -> Binding:
    return Binding(key, action, label, show=show, id=f"discussions.{name}", tooltip=tip)


BINDINGS = [
    _binding("f", "filter", "Filter", "filter", "Show unread, mine, mentions, a lesson, a tag"),
    _binding("slash", "search", "Search", "search", "Search thread titles and posts"),
    _binding("u", "toggle_unread", "Unread", "unread", "Only threads new to me", False),
    _binding("escape", "close_search", "Back", "back", "Close the search, back to the list", False),
]
"""The keys of this list, declared on the discussions screen (see the module doc)."""


def _column(text: Text, width: int) -> Text:
    """``text`` left-aligned in a column ``width`` wide, after two spaces."""
    cell = Text("  ", end="")
    text.align("left", width - 2)
    cell.append_text(text)
    return cell


class ThreadList(Vertical):
    """The threads I may see, with unread counts, marks and columns that fit the width;
    its border says which filter and search narrow it."""

    DEFAULT_CSS = """
    ThreadList #thread-list { height: 1fr; }
    ThreadList #thread-search { height: 3; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.border_title = "Threads"
        self.query_text = ""
        """What the search holds."""
        self.filter = d.ThreadFilter()
        """Which threads are listed (all, unread, mine, a lesson's ...)."""
        self.index = d.SearchIndex()
        """The search over titles and posts."""
        self.listed: list[str] = []
        """The ids of the threads listed, in order."""
        self._order: ThreadOrder | None = None
        self._order_mark: Mark | None = None
        self.kept: str | None = None
        """The thread a new list keeps highlighted (the one open next to it)."""

    def compose(self) -> ComposeResult:
        search = Input(placeholder="search titles and posts", id="thread-search")
        search.display = False
        yield search
        yield RowList(id="thread-list")

    @property
    def host(self) -> CohortHost:
        """The app, typed as what widgets may ask of it."""
        return cast(CohortHost, self.app)

    def _ordered_ids(self) -> list[str]:
        """Every thread id in the list's order, moved op by op (see discussion_index)."""
        state, recent = self.host.replica.state, self.host.replica.recent
        ops = recent.since(self._order_mark)
        if ops is None or self._order is None:
            self._order = ThreadOrder(state)
        else:
            self._order.catch_up(state, ops)
        self._order_mark = recent.mark()
        return self._order.ids()

    def _visible_threads(self) -> list[Thread]:
        state, me = self.host.replica.state, self.host.member_id
        threads = [state.threads[thread_id] for thread_id in self._ordered_ids()]
        if state.pods:  # pod channels are for their members and staff
            threads = [t for t in threads if t.pod is None or may_see_thread(state, me, t)]
        if self.query_text.strip():
            found = self.index.search(state, self.query_text)
            threads = [t for t in threads if t.id in found]
        if self.filter.kind != "all":
            threads = [t for t in threads if d.matches(state, me, t, self.filter)]
        return threads

    def _row_text(self, thread_id: str) -> Callable[[int], Text]:
        """A thread's row for a width, built only when it is drawn (20k threads open
        instantly): the title first, then as many of replies, last activity, author,
        lesson and tags as leave the title :data:`TITLE_ROOM` columns.

        It looks the thread up by id when drawn: a refold brings a new state with new
        thread objects, and a row holding the old one showed its reply count frozen.
        """
        host = self.host

        def build(width: int) -> Text:
            state = host.replica.state
            thread = state.threads.get(thread_id)
            if thread is None:  # gone after a refold; the next fill drops the row
                return Text("")
            unread = q.unread_count(state, host.member_id, thread.id)
            lesson = state.lessons.get(thread.lesson or "")
            marks = ("⚑" if thread.pinned else " ") + ("✓" if thread.answer else " ")
            replies = len(thread.posts) - 1
            head = plain(
                (marks, palette.OK if thread.answer else ""),
                (f"{'●' + str(unread):>4} " if unread else "     ", palette.NEW),
            )
            active = ago(thread.last_activity, host.now_ms()).removesuffix(" ago")
            # Fixed widths, so the columns line up from row to row.
            columns: list[Text] = [
                plain((f"{'↩' + str(replies):>5}", "dim")),  # the arrow reads without colour
                plain((f"{active:>8}", "dim")),
                _column(member_line("@" + handle_of(state, thread.author), "dim", limit=12), 14),
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

    def fill(self) -> None:
        """List the threads again; a new list keeps :attr:`kept` highlighted."""
        state = self.host.replica.state
        listing = self.query_one("#thread-list", RowList)
        threads = self._visible_threads()
        ids = [t.id for t in threads]
        if ids and ids == self.listed:
            listing.redraw()  # same threads in the same order: only counts and times moved
        else:
            self.listed = ids
            rows = [
                Row(t.id, partial(self._row_text(t.id), 200), fit=self._row_text(t.id))
                for t in threads
            ]
            if not rows:
                narrowed = self.query_text or self.filter.kind != "all"
                message = (
                    "No thread matches." if narrowed else "No threads yet: press n to start one."
                )
                rows.append(Row("none", Text(message, style="italic"), selectable=False))
            listing.set_rows(rows, keep=self.kept)
        if self.filter.kind != "all":
            # The filter is part of the title: a list narrowed to a lesson or to unread
            # threads must not pass for all of them.
            label = clean_line(self.filter.label(state))
            total = len(state.threads)
            self.border_title = Text(f"Threads: {label} ({len(ids)} of {total})")
        else:
            self.border_title = Text(f"Threads ({len(ids)})")
        query = f"“{clean_line(self.query_text)}”" if self.query_text else ""
        self.border_subtitle = Text(query)  # never markup

    def highlight(self, thread_id: str) -> None:
        """Put the list's cursor on a thread (nothing if it is not listed)."""
        self.query_one("#thread-list", RowList).highlight(thread_id)

    def focus_list(self) -> None:
        """Focus the list itself."""
        self.query_one("#thread-list", RowList).focus()

    # -- the filter and the search ---------------------------------------------------

    def set_filter(self, chosen: d.ThreadFilter, *, say: bool = True) -> None:
        """List the threads ``chosen`` lets through (``say``: and tell the user so)."""
        self.filter = chosen
        self.fill()
        if say:
            label = clean_line(chosen.label(self.host.replica.state))
            self.notify(f"Showing {label}.", timeout=2)

    def open_search(self) -> None:
        """Show the search and put the cursor in it."""
        search = self.query_one("#thread-search", Input)
        search.display = True
        search.focus()

    def close_search(self) -> None:
        """Hide an empty (or focused) search; focus the list."""
        search = self.query_one("#thread-search", Input)
        if search.has_focus or (search.display and not self.query_text):
            search.value = ""
            search.display = False
        self.focus_list()

    def searching(self) -> bool:
        """Typing in the search, or it was just shown and is empty (focus follows "/"
        a moment later, so a burst of keys can arrive before it)."""
        search = self.query_one("#thread-search", Input)
        return search.has_focus or (search.display and not search.value)

    @on(Input.Changed, "#thread-search")
    def _search_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.query_text = event.value
        self.fill()

    @on(Input.Submitted, "#thread-search")
    def _search_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_list()
