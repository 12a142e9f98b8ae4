"""Themes from TOML files: the bundled ``themes/`` folder, then the user's own.

A bad file gives one notification naming it and is skipped; it never stops the app.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated

import msgspec
from msgspec import Meta
from textual.theme import Theme

# A theme file is outside text. Its name is shown in the command palette (parsed as
# markup there) and its values are pasted into Textual's CSS, where a stray ``}`` or an
# escape sequence stops the app at start and reaches the terminal in the error report.
# So names are plain identifiers and values use only what colours and text styles need.
ThemeName = Annotated[
    str, Meta(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
]
CssValue = Annotated[str, Meta(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_#%(),. +-]+$")]
VariableName = Annotated[str, Meta(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9-]*$")]


class ThemeFile(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The keys a theme file may hold (those of ``textual.theme.Theme``)."""

    name: ThemeName
    primary: CssValue
    secondary: CssValue | None = None
    accent: CssValue | None = None
    warning: CssValue | None = None
    error: CssValue | None = None
    success: CssValue | None = None
    foreground: CssValue | None = None
    background: CssValue | None = None
    surface: CssValue | None = None
    panel: CssValue | None = None
    boost: CssValue | None = None
    dark: bool = True
    ansi: bool = False
    variables: dict[VariableName, CssValue] = msgspec.field(default_factory=dict)


def load_theme(path: Path) -> Theme:
    """Read one theme file; raises ``ValueError`` with a readable reason."""
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
        spec = msgspec.convert(raw, ThemeFile)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, msgspec.ValidationError) as exc:
        raise ValueError(f"{path.name}: {exc}") from None
    theme = Theme(**msgspec.structs.asdict(spec))
    try:  # Resolve colours now, so a typo is reported here and not mid-render.
        theme.to_color_system()
    except Exception as exc:  # Textual raises several kinds for a bad colour
        raise ValueError(f"{path.name}: {exc}") from None
    return theme


def load_themes(*folders: Path) -> tuple[list[Theme], list[str]]:
    """Every readable theme in ``folders`` (later folders win by name), and problems."""
    themes: dict[str, Theme] = {}
    problems: list[str] = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                theme = load_theme(path)
            except ValueError as exc:
                problems.append(str(exc))
                continue
            themes[theme.name] = theme
    return list(themes.values()), problems
