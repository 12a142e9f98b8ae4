"""``?``: every key binding that works here, with what it does."""

from __future__ import annotations

from collections.abc import Hashable
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.cache import LRUCache
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.screen import ModalScreen
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from cohort_tui.ui.text import member_block, member_line


class KeyTable(Widget):
    """The keys table, drawn once per width and kept between opens.

    A Rich ``Table`` in a ``Static`` is rendered again for every measure and every
    frame (about 100 ms each time help opened on a busy pane). Here its lines are
    rendered once for each width the layout asks about (it measures at two: with and
    without the scrollbar's gutter) and kept in :data:`DRAWN` under ``key``, what the
    table shows: opening help again on the same screen renders no table at all.
    """

    DEFAULT_CSS = "KeyTable { height: auto; }"

    DRAWN: ClassVar[LRUCache[tuple[Hashable, ...], list[Strip]]] = LRUCache(16)
    """Drawn tables by (what they show, theme, width): a few screens' help, two widths
    each."""

    def __init__(self, table: Table, key: Hashable) -> None:
        super().__init__()
        self._table = table
        self._key = key

    def _lines(self, width: int) -> list[Strip]:
        key = (self._key, self.app.theme, width)
        lines = self.DRAWN.get(key)
        if lines is None:
            console = self.app.console
            rendered = console.render_lines(
                self._table, console.options.update_width(width), pad=True
            )
            lines = [Strip(line, width) for line in rendered]
            self.DRAWN[key] = lines
        return lines

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(width))

    def render_line(self, y: int) -> Strip:
        width = self.content_size.width
        lines = self._lines(width)
        strip = lines[y] if y < len(lines) else Strip.blank(width)
        return strip.apply_style(self.rich_style)


class HelpScreen(ModalScreen[None]):
    """A modal table of key bindings, gathered from the screen underneath."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 76; max-width: 100%; height: auto; max-height: 90%;
        border: round $primary; background: $surface; padding: 0 1;
        scrollbar-gutter: stable;  /* one width: the table is not wrapped twice */
    }
    """

    BINDINGS = [
        Binding(
            "escape,q,question_mark", "dismiss", "Close", id="help.close", tooltip="Close the help"
        ),
    ]

    def __init__(self, rows: list[tuple[str, str, str, str]], title: str) -> None:
        super().__init__()
        self.rows = rows
        self.title_text = title

    def compose(self) -> ComposeResult:
        table = Table(
            box=None,
            expand=True,
            show_header=True,
            header_style="bold",
            title=Text(self.title_text, style="bold"),  # our words: the screen name
        )
        table.add_column("Key", no_wrap=True, style="bold")
        table.add_column("Action", no_wrap=True)
        table.add_column("What it does", ratio=1)
        current = ""
        for section, key, description, tooltip in self.rows:
            if section != current:
                current = section
                table.add_row(Text(section, style="bold underline"), "", "")
            # Keys come from the user's keymap; a str cell would be parsed as markup.
            table.add_row(member_line(key), member_line(description), member_block(tooltip))
        with VerticalScroll():
            yield KeyTable(table, (self.title_text, tuple(self.rows)))
            yield Static(Text("Ctrl+P opens the command palette · Esc closes this", style="dim"))

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
