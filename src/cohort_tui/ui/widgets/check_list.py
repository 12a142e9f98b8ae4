"""A ``SelectionList`` whose boxes say their state in a glyph, ready for Space on focus.

Textual's list draws ``▐X▌`` for a chosen and an unchosen row alike and tells them apart
by colour only (under NO_COLOR, two greys). Here a chosen row's box holds ``✓`` and an
unchosen one a blank. Tabbing into Textual's list highlights no row, so Space did
nothing until an arrow was pressed; here focus highlights the first row.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import SelectionList
from textual.widgets.option_list import OptionDoesNotExist

SelectionType = TypeVar("SelectionType")

CHOSEN = "✓"
"""The glyph in a chosen row's box (an unchosen box is blank)."""


class CheckList(SelectionList[SelectionType], Generic[SelectionType]):
    """A list of rows to tick with Space; the state reads without colour.

    | Key | Action |
    |---|---|
    | up / down | previous / next row |
    | space | tick or untick the highlighted row |
    """

    def on_focus(self) -> None:
        if self.highlighted is None and self.option_count:
            self.highlighted = 0

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        try:
            selection = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        segments = list(strip)
        if len(segments) < 3:
            return strip
        box = segments[1]  # left side, box, right side, then the prompt
        mark = CHOSEN if selection.value in self.selected else " "
        segments[1] = Segment(mark, box.style, box.control)
        return Strip(segments, strip.cell_length)
