"""How the first screen reaches the terminal: styled once, drawn as soon as it is laid out."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest
from textual.css.stylesheet import Stylesheet
from textual.dom import DOMNode

from cohort_tui.ui.screens.home import HomeScreen
from tests.ui.helpers import make_app, mode_shown


async def test_a_screen_is_styled_in_bulk_only_when_it_comes_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    restyled: list[int] = []
    update_nodes = Stylesheet.update_nodes

    def counted(self: Stylesheet, nodes: Iterable[DOMNode], animate: bool = False) -> None:
        nodes = list(nodes)
        restyled.append(len(nodes))
        update_nodes(self, nodes, animate=animate)

    monkeypatch.setattr(Stylesheet, "update_nodes", counted)
    app = make_app(tmp_path / "s", "m_mei")
    async with app.run_test(size=(100, 30)) as pilot:
        await mode_shown(pilot, "home")
        home = app.screen
        assert isinstance(home, HomeScreen)
        everything = len(list(home.walk_children(with_self=True)))
        assert restyled and max(restyled) < everything  # its own nodes, as they changed
        restyled.clear()
        app.switch_mode("curriculum")
        await mode_shown(pilot, "curriculum")
        app.switch_mode("home")
        await mode_shown(pilot, "home")
        assert max(restyled) >= everything  # back again: the whole screen, as before


async def test_the_first_frame_is_drawn_without_waiting_for_a_timer_tick(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(tmp_path / "s", "m_mei")
    ticks: list[str] = []
    draw = HomeScreen._draw_first_frame

    def noted(screen: HomeScreen) -> None:
        ticks.append("drawn at once" if not screen.cohort_app.first_frame_drawn else "late")
        draw(screen)

    monkeypatch.setattr(HomeScreen, "_draw_first_frame", noted)
    async with app.run_test(size=(100, 30)) as pilot:
        await mode_shown(pilot, "home")
        assert ticks[:1] == ["drawn at once"]
        assert app.first_frame_drawn
