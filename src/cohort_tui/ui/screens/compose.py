"""The composer: a modal for a new thread or a reply, in a TextArea."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static, TextArea

from cohort_tui.domain.op_kinds import Body
from cohort_tui.ui.text import member_line

BODY_LIMIT: int = Body.__metadata__[0].max_length  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Draft:
    """What the composer returns: a title (new threads only) and a body."""

    title: str
    body: str


class ComposeScreen(ModalScreen[Draft | None]):
    """Write a post. ``ctrl+s`` sends, ``escape`` cancels (nothing is written)."""

    DEFAULT_CSS = """
    ComposeScreen { align: center middle; }
    ComposeScreen > Vertical {
        width: 90%; max-width: 100; height: 80%; border: round $primary;
        background: $surface; padding: 0 1;
    }
    ComposeScreen #compose-title { margin-bottom: 1; }
    ComposeScreen #compose-body { height: 1fr; }
    ComposeScreen #compose-help { height: 1; color: $foreground 60%; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "send", "Send", id="compose.send", priority=True, tooltip="Post it"),
        Binding("escape", "cancel", "Cancel", id="compose.cancel", tooltip="Close without posting"),
    ]

    def __init__(self, heading: str, *, with_title: bool, title: str = "", body: str = "") -> None:
        super().__init__()
        self.heading = heading
        self.with_title = with_title
        self.initial_title = title
        self.initial_body = body

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(member_line(self.heading, "bold"))
            title = Input(self.initial_title, placeholder="Title", id="compose-title")
            title.display = self.with_title
            yield title
            yield TextArea(
                self.initial_body, id="compose-body", soft_wrap=True, show_line_numbers=False
            )
            yield Static("ctrl+s posts · esc cancels · @handle mentions someone", id="compose-help")

    def on_mount(self) -> None:
        if self.with_title and not self.initial_title:
            self.query_one("#compose-title", Input).focus()
        else:
            area = self.query_one("#compose-body", TextArea)
            area.focus()
            area.move_cursor(area.document.end)

    def action_send(self) -> None:
        title = self.query_one("#compose-title", Input).value.strip()
        body = self.query_one("#compose-body", TextArea).text
        if self.with_title and not title:
            self.notify("Give the thread a title.", severity="warning")
            return
        if not body.strip():
            self.notify("Write something first.", severity="warning")
            return
        if len(body) > BODY_LIMIT or len(title) > 300:
            self.notify(
                f"Too long: a post may have {BODY_LIMIT:,} characters and a title 300.",
                severity="warning",
            )
            return
        self.dismiss(Draft(title=title, body=body))

    def action_cancel(self) -> None:
        self.dismiss(None)
