"""After the warm-up, the first visit to a screen parses no CSS and imports nothing.

A widget class mounted for the first time adds its default CSS and makes Textual parse
the whole stylesheet again (30-70 ms at 100k ops, in the middle of opening a screen).
The warm-up hands the stylesheet every class it will need while the app is idle; a new
widget class that it misses shows up here, not as a slow first visit.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.css.stylesheet import Stylesheet

from cohort_tui.ui import warmup
from cohort_tui.ui.app import CohortApp
from cohort_tui.ui.modes import SCREENS
from cohort_tui.ui.screens.help import HelpScreen
from tests.ui.helpers import make_app, mode_shown, screen_shown


async def test_no_screen_parses_css_or_imports_after_the_warm_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(CohortApp, "WARM_AFTER", 3600.0)  # warmed by the test, at once
    app = make_app(tmp_path / "store", "m_mei")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        warmup.warm(app)
        await pilot.pause()
        parsed: list[int] = []
        parse = Stylesheet.parse

        def counted(stylesheet: Stylesheet) -> None:
            parsed.append(len(stylesheet.source))
            parse(stylesheet)

        monkeypatch.setattr(Stylesheet, "parse", counted)
        modules = set(sys.modules)
        for mode in SCREENS:
            app.switch_mode(mode)
            await mode_shown(pilot, mode)
        app.notify("a toast")
        await pilot.press("question_mark")
        await screen_shown(pilot, HelpScreen)
        await pilot.press("q")
        await pilot.pause()
        assert parsed == []
        assert sorted(set(sys.modules) - modules) == []


async def test_the_warm_up_lets_a_key_in_between_its_steps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(CohortApp, "WARM_AFTER", 3600.0)
    app = make_app(tmp_path / "store", "m_mei")
    order: list[str] = []
    steps = warmup.steps

    def watched_steps(app_: App[Any]) -> list[Callable[[], None]]:
        def note(step: Callable[[], None], n: int) -> Callable[[], None]:
            def run() -> None:
                order.append(f"step {n}")
                step()

            return run

        return [note(step, n) for n, step in enumerate(steps(app_))]

    monkeypatch.setattr(warmup, "steps", watched_steps)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app._warm()  # the first step runs now, the next is queued
        app.call_later(lambda: order.append("key"))  # as a key arriving meanwhile
        await pilot.pause(0.5)
        assert order[:3] == ["step 0", "step 1", "key"]  # it waited one step, not all
        assert len(order) == len(steps(app)) + 1
