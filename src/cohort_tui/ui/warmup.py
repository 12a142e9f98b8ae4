"""Work a screen would do the first time it is shown, done instead while the app is idle.

The first visit to a screen paid for importing its module and, more, for Textual
re-parsing the whole stylesheet: every widget class mounted for the first time adds its
``DEFAULT_CSS`` and marks the stylesheet for a full parse (~50 ms here). The curriculum
map also imported the Markdown parser and Pygments for the first lesson it showed
(~90 modules). Once the first frame is up, the app runs :func:`steps` one at a time,
letting keys in between (see ``CohortApp._warm``): import each screen module, hand the
stylesheet the default CSS of every widget class those screens use and parse once, and
render a small lesson. Adding CSS for widgets not in the DOM changes nothing on screen;
a class missed here is simply parsed later, as before.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from textual.app import App
from textual.containers import Container
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

from cohort_tui.ui.modes import SCREENS

TEXTUAL_WIDGETS: tuple[type[Widget], ...] = (
    Container,
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
"""Textual's widgets our screens mount; the parts defined beside them (a tab bar's tabs
and underline) are warmed with them."""


def _subclasses(base: type[Widget]) -> Iterator[type[Widget]]:
    for cls in base.__subclasses__():
        yield cls
        yield from _subclasses(cls)


TEXTUAL_PARTS = (
    "textual.widgets._toast",
    "textual.command",
    "textual.widgets._loading_indicator",
    "textual.scrollbar",
)
"""Modules of Textual widgets the app mounts by itself: a notification's toast (its CSS
was parsed, ~35 ms, in the middle of the first screen that notified), the command
palette and its loading indicator, the first scroll bar."""

OTHER_MODULES = (
    "cohort_tui.ui.screens.help",
    "cohort_tui.ui.finder",
    "cohort_tui.ui.screens.review_view",
    "rich.markdown",
    "rich.syntax",
    "cohort_tui.ui.code_theme",
)
"""Modules no main screen imports at start: help, the palette's finder, a submission
opened from Reviews, and what a lesson's text is drawn with (Markdown, Pygments), each
its own step."""


def _to_warm() -> set[type[Widget]]:
    for module in TEXTUAL_PARTS:
        importlib.import_module(module)
    textual_modules = {cls.__module__ for cls in TEXTUAL_WIDGETS} | set(TEXTUAL_PARTS)
    return {
        cls
        for cls in _subclasses(Widget)
        if cls.__module__.startswith("cohort_tui.") or cls.__module__ in textual_modules
    }


SAMPLE_LESSON = "# Warm-up\n\nSome *text* and `code`.\n\n```python\nprint('hello')\n```\n"
"""Drawn once off screen, so the first lesson shown does not pay for the Markdown parser
and the Python lexer (the language most lessons' code is in)."""


def steps(app: App[Any]) -> list[Callable[[], None]]:
    """The warm-up, in steps short enough for a key to wait on one (run them in order)."""
    modules = [spec.partition(":")[0] for _, _, spec in SCREENS.values()]
    imports = [partial(_import, name) for name in [*modules, *OTHER_MODULES]]
    return [*imports, partial(parse_css, app), partial(render_lesson, app)]


def _import(name: str) -> None:
    importlib.import_module(name)


def warm(app: App[Any]) -> None:
    """The whole warm-up at once."""
    for step in steps(app):
        step()


def render_lesson(app: App[Any]) -> None:
    """Draw :data:`SAMPLE_LESSON` as a lesson is drawn, into nothing."""
    from cohort_tui.ui.text import outside_markdown

    console = app.console
    for _ in console.render(outside_markdown(SAMPLE_LESSON), console.options.update(width=60)):
        pass


def parse_css(app: App[Any]) -> None:
    """Hand the stylesheet every warmed widget class's default CSS and parse it once."""
    stylesheet = app.stylesheet
    for cls in {*TEXTUAL_WIDGETS, *_to_warm()}:
        # The default CSS depends on the class alone; a bare instance (no __init__) reads
        # it for widgets that need arguments too (a Tab needs its label).
        with contextlib.suppress(Exception):  # a class of odd make: parsed on first use
            for read_from, css, tie_breaker, scope in cls.__new__(cls)._get_default_css():
                stylesheet.add_source(
                    css,
                    read_from=read_from,
                    is_default_css=True,
                    tie_breaker=tie_breaker,
                    scope=scope,
                )
    app.refresh_css(animate=False)
