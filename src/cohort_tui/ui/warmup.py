"""Work a screen would do the first time it is shown, done instead while the app is idle.

The first visit to a screen paid for importing its module and, more, for Textual
re-parsing the whole stylesheet: every widget class mounted for the first time adds its
``DEFAULT_CSS`` and marks the stylesheet for a full parse (~50 ms here). Once the first
frame is up, :func:`warm` imports every screen module, hands the stylesheet the default
CSS of every widget class those screens use, and parses once. Adding CSS for widgets
not in the DOM changes nothing on screen; a class missed here is simply parsed later,
as before.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from textual.app import App
from textual.widget import Widget
from textual.widgets import (
    Input,
    Label,
    OptionList,
    RichLog,
    Select,
    SelectionList,
    Static,
    Tab,
    Tabs,
    TextArea,
)

from cohort_tui.ui.modes import warm_screens

TEXTUAL_WIDGETS: tuple[type[Widget], ...] = (
    Input,
    Label,
    OptionList,
    RichLog,
    Select,
    SelectionList,
    Static,
    Tab,
    Tabs,
    TextArea,
)
"""Textual's widgets our screens mount (their internal parts are covered by their
bases' CSS or parsed on first use)."""


def _ours(base: type[Widget]) -> Iterator[type[Widget]]:
    for cls in base.__subclasses__():
        if cls.__module__.startswith("cohort_tui."):
            yield cls
        yield from _ours(cls)


def warm(app: App[Any]) -> None:
    """Import the screens and parse their widgets' CSS now (call when idle)."""
    warm_screens()
    stylesheet = app.stylesheet
    for cls in {*TEXTUAL_WIDGETS, *_ours(Widget)}:
        with contextlib.suppress(Exception):  # a widget that needs arguments: parsed later
            for read_from, css, tie_breaker, scope in cls()._get_default_css():
                stylesheet.add_source(
                    css,
                    read_from=read_from,
                    is_default_css=True,
                    tie_breaker=tie_breaker,
                    scope=scope,
                )
    app.refresh_css(animate=False)
