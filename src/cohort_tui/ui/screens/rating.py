"""A small modal: rate my skill for a lesson, before or after, 1 to 5."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from cohort_tui.ui.text import member_line

LABELS = {
    1: "new to me",
    2: "seen it",
    3: "can do it with help",
    4: "can do it alone",
    5: "could teach it",
}


class RatingScreen(ModalScreen[tuple[str, int] | None]):
    """Dismisses with ``(phase, rating)`` or None when cancelled."""

    DEFAULT_CSS = """
    RatingScreen { align: center middle; }
    RatingScreen > Vertical {
        width: 52; height: auto; border: round $primary; background: $surface; padding: 0 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(
                str(n),
                f"rate({n})",
                f"{n}",
                id=f"rating.{n}",
                show=False,
                tooltip=f"Rate {n}: {LABELS[n]}",
            )
            for n in range(1, 6)
        ),
        Binding(
            "tab,b,a",
            "switch_phase",
            "Before/after",
            id="rating.phase",
            tooltip="Switch between rating before and after the lesson",
        ),
        Binding("escape", "cancel", "Cancel", id="rating.cancel", tooltip="Close without rating"),
    ]

    def __init__(self, lesson_title: str, phase: str, current: dict[str, int | None]) -> None:
        super().__init__()
        self.lesson_title = lesson_title
        self.phase = phase
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(id="rating-body")

    def on_mount(self) -> None:
        self._draw()

    def _draw(self) -> None:
        text = Text(end="")
        text.append("Rate your skill: ", style="bold")
        text.append_text(member_line(self.lesson_title, limit=30))
        text.append("\n\n")
        for phase in ("before", "after"):
            marker = "▶ " if phase == self.phase else "  "
            value = self.current.get(phase)
            text.append(f"{marker}{phase:<7}", style="bold" if phase == self.phase else "")
            text.append(f"{value if value else '-'}\n")
        text.append("\n")
        for n, label in LABELS.items():
            text.append(f" {n} ", style="bold reverse")
            text.append(f" {label}\n")
        text.append("\nTab switches before/after · Esc cancels", style="dim")
        self.query_one("#rating-body", Static).update(text)

    def action_rate(self, rating: int) -> None:
        self.dismiss((self.phase, rating))

    def action_switch_phase(self) -> None:
        self.phase = "after" if self.phase == "before" else "before"
        self._draw()

    def action_cancel(self) -> None:
        self.dismiss(None)
