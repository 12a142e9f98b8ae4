"""A dialog closed leaves nothing of itself in memory (Textual's render memo)."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from textual.widgets import Static

from cohort_tui.ui.screens.help import HelpScreen
from tests.ui.helpers import make_app


async def test_closed_help_leaves_no_widget_behind(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=(100, 30)) as pilot:
        gone: list[list[weakref.ref[object]]] = []
        for _ in range(4):
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            gone.append([weakref.ref(w._styles_cache) for w in app.screen.query(Static)])
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, HelpScreen)
        await pilot.pause()
        gc.collect()
        # The first one's are held by Textual's one-off caches, the last one's may wait
        # for the next screen to come back: none of those in between.
        alive = [[ref() is not None for ref in refs] for refs in gone]
        assert not any(any(held) for held in alive[1:-1]), alive
