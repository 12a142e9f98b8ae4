"""Quick-help chat: one live channel for the cohort (and one per pod), newest at the bottom.

Messages are ops (``chat.send``), so they reach every pane through the store's watch and
every replica through sync; this screen refreshes when they are folded in. A useful
exchange can be kept: select messages and turn them into a thread, anchored to a lesson.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input

from cohort_tui.domain import chat
from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.clock import new_id
from cohort_tui.domain.permissions import MODERATORS
from cohort_tui.ui.messages import StoreChanged
from cohort_tui.ui.screens.base import CohortScreen
from cohort_tui.ui.text import member_line, plain
from cohort_tui.ui.widgets.chat_view import ChatView
from cohort_tui.ui.widgets.cohort_footer import CohortFooter
from cohort_tui.ui.widgets.cohort_header import CohortHeader

NO_LESSON = "-"
"""The lesson choice that anchors a chat-turned-thread to no lesson."""


def _binding(key: str, action: str, label: str, name: str, tip: str, show: bool = True) -> Binding:
    return Binding(key, action, label, show=show, id=f"chat.{name}", tooltip=tip)


class ChatScreen(CohortScreen):
    """The channel's messages above a one-line input.

    | Key | Action |
    |---|---|
    | enter (in the input) | send the message |
    | up (in the input), tab | go to the messages |
    | up / down, page up / page down, home / end | move between messages |
    | v | start (or drop) a selection; moving extends it |
    | t | turn the selection (or the message) into a thread, on a lesson you pick |
    | c | next channel (the cohort's, then your pods') |
    | x | hide or show the message (its author, a mentor or a facilitator) |
    | i, enter | type a message |
    | escape | drop the selection, or go back to the input |
    """

    TITLE_TEXT = "Chat"
    AUTO_FOCUS = "#chat-input"
    DEFAULT_CSS = """
    ChatScreen #chat-panel { height: 1fr; }
    ChatScreen #chat-view { height: 1fr; }
    ChatScreen #chat-input { height: 3; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        _binding("t", "to_thread", "To thread", "to_thread", "Turn the selection into a thread"),
        _binding("c", "next_channel", "Channel", "channel", "Switch to the next channel"),
        _binding("x", "hide", "Hide", "hide", "Hide or show this message"),
        _binding("i,enter", "type", "Type", "type", "Type a message"),
        _binding("escape", "back", "Back", "back", "Drop the selection, or type", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.channel = k.COHORT_CHANNEL
        """The channel shown."""
        self._unread_from: int | None = None
        self._opened: tuple[int, str] | None = None
        """(state id, channel) the "new messages" marker was placed for."""
        self._relayout = False
        """A message was hidden or shown: lay out every message again."""
        self._away = False
        """The screen was left (another mode or a dialog); the marker is placed anew."""
        self._shown_before = False
        """The screen was left once: styles may have changed meanwhile."""

    def compose(self) -> ComposeResult:
        yield CohortHeader()
        with Vertical(id="chat-panel", classes="panel"):
            yield ChatView(id="chat-view")
            yield Input(
                placeholder="type a message · enter sends · tab: messages",
                max_length=k.CHAT_MAX_CHARS,
                id="chat-input",
            )
        yield CohortFooter()

    # -- state -> view -------------------------------------------------------------

    def refresh_view(self) -> None:
        state = self.state
        self.fill_header()
        if chat.channel_problem(state, self.me, self.channel):
            self.channel = k.COHORT_CHANNEL  # rotated out of a pod: back to the cohort
        opened = (id(state), self.channel)
        if self._opened is None or self._opened[1] != self.channel:
            # The marker sits where my unread messages began when I opened the channel;
            # messages arriving while I watch are not "new" to me.
            self._unread_from = chat.first_unread(state, self.me, self.channel)
        self._opened = opened
        ids = chat.messages(state, self.channel)
        view = self.query_one(ChatView)
        relayout, self._relayout = self._relayout, False
        view.show(
            state, self.channel, ids, self.me, unread_from=self._unread_from, relayout=relayout
        )
        self._fill_title(len(ids))

    def _fill_title(self, count: int) -> None:
        panel = self.query_one("#chat-panel")
        title = chat.channel_title(self.state, self.channel)
        others = [c for c in chat.channels_for(self.state, self.me) if c != self.channel]
        unread = sum(chat.unread_count(self.state, self.me, c) for c in others)
        panel.border_title = plain(
            member_line(title, "bold"),
            (f" · {count} message{'' if count == 1 else 's'}", ""),
            (f" · {unread} new elsewhere (c)" if unread else "", ""),
        )
        view = self.query_one(ChatView)
        if view.selection_anchor is not None:
            low, high = view.selection()
            panel.border_subtitle = Text(f"{high - low + 1} selected · t: to thread")
        else:
            panel.border_subtitle = Text("v: select · t: to thread")

    # Textual calls CohortScreen's handlers of these events too (it refreshes if stale).

    @on(events.ScreenResume)
    def _styled_already(self, event: events.ScreenResume) -> None:
        if not self._shown_before and self._css_update_count == self.app._css_update_count:
            # Textual styles a resumed screen again, in full (every widget and the
            # view's component classes), in case the CSS changed while it was away; a
            # mode switch sends two resumes. On the first visit it was styled as it
            # mounted, just now, from the same CSS: nothing to do. (Private to Textual,
            # which is pinned; the app keeps the count, see ``modes.screen_factory``.)
            event.refresh_styles = False

    def on_screen_resume(self) -> None:
        if self._away:  # coming back: place the marker again
            self._away = False
            self._opened = None
            self.refresh_view()
        self.call_after_refresh(self._mark_read)

    def on_screen_suspend(self) -> None:
        self._shown_before = True
        self._mark_read()
        self._away = True

    def _mark_read(self) -> None:
        """Mark the channel read up to its newest message, if that is news: one op per
        visit, not one per message arriving while I watch."""
        newest = chat.newest_clock(self.state, self.channel)
        mark = chat.read_mark(self.state, self.me, self.channel)
        if (
            newest is not None
            and (mark is None or tuple(newest) > tuple(mark))
            and chat.has_unread(self.state, self.me, self.channel)
        ):
            self.write(k.ChatRead(channel=self.channel, upto=newest))

    # -- events and actions ----------------------------------------------------------

    def on_store_changed(self, message: StoreChanged) -> None:
        # Runs before CohortScreen's handler, which refreshes the view.
        if not message.ops or any(op.kind == k.ChatHide.KIND for op in message.ops):
            self._relayout = True  # a refold (no ops) or a hide changes laid-out rows

    @on(ChatView.Highlighted)
    def _highlighted(self, event: ChatView.Highlighted) -> None:
        self._fill_title(len(event.view.message_ids))
        self.refresh_bindings()

    @on(Input.Submitted, "#chat-input")
    def _send(self, event: Input.Submitted) -> None:
        text = " ".join(event.value.split())
        if problem := chat.check_text(text):
            if event.value:  # an empty enter is not an error
                self.notify(problem.capitalize() + ".", severity="warning")
            return
        op = self.write(k.ChatSend(message=new_id("c"), channel=self.channel, text=text))
        if op is not None:
            event.input.value = ""
            self.refresh_view()
            view = self.query_one(ChatView)
            view.action_jump(-1)  # what I sent is what I look at

    def on_key(self, event: object) -> None:
        from textual.events import Key

        if isinstance(event, Key) and event.key == "up":
            focused = self.focused
            if isinstance(focused, Input) and focused.id == "chat-input":
                self.query_one(ChatView).focus()
                event.stop()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        view = self.query_one(ChatView)
        if action in ("to_thread", "hide"):
            if view.highlighted_id is None:
                return None
            if action == "hide":
                message = self.state.chat_messages.get(view.highlighted_id)
                allowed = message is not None and (
                    message.author == self.me or self.state.has_role(self.me, *MODERATORS)
                )
                return True if allowed else None
        if action == "next_channel":
            return True if len(chat.channels_for(self.state, self.me)) > 1 else None
        return True

    def action_type(self) -> None:
        self.query_one("#chat-input", Input).focus()

    def action_back(self) -> None:
        view = self.query_one(ChatView)
        if not view.clear_selection():
            self.query_one("#chat-input", Input).focus()
        self._fill_title(len(view.message_ids))

    def action_next_channel(self) -> None:
        self._mark_read()
        channels = chat.channels_for(self.state, self.me)
        at = channels.index(self.channel) if self.channel in channels else -1
        self.channel = channels[(at + 1) % len(channels)]
        self.refresh_view()
        self._mark_read()

    def action_hide(self) -> None:
        message_id = self.query_one(ChatView).highlighted_id
        message = self.state.chat_messages.get(message_id or "")
        if message is not None:
            self.write(k.ChatHide(message=message.id, hidden=not message.hidden))

    def action_to_thread(self) -> None:
        view = self.query_one(ChatView)
        ids = view.selected_ids()
        title, body = chat.thread_draft(self.state, ids)
        if not body:
            self.notify("Nothing to quote: the selected messages are hidden.", severity="warning")
            return
        from cohort_tui.domain import queries as q
        from cohort_tui.ui.screens.dialogs import ChoiceScreen

        options = [(NO_LESSON, Text("No lesson", style="italic"))]
        options += [
            (lesson.id, member_line(lesson.title)) for lesson in q.ordered_lessons(self.state)
        ]
        progress = self.state.progress.get(self.me, {})
        doing = [lid for lid, p in progress.items() if p.status == "doing"]
        current = doing[0] if doing else NO_LESSON

        def chosen(lesson: str | None) -> None:
            if lesson is None:
                return
            view.clear_selection()
            anchor = None if lesson == NO_LESSON else lesson
            if not self.cohort_app.compose_thread(lesson=anchor, title=title, body=body):
                self.notify("This build has no discussions screen.", severity="warning")

        count = len(ids)
        heading = f"Turn {count} message{'' if count == 1 else 's'} into a thread on which lesson?"
        self.app.push_screen(ChoiceScreen(heading, options, current), chosen)
