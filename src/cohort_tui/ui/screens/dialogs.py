"""Small modals every screen uses: pick one of a few options, type one line, read a text."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from cohort_tui.domain.sanitize import clean_line
from cohort_tui.ui.text import member_line

DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 70%; max-width: 80; height: auto; max-height: 80%;
    border: round $primary; background: $surface; padding: 0 1;
}}
{name} .dialog-help {{ color: $foreground 60%; }}
"""


class _EscapeBurst:
    """A terminal reads ESC straight followed by a key as one key, ``alt+KEY`` (``f``
    Escape ``j`` sent in one burst by tmux, or typed fast). A dialog that binds no such
    key takes it as what was meant: close, then the key, for the screen underneath.
    The app calls :meth:`close_for_key` with any ``alt+`` key nothing bound: sent before
    the dialog was up, the key went to the screen behind it and bubbled to the app."""

    def close_for_key(self, key: str) -> bool:
        screen = cast(ModalScreen[object], self)
        screen.dismiss(None)
        screen.app.simulate_key(key)
        return True


class ChoiceScreen(_EscapeBurst, ModalScreen[str | None]):
    """Pick one option (Enter) or close (Escape). Options are ``(id, Text)``: a short list."""

    DEFAULT_CSS = (
        DIALOG_CSS.format(name="ChoiceScreen") + "ChoiceScreen OptionList { max-height: 20; }"
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close", id="dialog.close", tooltip="Close without choosing")
    ]

    def __init__(self, title: str, options: list[tuple[str, Text]], current: str = "") -> None:
        super().__init__()
        self.heading = title
        self.options = options
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(member_line(self.heading, "bold"))
            yield OptionList(*(Option(text, id=key) for key, text in self.options))
            yield Static("enter chooses · esc closes", classes="dialog-help")

    def on_mount(self) -> None:
        listing = self.query_one(OptionList)
        ids = [key for key, _ in self.options]
        if self.current in ids:
            listing.highlighted = ids.index(self.current)
        listing.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PromptScreen(ModalScreen[str | None]):
    """Type one line (Enter) or close (Escape)."""

    DEFAULT_CSS = DIALOG_CSS.format(name="PromptScreen")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close", id="dialog.close", tooltip="Close without saving")
    ]

    def __init__(
        self,
        title: str,
        *,
        placeholder: str = "",
        value: str = "",
        max_length: int = 500,
        keep: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__()
        self.heading = title
        self.placeholder = placeholder
        self.value = clean_line(value)  # an Input draws its value as it is
        self.max_length = max_length
        self._keep = keep

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(member_line(self.heading, "bold"))
            yield Input(self.value, placeholder=self.placeholder, max_length=self.max_length)
            yield Static("enter saves · esc closes", classes="dialog-help")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def keep_draft(self) -> None:
        """Hand a changed value to ``keep`` (the app is quitting or lost its terminal)."""
        if self._keep is None or not self.is_mounted:
            return
        value = self.query_one(Input).value
        if value != self.value:
            self._keep(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TextScreen(_EscapeBurst, ModalScreen[None]):
    """Read a longer text (already sanitised ``Text``); Escape closes."""

    DEFAULT_CSS = (
        DIALOG_CSS.format(name="TextScreen") + "TextScreen VerticalScroll { height: auto; }"
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", id="dialog.close", tooltip="Close")
    ]

    def __init__(self, title: str, body: Text) -> None:
        super().__init__()
        self.heading = title
        self.body = body

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(member_line(self.heading, "bold"))
            with VerticalScroll():
                yield Static(self.body)
            yield Static("esc closes", classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
