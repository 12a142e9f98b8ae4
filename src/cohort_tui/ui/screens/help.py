"""``?``: every key binding that works here, with what it does."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from cohort_tui.ui.text import member_block, member_line


class HelpScreen(ModalScreen[None]):
    """A modal table of key bindings, gathered from the screen underneath."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 76; max-width: 100%; height: auto; max-height: 90%;
        border: round $primary; background: $surface; padding: 0 1;
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
            yield Static(table)
            yield Static(Text("Ctrl+P opens the command palette · Esc closes this", style="dim"))

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
