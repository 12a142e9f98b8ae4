"""Discussions: the thread list (filters, search) and the open thread (read, write).

The screen composes the list (:mod:`~cohort_tui.ui.widgets.thread_list`) and the open
thread (:mod:`~cohort_tui.ui.widgets.thread_pane`), and runs the keys of both and of
what a member writes (:mod:`~cohort_tui.ui.screens.thread_actions`).
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal

from cohort_tui.domain import discussions as d
from cohort_tui.domain.pods import may_see_thread
from cohort_tui.store.drafts import Drafts
from cohort_tui.ui.keys import gather
from cohort_tui.ui.screens import thread_actions as act
from cohort_tui.ui.screens.base import CohortScreen
from cohort_tui.ui.screens.dialogs import ChoiceScreen
from cohort_tui.ui.screens.faq import FaqScreen  # imported here so idle warm-up parses its CSS
from cohort_tui.ui.text import member_line
from cohort_tui.ui.widgets import thread_list, thread_pane
from cohort_tui.ui.widgets.cohort_footer import CohortFooter
from cohort_tui.ui.widgets.cohort_header import CohortHeader
from cohort_tui.ui.widgets.row_list import RowList
from cohort_tui.ui.widgets.thread_list import ThreadList
from cohort_tui.ui.widgets.thread_pane import ThreadPane

OWN_BINDINGS = [
    Binding(
        "F",
        "faq",
        "FAQ",
        show=False,
        id="discussions.faq",
        tooltip="Answered questions by lesson, searchable",
    ),
]


class DiscussionsScreen(CohortScreen):
    """Threads on the left, the open thread on the right."""

    TITLE_TEXT = "Discussions"
    AUTO_FOCUS = "#thread-list"
    DEFAULT_CSS = """
    DiscussionsScreen #disc-body { height: 1fr; }
    DiscussionsScreen #disc-left { width: 1fr; min-width: 30; }
    DiscussionsScreen #disc-right { width: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = gather(
        "new reply quote react filter search unread back faq edit history accept pin hide"
        " next_new prev_new",
        act.BINDINGS,
        thread_list.BINDINGS,
        thread_pane.BINDINGS,
        OWN_BINDINGS,
    )

    def __init__(self) -> None:
        super().__init__()
        self._list = ThreadList(id="disc-left", classes="panel")
        self._pane = ThreadPane(id="disc-right", classes="panel")

    def compose(self) -> ComposeResult:
        yield CohortHeader()
        with Horizontal(id="disc-body"):
            yield self._list
            yield self._pane
        yield CohortFooter()

    @property
    def thread_list(self) -> ThreadList:
        """The threads, their filter and search."""
        return self._list

    @property
    def thread_pane(self) -> ThreadPane:
        """The open thread."""
        return self._pane

    @property
    def drafts(self) -> Drafts:
        """My unsent posts in this store."""
        return Drafts(self.cohort_app.replica.root, self.me)

    # -- state -> view -------------------------------------------------------------

    def refresh_view(self) -> None:
        pane = self.thread_pane
        thread = pane.thread
        if thread is not None and self.is_current:
            pane.mark_read(thread)  # new posts in the thread I am reading are read
        self.fill_header()
        self.thread_list.fill()
        pane.fill()

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
        listing = self.thread_list
        listing.kept = thread_id
        listing.highlight(thread_id)
        self.thread_pane.open(thread, post=post)

    def on_screen_suspend(self) -> None:
        self.thread_pane.leave()

    def open_target(self, kind: str, target_id: str) -> None:
        listing, pane = self.thread_list, self.thread_pane
        if kind == "thread":
            self.open_thread(target_id)
        elif kind == "lesson-threads":
            listing.set_filter(d.ThreadFilter("lesson", target_id), say=False)
            if pane.open_id not in listing.listed:
                # The pane showed a thread the list no longer has (another lesson's).
                listing.kept = None
                pane.close()
            listing.focus_list()
        elif kind == "reply" and target_id in self.state.threads:
            self.open_thread(target_id)
            act.reply(self, quote=False)
        elif kind == "post" and target_id in self.state.posts:
            self.open_thread(self.state.posts[target_id].thread, post=target_id)

    def close_for_key(self, key: str) -> bool:
        """ESC run into the next key (alt+KEY) while searching: close, then the key."""
        if not self.thread_list.searching():
            return False
        self.action_close_search()
        self.app.simulate_key(key)
        return True

    def action_close_search(self) -> None:
        # A binding, not key_escape: bindings are looked up when the key reaches the
        # app, after a "/" sent just before it has shown the search (a burst).
        self.thread_list.close_search()

    def action_unread(self, step: int) -> None:
        self.thread_pane.next_new(step)

    # -- list: search and filters ----------------------------------------------------

    def action_search(self) -> None:
        self.thread_list.open_search()

    def action_faq(self) -> None:
        """The cohort's knowledge base: accepted answers by module and lesson."""
        self.app.push_screen(FaqScreen())

    def action_toggle_unread(self) -> None:
        unread = self.thread_list.filter.kind != "unread"
        self.thread_list.set_filter(d.ThreadFilter("unread") if unread else d.ThreadFilter())

    def action_filter(self) -> None:
        choices = d.filter_choices(self.state, self.me)
        keys = {f"{c.kind}:{c.value}": c for c in choices}

        def chosen(key: str | None) -> None:
            if key is not None and key in keys:
                self.thread_list.set_filter(keys[key])

        options = [(key, member_line(c.label(self.state))) for key, c in keys.items()]
        shown = self.thread_list.filter
        self.app.push_screen(
            ChoiceScreen("Show threads", options, f"{shown.kind}:{shown.value}"), chosen
        )

    # -- writing (see thread_actions) ------------------------------------------------

    def start_new_thread(self, *, lesson: str | None, title: str = "", body: str = "") -> None:
        """Open the composer for a new thread, optionally anchored to a lesson."""
        act.new_thread(self, lesson=lesson, title=title, body=body)

    def action_new_thread(self) -> None:
        act.new_thread(self, lesson=None)

    def action_reply(self) -> None:
        act.reply(self, quote=False)

    def action_quote_reply(self) -> None:
        act.reply(self, quote=True)

    def action_edit(self) -> None:
        act.edit(self)

    def action_history(self) -> None:
        act.history(self)

    def action_react(self) -> None:
        act.react(self)

    def action_accept(self) -> None:
        act.accept(self)

    def action_pin(self) -> None:
        act.pin(self)

    def action_hide(self) -> None:
        act.hide(self)
