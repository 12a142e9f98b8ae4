"""Themes from TOML files: the bundled ``themes/`` folder, then the user's own.

A bad file gives one notification naming it and is skipped; it never stops the app.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import msgspec
from textual.theme import Theme


class ThemeFile(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The keys a theme file may hold (those of ``textual.theme.Theme``)."""

    name: str
    primary: str
    secondary: str | None = None
    accent: str | None = None
    warning: str | None = None
    error: str | None = None
    success: str | None = None
    foreground: str | None = None
    background: str | None = None
    surface: str | None = None
    panel: str | None = None
    boost: str | None = None
    dark: bool = True
    ansi: bool = False
    variables: dict[str, str] = msgspec.field(default_factory=dict)


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
