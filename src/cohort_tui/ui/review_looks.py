"""How review states look, shared by the inbox and the review screen: a glyph and a word
beside the colour (state is never colour alone), colours from the theme's palette."""

from __future__ import annotations

from cohort_tui.ui import palette

BAND_LOOK: dict[str, tuple[str, str]] = {
    "fresh": ("○", palette.OK),
    "due": ("◐", palette.WARN),
    "overdue": ("●", palette.BAD_STRONG),
}
STATUS_LOOK: dict[str, tuple[str, str, str]] = {
    "awaiting": ("…", "awaiting review", palette.WARN),
    "changes": ("✗", "changes requested", palette.BAD_STRONG),
    "approved": ("✓", "approved", palette.OK_STRONG),
}
VERDICT_WORDS = {"approve": "approved", "changes": "changes requested"}
