"""The write-up form for a showcase entry: a title, what was built, what feedback changed."""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from cohort_tui.domain.sanitize import clean_line
from cohort_tui.ui.screens.dialogs import DIALOG_CSS
from cohort_tui.ui.text import member_line


class WriteUp(NamedTuple):
    title: str
    built: str
    feedback: str


class ShowcaseForm(ModalScreen[WriteUp | None]):
    """Three lines to fill; enter on the last (or ctrl+s) publishes, escape closes.

    | Key | Action |
    |---|---|
    | tab / shift+tab | next / previous field |
    | enter (last field), ctrl+s | publish |
    | escape | close without publishing |
    """

    DEFAULT_CSS = DIALOG_CSS.format(name="ShowcaseForm") + (
        "ShowcaseForm Label { margin-top: 1; color: $text-muted; }"
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close", id="showcase_form.close", tooltip="Close unsaved"),
        Binding("ctrl+s", "save", "Publish", id="showcase_form.save", tooltip="Publish it"),
    ]

    def __init__(self, heading: str, current: WriteUp | None = None) -> None:
        super().__init__()
        self.heading = heading
        # An Input draws its value as it is: what a replica wrote is cleaned first.
        self.current = WriteUp(*(clean_line(v) for v in current)) if current else None

    def compose(self) -> ComposeResult:
        now = self.current
        with Vertical():
            yield Static(member_line(self.heading, "bold"))
            yield Label("Title")
            yield Input(now.title if now else "", max_length=120, id="form-title")
            yield Label("What you built")
            yield Input(now.built if now else "", max_length=2_000, id="form-built")
            yield Label("What feedback changed it (optional)")
            yield Input(now.feedback if now else "", max_length=2_000, id="form-feedback")
            yield Static(
                "enter on the last line or ctrl+s publishes · esc closes", classes="dialog-help"
            )

    def _values(self) -> WriteUp:
        return WriteUp(
            *(
                " ".join(self.query_one(f"#form-{name}", Input).value.split())
                for name in ("title", "built", "feedback")
            )
        )

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "form-feedback":
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        values = self._values()
        if not values.title or not values.built:
            self.notify("A title and what you built are needed.", severity="warning")
            return
        self.dismiss(values)

    def action_cancel(self) -> None:
        self.dismiss(None)
