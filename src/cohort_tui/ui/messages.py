"""Messages the app sends to its screens."""

from __future__ import annotations

from textual.message import Message

from cohort_tui.domain.ops import Op


class StoreChanged(Message):
    """New ops were folded into the state (mine, another process's, or the server's)."""

    def __init__(self, ops: list[Op], *, mine: bool) -> None:
        super().__init__()
        self.ops = ops
        """The new ops, in log order."""
        self.mine = mine
        """Whether this process wrote them."""


class PresenceChanged(Message):
    """Who else is here now changed (see :mod:`cohort_tui.ui.presence`)."""
