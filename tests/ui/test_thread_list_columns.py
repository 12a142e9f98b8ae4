"""The thread list shows the title and, as the width allows, replies, last activity,
author and lesson, in columns that line up; the active filter is in its title
(issue 14, layout)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cohort_tui.ui.widgets.row_list import RowList
from tests.ui.helpers import make_app


def _lines(listing: RowList) -> list[str]:
    return [
        "".join(s.text for s in listing.render_line(y)).rstrip() for y in range(len(listing.rows))
    ]


@pytest.mark.parametrize("size", [(100, 30), (80, 24)])
async def test_rows_show_replies_and_activity_in_columns(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    app = make_app(tmp_path / "s", open_target="discussions")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        listing = app.screen.query_one(RowList)
        lines = _lines(listing)
        assert all("↩" in line for line in lines), lines
        assert len({line.index("↩") for line in lines}) == 1  # a column
        assert all(len(line) <= listing.size.width for line in lines)
        if size[0] >= 100:
            assert all(
                line.split()[-1] in {"ago", "Nov", "Dec"} or line[-1] in "hdm" for line in lines
            ), lines


async def test_wide_rows_add_author_and_lesson(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="discussions")
    async with app.run_test(size=(180, 30)) as pilot:
        await pilot.pause()
        lines = _lines(app.screen.query_one(RowList))
        assert all("@" in line for line in lines), lines
        assert any("Files and paths" in line for line in lines), lines


async def test_the_active_filter_is_in_the_lists_title(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="discussions")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        title = str(app.screen.query_one("#disc-left").border_title)
        total = len(app.replica.state.threads)
        assert title.startswith("Threads: unread (") and title.endswith(f" of {total})")
