"""The Insights report's tables are cut at the pane's edge, never wrapped mid-row
(issue 14, layout)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from tests.ui.helpers import make_app


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_report_rows_are_not_wrapped(tmp_path: Path, size: tuple[int, int]) -> None:
    app = make_app(tmp_path / "s", "m_ada", open_target="milestones")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        await pilot.pause()
        detail = app.screen.query_one("#ms-detail", Static)
        report = str(detail.render())
        assert report.startswith("Cohort report")
        assert detail.size.height == len(report.splitlines())  # one screen row per line
