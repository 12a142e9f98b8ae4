"""Letting go of what Textual's render caches hold for widgets that are gone.

Textual (8.2.8, pinned) memoises ``StylesCache.get_inner_outer`` with an
``lru_cache(1024)`` keyed on the ``StylesCache`` itself, so the cache keeps every
widget's styles cache alive, with the lines it last rendered, after the widget is
removed: up to 1,024 of them. Each help window opened and closed left four behind
(about 110 KiB), and the syncing Home pane of the soak, asked for help every two
seconds, grew by tens of MB. Clearing the memo when a screen comes back (a dialog
closed, a mode switched) frees them; it only holds two looked-up colours per widget,
found again at the next frame.
"""

from __future__ import annotations

from textual._styles_cache import StylesCache


def forget_removed_widgets() -> None:
    """Drop Textual's memo of widgets' inner and outer backgrounds (see the module)."""
    cache_clear = getattr(StylesCache.get_inner_outer, "cache_clear", None)
    if cache_clear is not None:  # another Textual might not memoise it
        cache_clear()
