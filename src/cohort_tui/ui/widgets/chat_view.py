"""A chat channel's messages, virtualised (Line API), newest at the bottom.

Modelled on :mod:`post_view`: the layout (which message and which slice of its text sits
on each row) is computed once per width, cheaply (a message that is plain printable
ASCII and fits on a row costs a length check); sanitising, time formatting and styling
happen only for the rows drawn, and drawn rows are kept in a bounded LRU cache. A new
message lays out only itself. 50,000 messages open in tens of milliseconds (see
``bench/bench_chat.py``).
"""

from __future__ import annotations

import time
from bisect import bisect_right
from typing import ClassVar, NamedTuple

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.strip import Strip

from cohort_tui.domain.model import State
from cohort_tui.domain.sanitize import clean_line
from cohort_tui.ui.markdown_lite import wrap_offsets
from cohort_tui.ui.widgets.line_view import LineView

GUTTER = 2
"""The cursor / selection mark column."""
TIME = 6
"""``HH:MM `` before a message's first row (blank on the rows it wraps onto)."""
HIDDEN = "(message hidden)"
MARKER = -1
"""The message index of the "new messages" row."""
DAY_MS = 86_400_000
CHUNK = 400
"""Messages laid out on opening a channel (and at least this many more per extension)."""


def _day_row(index: int) -> int:
    """The owner code of the row naming the day message ``index`` starts (below -1)."""
    return -2 - index


class _Laid(NamedTuple):
    """One message's text as shown (``handle  text``, sanitised) and its row slices."""

    hidden: bool
    text: str
    handle_end: int
    rows: list[tuple[int, int]]


def _plain(text: str) -> bool:
    """Text the sanitiser would leave as it is (printable ASCII, single spaces)."""
    return text.isascii() and text.isprintable() and "  " not in text


class ChatView(LineView, can_focus=True):
    """Messages one under another; the cursor is a whole message.

    | Key | Action |
    |---|---|
    | up / down | previous / next message |
    | page up / page down | scroll a page |
    | home / end | first / newest message |
    | v | start (or drop) a selection at the cursor; moving extends it |
    """

    DEFAULT_CSS = """
    ChatView { background: $surface; overflow-x: hidden; }
    ChatView > .chat-view--time { color: $text-muted; }
    ChatView > .chat-view--author { color: $accent; text-style: bold; }
    ChatView > .chat-view--me { color: $secondary; text-style: bold; }
    ChatView > .chat-view--hidden { color: $text-muted; text-style: italic; }
    ChatView > .chat-view--marker { color: $warning; text-style: bold; }
    ChatView > .chat-view--cursor { color: $accent; text-style: bold; }
    ChatView > .chat-view--selected { background: $boost; }
    ChatView:focus > .chat-view--cursor-row {
        background: $block-cursor-blurred-background;
    }
    ChatView > .chat-view--cursor-row { }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "chat-view--time",
        "chat-view--author",
        "chat-view--me",
        "chat-view--hidden",
        "chat-view--marker",
        "chat-view--cursor",
        "chat-view--selected",
        "chat-view--cursor-row",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "move(-1)", "Previous message", show=False, id="chat.up"),
        Binding("down,j", "move(1)", "Next message", show=False, id="chat.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="chat.page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="chat.page_down"),
        Binding("home", "jump(0)", "First message", show=False, id="chat.first"),
        Binding("end", "jump(-1)", "Newest message", show=False, id="chat.last"),
        Binding(
            "v", "select", "Select", id="chat.select", tooltip="Start or drop a selection here"
        ),
    ]

    cursor: reactive[int] = reactive(-1, always_update=True, init=False)

    class Highlighted(Message):
        """The cursor moved to a message (None: the channel is empty)."""

        def __init__(self, view: ChatView, message_id: str | None) -> None:
            super().__init__()
            self.view = view
            self.message_id = message_id

        @property
        def control(self) -> ChatView:
            return self.view

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._state: State | None = None
        self._ids: list[str] = []
        self._channel = ""
        self._me = ""
        self._unread_from: int | None = None
        self._laid: dict[str, _Laid] = {}
        self._layout_width = 0
        self._firsts: list[int] = []
        """Per message (and the marker), the row its first line is on."""
        self._owners: list[int] = []
        """Per entry of ``_firsts``: its message index (MARKER for the new-messages row)."""
        self._total = 0
        self._starts: list[int] = []
        """Per message from the cut, the row its first line is on."""
        self._cut = 0
        """Messages before this index are not laid out yet (one row each)."""
        self._last_day: int | None = None
        self._extending = False
        self._handles: dict[str, str] = {}
        self._looks: dict[str, Style] = {}
        self.selection_anchor: int | None = None
        """Where the selection started (a message index), or None: no selection."""

    # -- content -------------------------------------------------------------------

    @property
    def message_ids(self) -> list[str]:
        return self._ids

    @property
    def highlighted_id(self) -> str | None:
        return self._ids[self.cursor] if 0 <= self.cursor < len(self._ids) else None

    def selected_ids(self) -> list[str]:
        """The selected messages (the cursor's alone when nothing is selected)."""
        if not self._ids or self.cursor < 0:
            return []
        low, high = self.selection()
        return self._ids[low : high + 1]

    def selection(self) -> tuple[int, int]:
        """The selected range of message indexes, inclusive."""
        anchor = (
            self.cursor
            if self.selection_anchor is None
            else min(self.selection_anchor, len(self._ids) - 1)
        )
        return min(anchor, self.cursor), max(anchor, self.cursor)

    def show(
        self,
        state: State,
        channel: str,
        ids: list[str],
        me: str,
        *,
        unread_from: int | None = None,
        relayout: bool = False,
    ) -> None:
        """Show a channel's messages (``ids``, oldest first); the cursor follows the
        newest message when it was on the newest, else stays on its message.

        Messages added at the end of what is shown are laid out alone; ``relayout``
        lays out everything again (a message was hidden or shown).
        """
        following = self.cursor < 0 or self.cursor >= len(self._ids) - 1
        wanted = self.highlighted_id
        same_channel = channel == self._channel
        old = self._ids
        appended = (
            same_channel
            and not relayout
            and state is self._state
            and unread_from == self._unread_from
            and len(ids) >= len(old)
            and (not old or ids[len(old) - 1] == old[-1])
        )
        self._channel = channel
        if state is not self._state:
            self._handles.clear()
        # A copy: the state's list grows as ops fold, before this view lays them out.
        self._state, self._ids, self._me = state, list(ids), me
        self._unread_from = unread_from
        if not same_channel:
            self.selection_anchor = None
            following = True
        if appended and self._layout_width == self._content_width():
            self._lay_from(len(old))
            self.virtual_size = self._virtual_size()
        else:
            self._layout(self._cut if same_channel else None)
        target = len(ids) - 1 if following or wanted is None else self._find(wanted)
        self.set_reactive(ChatView.cursor, target)
        if self.selection_anchor is not None and self.selection_anchor >= len(ids):
            self.selection_anchor = None
        self.forget_drawn()
        self.refresh()
        if following:
            self._extending = True  # not before it is at the end: the top is not in view
            # At the end now (before the first layout, as far as it goes: the layout
            # keeps the offset in range, so the first frame shows the newest messages),
            # and again once drawn, should the size have changed.
            self._scroll_to_end()
            self.call_after_refresh(self._follow)
        self.post_message(self.Highlighted(self, self.highlighted_id))

    def _find(self, message_id: str) -> int:
        # The cursor's message is usually near the end: look there first.
        ids = self._ids
        for index in range(len(ids) - 1, max(-1, len(ids) - 200), -1):
            if ids[index] == message_id:
                return index
        try:
            return ids.index(message_id)
        except ValueError:
            return len(ids) - 1

    def _content_width(self) -> int:
        width = self.scrollable_content_region.width or self.size.width or self._width_to_come()
        return max(10, width - GUTTER - TIME)

    def _width_to_come(self) -> int:
        """Before the view's first layout (the screen is being built): the width it will
        get, from the terminal's less the borders, padding and margins around it and the
        scrollbar, so the messages are laid out once, before the screen's first frame. A
        wrong guess costs a second layout when the size is known (see :meth:`on_resize`).

        With more messages than the terminal has rows the scrollbar is certain: it is
        shown now (Textual would decide so after the first layout, then lay out again)."""
        size = self.app.size
        width = size.width
        node: DOMNode | None = self
        while node is not None and not isinstance(node, Screen):
            width -= node.styles.gutter.width + node.styles.margin.width
            node = node.parent
        if len(self._ids) >= size.height and self.styles.overflow_y != "hidden":
            width -= self.styles.scrollbar_size_vertical
            self.show_vertical_scrollbar = True
        return width

    def _virtual_size(self) -> Size:
        # No width: lines are cropped to the view, never scrolled sideways, and the
        # virtual size stays the same when the view gets its real size.
        return Size(0, self._total)

    def _handle(self, member: str) -> str:
        handle = self._handles.get(member)
        if handle is None:
            state = self._state
            found = state.members.get(member) if state else None
            handle = self._handles[member] = clean_line(found.handle if found else member)
        return handle

    def _lay(self, message_id: str, width: int) -> _Laid:
        assert self._state is not None
        message = self._state.chat_messages[message_id]
        handle = self._handle(message.author)
        if message.hidden:
            body = HIDDEN
        elif _plain(message.text):
            body = message.text
        else:
            body = clean_line(" ".join(message.text.split()))
        text = f"{handle}  {body}"
        if len(text) <= width and text.isascii():
            rows = [(0, len(text))]
        else:
            rows = wrap_offsets(text, width) or [(0, 0)]
        return _Laid(message.hidden, text, len(handle), rows)

    def _first_cut(self) -> int:
        """Where exact layout starts on opening: the newest messages (the view opens at
        the newest; older ones, and the unread marker if it is further back, are laid
        out as they come into view). A backlog of thousands costs no more to open."""
        return max(0, len(self._ids) - CHUNK)

    def _layout(self, cut: int | None = None) -> None:
        """Lay out messages from ``cut`` (default :meth:`_first_cut`) to the newest.

        Messages before the cut count one row each until they are laid out (scrolling
        near them extends the layout, see :meth:`_extend`), so opening a channel of
        50,000 messages costs the newest few hundred.
        """
        self.forget_drawn()
        width = self._content_width()
        if width != self._layout_width:
            self._laid.clear()
        self._layout_width = width
        n = len(self._ids)
        self._cut = min(self._first_cut() if cut is None else cut, n)
        self._firsts, self._owners, self._starts = [], [], []
        self._total = self._cut
        self._last_day = None
        self._lay_from(self._cut)
        self.virtual_size = self._virtual_size()

    def _lay_from(self, begin: int) -> None:
        """Add the rows of messages ``begin`` to the newest after what is laid out."""
        state = self._state
        if state is None:
            return
        width = self._layout_width
        laid = self._laid
        firsts, owners, starts = self._firsts, self._owners, self._starts
        total = self._total
        unread_from = self._unread_from
        # Days in local time, from the zone's offset now: one division per message.
        offset = time.localtime().tm_gmtoff * 1000
        last_day = self._last_day
        messages = state.chat_messages
        for index in range(begin, len(self._ids)):
            message_id = self._ids[index]
            message = messages[message_id]
            day = (message.at + offset) // DAY_MS
            if day != last_day:
                last_day = day
                firsts.append(total)
                owners.append(_day_row(index))
                total += 1
            if index == unread_from:
                firsts.append(total)
                owners.append(MARKER)
                total += 1
            entry = laid.get(message_id)
            if entry is None or entry.hidden != message.hidden:
                entry = laid[message_id] = self._lay(message_id, width)
            firsts.append(total)
            owners.append(index)
            starts.append(total)
            total += len(entry.rows)
        self._total, self._last_day = total, last_day

    def _extend(self) -> None:
        """Lay out older messages (as many again as are laid out), keeping the rows on
        screen where they are."""
        self._extending = False
        if self._cut <= 0 or self._state is None:
            return
        top = self.scroll_offset.y
        from_end = self._total - top
        index, part = self._row(top) if top < self._total else (-1, 0)
        laid = len(self._ids) - self._cut
        # At the oldest message (home, or the scrollbar dragged to the top) the doubling
        # would go on to the first message a frame at a time: lay it all out at once.
        self._layout(0 if index == 0 else max(0, self._cut - max(CHUNK, laid)))
        # The message at the top stays at the top (a day or marker row: the distance
        # from the end stays, as the rows after the old cut did not move).
        y = self._first_row(index) + part if index > 0 else self._total - from_end
        if index == 0:
            y = 0  # the oldest message: its day row too
        self.scroll_to(y=max(0, y), animate=False, force=True)
        self.refresh()
        if self._cut > 0 and y < self._cut + self.size.height:  # still near: more
            self._extending = True
            self.call_after_refresh(self._extend)

    def line_count(self) -> int:
        return self._total

    def _row(self, row: int) -> tuple[int, int]:
        """(message index or MARKER, which of its rows) on virtual row ``row``."""
        if row < self._cut:  # not laid out yet: one row per message
            return row, 0
        at = bisect_right(self._firsts, row) - 1
        return self._owners[at], row - self._firsts[at]

    def _first_row(self, index: int) -> int:
        """The row of a message's first line."""
        return index if index < self._cut else self._starts[index - self._cut]

    def document_text(self) -> str:
        """Every row as plain text (what a reader sees, unstyled): for tests."""
        return "\n".join(self._row_text(row).plain.rstrip() for row in range(self._total))

    # -- cursor --------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        self.forget_drawn()
        self.refresh()
        if 0 <= new < len(self._ids):
            self._scroll_to_message(new)
            self.post_message(self.Highlighted(self, self._ids[new]))

    def _scroll_to_message(self, index: int) -> None:
        first = self._first_row(index)
        rows = 1 if index < self._cut else len(self._laid[self._ids[index]].rows)
        height = self.scrollable_content_region.height or self.size.height or 1
        top = self.scroll_offset.y
        if first < top:
            self.scroll_to(y=first, animate=False, force=True)
        elif first + rows > top + height:
            self.scroll_to(y=first + rows - height, animate=False, force=True)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self._cut > 0 and not self._extending and new_value < self._cut + self.size.height:
            self._extending = True  # older messages come into view: lay them out
            self.call_after_refresh(self._extend)

    def _follow(self) -> None:
        self._scroll_to_end()
        self._extending = False

    def _scroll_to_end(self) -> None:
        self.scroll_to(y=max(0, self._total - self.size.height), animate=False, force=True)

    def action_move(self, step: int) -> None:
        if self._ids:
            self.cursor = min(max(self.cursor + step, 0), len(self._ids) - 1)

    def action_page(self, direction: int) -> None:
        height = max(1, (self.scrollable_content_region.height or 1) - 1)
        if self._ids:
            # Move the cursor about a page of messages, then keep it in view.
            step = max(1, height // 2)
            self.cursor = min(max(self.cursor + direction * step, 0), len(self._ids) - 1)

    def action_jump(self, where: int) -> None:
        if self._ids:
            self.cursor = 0 if where == 0 else len(self._ids) - 1
            if where != 0:
                self._scroll_to_end()

    def action_select(self) -> None:
        """Start a selection at the cursor, or drop the one there is."""
        self.selection_anchor = None if self.selection_anchor is not None else self.cursor
        self.forget_drawn()
        self.refresh()

    def clear_selection(self) -> bool:
        """Drop the selection; False when there was none."""
        if self.selection_anchor is None:
            return False
        self.selection_anchor = None
        self.forget_drawn()
        self.refresh()
        return True

    def on_click(self, event: events.Click) -> None:
        row = event.y + self.scroll_offset.y
        if 0 <= row < self._total:
            index, _ = self._row(row)
            if index >= 0:
                self.cursor = index

    # -- rendering -----------------------------------------------------------------

    def on_resize(self) -> None:
        if self._content_width() != self._layout_width and self._state is not None:
            keep = self.cursor
            self._layout(self._cut)
            if 0 <= keep < len(self._ids):
                self.call_after_refresh(self._scroll_to_message, keep)
        # Drawn lines are kept per width (a new height draws the new rows only).
        self.virtual_size = self._virtual_size()

    def forget_drawn(self) -> None:
        super().forget_drawn()
        self._looks.clear()

    def _style(self, name: str) -> Style:
        """A component class's style (``""``: the view's own), kept until focus or the
        theme changes (they are looked up for every line drawn)."""
        style = self._looks.get(name)
        if style is None:
            style = self.rich_style if not name else self.get_component_rich_style(name)
            self._looks[name] = style
        return style

    def _row_text(self, row: int) -> Text:
        """One row's text, styled (no gutter)."""
        index, part = self._row(row)
        if index == MARKER:
            label = "── new messages ──"
            return Text(" " * TIME + label, style=self._style("chat-view--marker"), end="")
        assert self._state is not None
        if index < MARKER:  # the day the next message starts
            first = self._state.chat_messages[self._ids[-2 - index]]
            label = time.strftime("── %a %d %b ──", time.localtime(first.at / 1000))
            return Text(" " * TIME + label, style=self._style("chat-view--time"), end="")
        message_id = self._ids[index]
        message = self._state.chat_messages[message_id]
        laid = self._laid.get(message_id)
        if laid is None:  # before the cut: its first row until it is laid out
            laid = self._laid[message_id] = self._lay(message_id, self._layout_width)
        start, end = laid.rows[part]
        text = Text(end="")
        if part == 0:
            clock = time.strftime("%H:%M", time.localtime(message.at / 1000))
            text.append(f"{clock} ", self._style("chat-view--time"))
        else:
            text.append(" " * TIME)
        slice_ = laid.text[start:end]
        handle_end = laid.handle_end
        if start < handle_end:
            cut = min(end, handle_end) - start
            who = "chat-view--me" if message.author == self._me else "chat-view--author"
            text.append(slice_[:cut], self._style(who))
            slice_ = slice_[cut:]
        text.append(slice_, self._style("chat-view--hidden") if laid.hidden else "")
        return text

    def render_line(self, y: int) -> Strip:
        row = y + self.scroll_offset.y
        width = self.scrollable_content_region.width or self.size.width
        if not 0 <= row < self._total:
            return Strip.blank(width, self._style(""))
        index, _ = self._row(row)
        current = index == self.cursor and index >= 0
        low, high = self.selection() if self.selection_anchor is not None else (-1, -2)
        selected = low <= index <= high and index >= 0
        key = (row, width, current, selected)
        strip = self._strips.get(key)
        if strip is not None:
            return strip
        line_style = self._style("")
        if selected:
            line_style = line_style + self._style("chat-view--selected")
        if current and self.has_focus:
            line_style = line_style + self._style("chat-view--cursor-row")
        text = self._row_text(row)
        text.no_wrap = True
        gutter = "▌ " if current else ("┃ " if selected else "  ")
        gutter_style = self._style("chat-view--cursor") if current or selected else Style()
        segments = [Segment(gutter, line_style + gutter_style)]
        segments += [
            Segment(s.text, line_style + s.style if s.style else line_style, s.control)
            for s in text.render(self.app.console)
            if s.text != "\n"
        ]
        strip = Strip(segments).extend_cell_length(width, line_style).crop(0, width)
        self._strips[key] = strip
        return strip
