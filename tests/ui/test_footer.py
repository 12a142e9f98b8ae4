"""The footer: one widget that draws the screen's keys and presses them when clicked."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from cohort_tui.ui.widgets.cohort_footer import CohortFooter
from tests.ui.helpers import make_app


class _Pane(Static, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("x", "app.bell", "Expand")]


class _Other(Static, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("y", "app.bell", "Yank")]


class _TwoPanes(App[None]):
    def compose(self) -> ComposeResult:
        yield _Pane("pane", id="pane")
        yield _Other("other", id="other")
        yield CohortFooter()


async def test_the_footer_follows_the_focused_widgets_keys() -> None:
    app = _TwoPanes()
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        footer = app.query_one(CohortFooter)
        assert "".join(s.text for s in footer.render_line(0)).startswith(" x Expand ")
        app.query_one("#other").focus()
        await pilot.pause()
        # What the terminal gets (Textual pinned: the compositor's strips are private).
        shown = "".join(s.text for s in app.screen._compositor.render_strips()[-1])
        assert shown.startswith(" y Yank ")
        assert list(footer.shown_keys()) == ["y", "ctrl+p"]


async def test_the_footer_draws_the_screens_keys_and_the_palette_key(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(CohortFooter)
        keys = list(footer.shown_keys())
        assert keys[:2] == ["r", "n"] and keys[-1] == "ctrl+p"
        line = "".join(segment.text for segment in footer.render_line(0))
        assert line.startswith(" r Refresh  n Norms  ? Help  1 Home  2 Curriculum ")
        assert line.endswith("▏^p palette ") and len(line) == 100


async def test_clicking_a_key_in_the_footer_presses_it(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(CohortFooter)
        line = "".join(segment.text for segment in footer.render_line(0))
        await pilot.click(CohortFooter, offset=(line.index("Curriculum"), 0))
        await pilot.pause()
        assert app.current_mode == "curriculum"


async def test_hovering_a_key_shows_its_tooltip(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(CohortFooter)
        line = "".join(segment.text for segment in footer.render_line(0))
        await pilot.hover(CohortFooter, offset=(line.index("Norms"), 0))
        await pilot.pause()
        assert footer.tooltip == "Read the cohort's charter and norms"
        await pilot.hover(CohortFooter, offset=(line.index("▏"), 0))  # the separator
        await pilot.pause()
        assert footer.tooltip is None
        await pilot.hover(CohortFooter, offset=(line.index("palette"), 0))
        await pilot.pause()
        assert footer.tooltip is not None and "palette" in footer.tooltip.lower()


async def test_the_footer_shows_whole_keys_the_screens_first_then_help(tmp_path: Path) -> None:
    """A key that does not fit is left out, never cut ("? Hel▏" was): the screen's own
    keys come first, then help, then the screen numbers."""
    app = make_app(tmp_path / "s", open_target="discussions")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(CohortFooter)
        line = "".join(segment.text for segment in footer.render_line(0))
        left = line.rpartition("▏")[0]
        labels = [label.strip() for label in left.split("  ") if label.strip()]
        # Every shown label is a whole "key Description" of a binding that is shown.
        assert all(label.count(" ") >= 1 for label in labels), labels
        assert "? Help" in labels and "Hel" not in left.replace("Help", "")
        assert labels.index("? Help") < labels.index("1 Home") if "1 Home" in labels else True
        assert len(line) == 80
        drawn = footer.drawn_keys()
        assert drawn[:2] == ["n", "r"] and drawn[-1] == "ctrl+p"
