"""Toasts about other people's ops: each announcer is ``fn(app, ops) -> None``.

The app calls every announcer listed here with the ops another process (a second tmux
pane, or the sync) just folded in, and with the ops it wrote itself (announcers skip
what the member did, except what it earned them); one entry per feature that wants to tell the user
something (a reply in my thread, a mention, a badge).
"""

from __future__ import annotations

ANNOUNCERS: tuple[str, ...] = (
    "cohort_tui.ui.discussion_toasts:announce",
    "cohort_tui.ui.milestone_toasts:announce",
)
"""``"module:function"`` names, imported on first use."""
