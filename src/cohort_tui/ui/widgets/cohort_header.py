"""The one-line header: cohort, screen, who I am, unread and sync state."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from cohort_tui.ui.text import member_line


class CohortHeader(Widget):
    """Cohort name, the current screen, ``@me``, unread count and the sync state.

    Built from ``Text`` so a hostile cohort name or handle cannot inject markup.
    """

    DEFAULT_CSS = """
    CohortHeader {
        dock: top;
        height: 1;
        background: $panel;
        color: $foreground;
    }
    """

    cohort_name: reactive[str] = reactive("")
    screen_title: reactive[str] = reactive("")
    handle: reactive[str] = reactive("")
    unread: reactive[int] = reactive(0)
    reviews: reactive[int] = reactive(0)
    sync_state: reactive[str] = reactive("local")

    def render(self) -> Text:
        left = Text(" ", end="")
        left.append_text(member_line(self.cohort_name, style="bold", limit=30))
        if self.screen_title:
            left.append(" · ")
            left.append(self.screen_title, style="bold")
        right = Text(end="")
        if self.reviews:
            right.append(f"{self.reviews} to review", style="bold")
            right.append("  ")
        if self.unread:
            right.append(f"{self.unread} unread", style="bold")
            right.append("  ")
        right.append_text(member_line("@" + self.handle, limit=20))
        right.append("  ")
        right.append_text(member_line(self.sync_state, "italic"))
        right.append(" ")
        width = self.size.width
        gap = max(1, width - left.cell_len - right.cell_len)
        if left.cell_len + right.cell_len + 1 > width:
            left.truncate(max(0, width - right.cell_len - 1), overflow="ellipsis")
            gap = max(1, width - left.cell_len - right.cell_len)
        return Text.assemble(left, " " * gap, right, end="")
