"""What every section of the milestone tracker shares: a list of rows on the left, the
highlighted row's details on the right, refilled from the store when the screen asks.

A section is one widget with its own ``BINDINGS``: its keys work, and the footer shows
them, only while it is the section shown (the screen mounts one section at a time).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Static

from cohort_tui.domain.permissions import may_write, sees_figures
from cohort_tui.ui.host import HostAccess
from cohort_tui.ui.widgets.row_list import Row, RowList

NOT_A_TARGET = (None, "none", "heading", "report")
"""Row ids no action applies to: the placeholder, headings and the metrics report."""


def section_binding(key: str, action: str, label: str, name: str, tip: str) -> Binding:
    """A section's key, with the id users remap it by (``milestones.<name>``)."""
    return Binding(key, action, label, id=f"milestones.{name}", tooltip=tip)


class TrackerSection(HostAccess, Horizontal):
    """One section of the tracker: subclasses give its rows, a row's details, its keys.

    Attributes below are the section's identity; the screen builds its tabs and its
    section keys from them.
    """

    SECTION_ID: ClassVar[str] = ""
    """The section's name, as ``open_target`` and the tabs know it."""
    KEY: ClassVar[str] = ""
    """The key that shows the section (a screen binding)."""
    TITLE: ClassVar[str] = ""
    """The tab's and the list's title."""

    DEFAULT_CSS = """
    TrackerSection { height: 1fr; }
    TrackerSection #ms-left { width: 3fr; min-width: 30; }
    TrackerSection #ms-list { height: 1fr; }
    TrackerSection #ms-right { width: 2fr; }
    TrackerSection #ms-detail { padding: 0 1; }
    TrackerSection #ms-detail.-table { text-wrap: nowrap; text-overflow: ellipsis; }
    TrackerSection.-wide #ms-left { width: 1fr; }
    TrackerSection.-wide #ms-right { width: 3fr; }
    """

    def compose(self) -> ComposeResult:
        with Vertical(id="ms-left", classes="panel") as left:
            left.border_title = self.TITLE
            yield RowList(id="ms-list")
        with Vertical(id="ms-right", classes="panel") as right:
            right.border_title = "Details"
            with VerticalScroll(id="ms-scroll"):
                yield Static(id="ms-detail")

    # -- what a section draws (subclasses) -----------------------------------------

    def rows(self) -> list[Row]:
        """The list's rows, from the current state."""
        raise NotImplementedError

    def detail(self, row_id: str) -> Text:
        """The details of one row."""
        raise NotImplementedError

    def is_table(self, row_id: str) -> bool:
        """Whether a row's details are laid out in columns (cut at the edge, not wrapped)."""
        return False

    # -- the state, as the screen sees it ------------------------------------------

    def may(self, kind: str) -> bool:
        """Whether I hold a role the op ``kind`` needs (``domain.permissions``)."""
        return may_write(self.state, self.me, kind)

    def sees_figures(self) -> bool:
        """Whether I see the whole cohort's figures (facilitators and mentors)."""
        return sees_figures(self.state, self.me)

    def refuse(self, who: str) -> None:
        """Say that only ``who`` may do what was asked."""
        self.notify(f"Only {who} can do that.", severity="warning")

    # -- list and details ----------------------------------------------------------

    @property
    def listing(self) -> RowList:
        """The section's list."""
        return self.query_one("#ms-list", RowList)

    def target(self) -> str | None:
        """The highlighted row's id, if an action can apply to it."""
        row = self.listing.highlighted_id
        return row if row not in NOT_A_TARGET else None

    def refill(self, keep: str | None = None) -> None:
        """Rows again from the state; the cursor stays on ``keep`` or the same id."""
        rows = self.rows()
        if not any(row.selectable for row in rows):
            rows.append(Row("none", Text("Nothing here yet.", style="italic"), selectable=False))
        listing = self.listing
        listing.set_rows(rows, keep=keep)
        self.show_detail(listing.highlighted_id)

    @on(RowList.Highlighted)
    def _row_highlighted(self, event: RowList.Highlighted) -> None:
        self.show_detail(event.row_id)

    def show_detail(self, row_id: str | None) -> None:
        """Show a row's details (nothing for the placeholder row)."""
        text = self.detail(row_id) if row_id and row_id != "none" else Text("")
        panel = self.query_one("#ms-detail", Static)
        # Textual draws by the widget's text-wrap, not the Text's no_wrap.
        panel.set_class(row_id is not None and self.is_table(row_id), "-table")
        panel.update(text)
