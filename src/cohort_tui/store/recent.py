"""The last ops folded into a replica's state in place, so a view can catch up op by op.

A view derived from the state (a thread list in its order, reply and unread counts,
mentions) used to be computed again from the whole state after every batch, so a batch
cost more the longer the log. With :class:`RecentOps` a view keeps a :class:`Mark` of
how far it is and asks for the ops folded since: a bounded window, so a view that fell
too far behind (or a state replaced by a refold) is told to compute from scratch.
"""

from __future__ import annotations

import itertools
from collections import deque

from msgspec import Struct

from cohort_tui.domain.ops import Op

WINDOW = 2_048
"""Ops kept; a view further behind than this computes from scratch."""


class Mark(Struct, frozen=True):
    """How far a view has caught up: which state and how many of its ops."""

    generation: int
    folded: int


class RecentOps:
    """A bounded window over the ops folded in place into the current state.

    Args:
        window: How many of the newest ops are kept.
    """

    def __init__(self, window: int = WINDOW) -> None:
        self._ops: deque[Op] = deque(maxlen=window)
        self._generation = 0
        self._count = 0

    def restart(self) -> None:
        """The state was replaced (loaded, refolded): every view computes afresh."""
        self._ops.clear()
        self._generation += 1
        self._count = 0

    def add(self, op: Op) -> None:
        """``op`` was folded into the current state."""
        self._ops.append(op)
        self._count += 1

    def mark(self) -> Mark:
        """Where the state is now."""
        return Mark(self._generation, self._count)

    def since(self, mark: Mark | None) -> list[Op] | None:
        """The ops folded after ``mark``, oldest first; None when they are not known (another
        state, or further back than the window): compute from the state instead."""
        if mark is None or mark.generation != self._generation or mark.folded > self._count:
            return None
        behind = self._count - mark.folded
        if behind > len(self._ops):
            return None
        newest_first = list(itertools.islice(reversed(self._ops), behind))
        newest_first.reverse()
        return newest_first
