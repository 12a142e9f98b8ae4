"""Every bundled theme defines every variable the UI uses, and the palette resolves in it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rich.color import ColorType
from textual.app import App

import cohort_tui.ui
from cohort_tui.paths import bundled_themes_dir
from cohort_tui.ui.palette import SPECS, rich_theme
from cohort_tui.ui.themes import load_themes

UI = Path(cohort_tui.ui.__file__).parent
VARIABLE = re.compile(r"\$([a-z][a-z0-9-]*)")
THEMES, PROBLEMS = load_themes(bundled_themes_dir())


def used_variables() -> set[str]:
    """``$name`` in the UI's CSS (app.tcss, DEFAULT_CSS) and the palette."""
    found: set[str] = set()
    for path in [*UI.rglob("*.tcss"), *UI.rglob("*.py")]:
        found.update(VARIABLE.findall(path.read_text("utf-8")))
    return found


def variables_of(theme_name: str) -> dict[str, str]:
    app: App[None] = App()
    for theme in THEMES:
        app.register_theme(theme)
    app.theme = theme_name
    return app.get_css_variables()


def test_the_bundled_themes_load() -> None:
    assert PROBLEMS == []
    assert {t.name for t in THEMES} >= {"cohort-dark", "cohort-light", "cohort-ansi"}


@pytest.mark.parametrize("name", sorted(t.name for t in THEMES))
def test_theme_defines_every_variable_used(name: str) -> None:
    defined = variables_of(name)
    assert sorted(used_variables() - set(defined)) == []


@pytest.mark.parametrize("name", sorted(t.name for t in THEMES))
def test_every_palette_name_has_a_colour_or_a_look(name: str) -> None:
    styles = rich_theme(variables_of(name)).styles
    assert set(SPECS) <= set(styles)
    for spec_name, spec in SPECS.items():
        if "$" in spec:
            assert styles[spec_name].color is not None, spec_name


def test_the_ansi_theme_keeps_to_the_terminals_palette() -> None:
    styles = rich_theme(variables_of("cohort-ansi")).styles
    for name, style in styles.items():
        if style.color is not None and name in SPECS:
            assert style.color.type in (ColorType.STANDARD, ColorType.DEFAULT), name


def test_light_and_dark_differ() -> None:
    dark = rich_theme(variables_of("cohort-dark")).styles
    light = rich_theme(variables_of("cohort-light")).styles
    assert all(dark[name] != light[name] for name in SPECS if "$" in SPECS[name])
