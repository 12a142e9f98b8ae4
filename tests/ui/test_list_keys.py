"""j / k move in every list, as the README says (issue 14, bug 4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.text import Text
from textual.app import App, ComposeResult

from cohort_tui.ui.widgets.row_list import Row, RowList
from tests.ui.helpers import make_app


@pytest.mark.parametrize(
    ("target", "member"),
    [("discussions", "m_sam"), ("milestones", "m_ada")],
)
async def test_j_and_k_move_the_cursor(tmp_path: Path, target: str, member: str) -> None:
    app = make_app(tmp_path / "s", member, open_target=target)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        listing = app.screen.query_one(RowList)
        listing.focus()
        await pilot.pause()
        assert sum(row.selectable for row in listing.rows) >= 2
        start = listing.cursor
        await pilot.press("j")
        assert listing.cursor > start
        await pilot.press("k")
        assert listing.cursor == start


class _Inbox(App[None]):
    def compose(self) -> ComposeResult:
        yield RowList()


async def test_every_row_list_moves_with_j_and_k() -> None:
    """The Reviews inbox and the Milestones sections are RowLists too."""
    app = _Inbox()
    async with app.run_test(size=(40, 10)) as pilot:
        listing = app.query_one(RowList)
        rows = [Row("head", Text("Heading"), selectable=False)]
        rows += [Row(f"r{i}", Text(f"row {i}")) for i in range(3)]
        listing.set_rows(rows)
        listing.focus()
        await pilot.pause()
        assert listing.highlighted_id == "r0"
        await pilot.press("j", "j")
        assert listing.highlighted_id == "r2"
        await pilot.press("k")
        assert listing.highlighted_id == "r1"
