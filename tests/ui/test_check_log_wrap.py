"""Check output wraps at the log's width instead of being cut (issue 14, layout)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cohort_tui.ui.screens.curriculum import CurriculumScreen
from cohort_tui.ui.widgets.check_panel import CheckPanel
from tests.ui.helpers import make_app

LONG = "AssertionError: expected ['1', '2', 'Fizz', '4', 'Buzz'] but got " + "x" * 90 + " END"


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_a_long_check_line_wraps(tmp_path: Path, size: tuple[int, int]) -> None:
    app = make_app(tmp_path / "s", open_target="lesson:core-functions")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CurriculumScreen)
        log = screen.query_one("#check-log", CheckPanel)
        log.add_class("-shown")
        await pilot.pause()
        log.add_line(LONG)
        await pilot.pause()
        width = log.scrollable_content_region.width
        texts = ["".join(s.text for s in line).rstrip() for line in log.lines]
        assert all(len(text) <= width for text in texts), (width, texts)
        assert "".join(texts).replace(" ", "") == LONG.replace(" ", "")  # nothing lost
