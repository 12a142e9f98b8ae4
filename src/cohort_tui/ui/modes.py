"""The app's screens, one entry each: mode name -> (key, title, "module:Class").

Screens are imported when first shown, so start-up pays only for Home.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from textual.screen import Screen

SCREENS: dict[str, tuple[str, str, str]] = {
    "home": ("1", "Home", "cohort_tui.ui.screens.home:HomeScreen"),
}

TARGET_MODES = {
    "lesson": "curriculum",
    "thread": "discussions",
    "submission": "reviews",
    "milestone": "milestones",
}
"""Which screen shows an ``--open KIND:ID`` target."""


def screen_factory(spec: str) -> Callable[[], Screen[None]]:
    """A zero-argument factory that imports and builds the screen named by ``spec``."""
    module_name, _, class_name = spec.partition(":")

    def build() -> Screen[None]:
        cls = getattr(importlib.import_module(module_name), class_name)
        screen: Screen[None] = cls()
        return screen

    return build
