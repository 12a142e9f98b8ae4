"""The app's screens, one entry each: mode name -> (key, title, "module:Class").

Screens are imported when first shown, so start-up pays only for Home.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
from collections.abc import Callable

from textual._context import active_app
from textual.screen import Screen

ALL_SCREENS: dict[str, tuple[str, str, str]] = {
    "home": ("1", "Home", "cohort_tui.ui.screens.home:HomeScreen"),
    "curriculum": ("2", "Curriculum", "cohort_tui.ui.screens.curriculum:CurriculumScreen"),
    "discussions": ("3", "Discussions", "cohort_tui.ui.screens.discussions:DiscussionsScreen"),
    "reviews": ("4", "Reviews", "cohort_tui.ui.screens.reviews:ReviewsScreen"),
    "milestones": ("5", "Milestones", "cohort_tui.ui.screens.milestones:MilestonesScreen"),
    "chat": ("6", "Chat", "cohort_tui.ui.screens.chat:ChatScreen"),
    "showcase": ("7", "Showcase", "cohort_tui.ui.screens.showcase:ShowcaseScreen"),
}
"""Every screen the product has, by mode name."""

OFF_FOOTER = frozenset({"chat", "showcase"})
"""Screens whose key works everywhere and is listed in help and the command palette, but
is not drawn in the footer: the footer is full at 100 columns already (its last keys are
cut off), and every screen's footer would change for them."""


def _installed(spec: str) -> bool:
    # find_spec locates the module without importing it, keeping start-up cheap.
    return importlib.util.find_spec(spec.partition(":")[0]) is not None


SCREENS = {name: entry for name, entry in ALL_SCREENS.items() if _installed(entry[2])}
"""The screens present in this build: a screen is routed once its module exists."""

TARGET_MODES = {
    "lesson": "curriculum",
    "thread": "discussions",
    "reply": "discussions",
    "lesson-threads": "discussions",
    "post": "discussions",
    "submission": "reviews",
    "milestone": "milestones",
    "member": "milestones",
    "chat": "chat",
    "showcase": "showcase",
}
"""Which screen shows an ``--open KIND:ID`` target."""


def screen_factory(spec: str) -> Callable[[], Screen[None]]:
    """A zero-argument factory that imports and builds the screen named by ``spec``."""
    module_name, _, class_name = spec.partition(":")

    def build() -> Screen[None]:
        cls = getattr(importlib.import_module(module_name), class_name)
        screen: Screen[None] = cls()
        # A new screen starts "behind" the app's CSS generation, which makes Textual
        # re-parse the whole stylesheet the first time a mode is shown (~100 ms). It is
        # styled from the current stylesheet as it mounts, so it is not behind. (Private
        # to Textual, which is pinned; the snapshot tests show every screen styled.)
        with contextlib.suppress(LookupError, AttributeError):
            screen._css_update_count = active_app.get()._css_update_count
        return screen

    return build
