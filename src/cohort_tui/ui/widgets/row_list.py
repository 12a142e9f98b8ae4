"""A virtualised list of one-line rows (Line API), for lists that can grow long.

Only the visible lines are rendered, each once per width and cursor state (cached), so
a list of 100k rows opens as fast as a list of ten. Rows are ``Text`` built by the
caller (member text already sanitised); headings are rows that cannot be selected.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, NamedTuple

from rich.segment import Segment
from rich.style import Style
from rich.text import Span, Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip

from cohort_tui.ui.widgets.line_view import LineView


class Row(NamedTuple):
    """One line: an id for the caller, what to show, and whether the cursor stops on it.

    ``text`` may be a function that builds the line: it is called only when the row is
    drawn, so a list of 20k rows costs 20k small objects, not 20k formatted lines.
    """

    id: str
    text: Text | Callable[[], Text]
    selectable: bool = True
    fit: Callable[[int], Text] | None = None
    """Builds the line for a width, when the row lays out columns (used over ``text``)."""

    def content(self, width: int | None = None) -> Text:
        if self.fit is not None and width is not None:
            return self.fit(width)
        return self.text if isinstance(self.text, Text) else self.text()


class RowList(LineView, can_focus=True):
    """A keyboard-first list of one-line rows, virtualised.

    | Key | Action |
    |---|---|
    | up / down, k / j | previous / next selectable row |
    | page up / page down | a page |
    | home / end | first / last row |
    | enter | select the row |
    """

    DEFAULT_CSS = """
    RowList { background: $surface; overflow-x: hidden; }
    RowList > .row-list--cursor { background: $block-cursor-blurred-background; }
    RowList:focus > .row-list--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground;
        text-style: bold;
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"row-list--cursor"}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Up", show=False, id="rows.up", tooltip="Previous row"),
        Binding("down", "move(1)", "Down", show=False, id="rows.down", tooltip="Next row"),
        Binding("k", "move(-1)", "Up", show=False, id="rows.vi_up", tooltip="Previous row"),
        Binding("j", "move(1)", "Down", show=False, id="rows.vi_down", tooltip="Next row"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="rows.page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="rows.page_down"),
        Binding("home", "jump(0)", "First", show=False, id="rows.first"),
        Binding("end", "jump(-1)", "Last", show=False, id="rows.last"),
        Binding(
            "enter",
            "select",
            "Open",
            show=False,
            id="rows.select",
            tooltip="Open the highlighted row",
        ),
    ]

    cursor: reactive[int] = reactive(-1, always_update=True, init=False)
    """Index of the highlighted row (-1: none)."""

    class Highlighted(Message):
        """The cursor moved to a row."""

        def __init__(self, row_list: RowList, row_id: str) -> None:
            super().__init__()
            self.row_list = row_list
            self.row_id = row_id

        @property
        def control(self) -> RowList:
            return self.row_list

    class Selected(Highlighted):
        """Enter (or a click) on a row."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._rows: list[Row] = []
        self._index: dict[str, int] = {}

    # -- content -------------------------------------------------------------------

    @property
    def rows(self) -> list[Row]:
        """The rows shown, in order."""
        return self._rows

    @property
    def highlighted_id(self) -> str | None:
        """The id of the row under the cursor."""
        return self._rows[self.cursor].id if 0 <= self.cursor < len(self._rows) else None

    def set_rows(self, rows: list[Row], *, keep: str | None = None) -> None:
        """Replace the rows; the cursor goes to ``keep`` (or stays on the same id)."""
        wanted = keep if keep is not None else self.highlighted_id
        self._rows = rows
        self._index = {row.id: i for i, row in enumerate(rows)}
        self.forget_drawn()
        self.virtual_size = Size(self.size.width, len(rows))
        target = self._index.get(wanted, -1) if wanted is not None else -1
        if target < 0 or not rows[target].selectable:
            target = self._next_selectable(-1, 1)
        self.set_reactive(RowList.cursor, target)
        self.refresh()
        if target >= 0:
            self.call_after_refresh(self._scroll_to_cursor)

    def redraw(self) -> None:
        """Same rows, but what lazy rows show may have changed: draw them again."""
        self.forget_drawn()
        self.refresh()

    def highlight(self, row_id: str) -> bool:
        """Move the cursor to a row by id; False if there is no such selectable row."""
        index = self._index.get(row_id)
        if index is None or not self._rows[index].selectable:
            return False
        self.cursor = index
        return True

    # -- cursor --------------------------------------------------------------------

    def _next_selectable(self, start: int, step: int) -> int:
        index = start + step
        while 0 <= index < len(self._rows):
            if self._rows[index].selectable:
                return index
            index += step
        return -1

    def watch_cursor(self, old: int, new: int) -> None:
        for index in (old, new):
            if 0 <= index < len(self._rows):
                self.forget_rows(index)
                self.refresh(Region(0, index - self.scroll_offset.y, self.size.width, 1))
        self._scroll_to_cursor()
        if 0 <= new < len(self._rows):
            self.post_message(self.Highlighted(self, self._rows[new].id))

    def _scroll_to_cursor(self) -> None:
        if self.cursor >= 0:
            self.scroll_to_region(Region(0, self.cursor, 1, 1), animate=False, force=True)

    def action_move(self, step: int) -> None:
        start = self.cursor if self.cursor >= 0 else (-1 if step > 0 else len(self._rows))
        target = self._next_selectable(start, step)
        if target >= 0:
            self.cursor = target

    def action_page(self, direction: int) -> None:
        height = max(1, self.scrollable_content_region.height - 1)
        start = min(max(self.cursor + direction * height, 0), max(len(self._rows) - 1, 0))
        if self._rows and not self._rows[start].selectable:
            start = self._next_selectable(start, direction)
        if start >= 0:
            self.cursor = start

    def action_jump(self, where: int) -> None:
        target = (
            self._next_selectable(-1, 1)
            if where == 0
            else self._next_selectable(len(self._rows), -1)
        )
        if target >= 0:
            self.cursor = target

    def action_select(self) -> None:
        if 0 <= self.cursor < len(self._rows):
            self.post_message(self.Selected(self, self._rows[self.cursor].id))

    def on_click(self, event: events.Click) -> None:
        index = event.y + self.scroll_offset.y
        if 0 <= index < len(self._rows) and self._rows[index].selectable:
            self.cursor = index
            if event.chain >= 2:
                self.action_select()

    # -- rendering -----------------------------------------------------------------

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self._rows))
        self.forget_drawn()

    def render_line(self, y: int) -> Strip:
        index = y + self.scroll_offset.y
        width = self.scrollable_content_region.width or self.size.width
        base = self.rich_style
        if not 0 <= index < len(self._rows):
            return Strip.blank(width, base)
        selected = index == self.cursor
        key = (index, width, selected)
        strip = self._strips.get(key)
        if strip is None:
            text = self._rows[index].content(max(0, width - 1)).copy()
            text.no_wrap = True
            text.overflow = "ellipsis"
            text.truncate(max(0, width - 1), overflow="ellipsis")
            if text.style:  # Text.render() ignores the base style; make it a span
                text.spans.insert(0, Span(0, len(text), text.style))
                text.style = ""
            segments = [
                Segment(" "),
                *(seg for seg in text.render(self.app.console) if seg.text != "\n"),
            ]
            strip = Strip(segments).extend_cell_length(width).crop(0, width)
            style: Style = base
            if selected:
                style = base + self.get_component_rich_style("row-list--cursor")
                strip = strip.apply_style(style)
            else:
                strip = Strip(
                    [Segment(s.text, base + s.style if s.style else base, s.control) for s in strip]
                )
            self._strips[key] = strip
        return strip
