"""Strips that do not keep themselves alive.

Textual (8.2.8, pinned) memoises a strip's crops and divisions in caches on the strip.
Two of them can store the strip itself: ``crop_extend`` to the strip's own width, and
``divide`` at its own end (``[self]``). A strip holding itself in its own cache is a
reference cycle, so it is not freed when the last widget lets go of it but left, with
its seven caches and its segments, for the garbage collector. The compositor does both
for nearly every line it draws: the syncing Home pane of the soak (issue 17) made
about 2,000 such strips a minute, which set off a young collection every few seconds
(20-70 ms each, walking 20,000-40,000 objects) and every twentieth one walked the older
generation too (170 ms, a key press waited for it).

:func:`install` answers those two cases before the cache is consulted, with the same
result the cache would give, so such strips are freed by reference counting the
moment they are no longer drawn. Nothing else of the strip changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.style import Style
from textual.strip import Strip

_crop_extend = Strip.crop_extend
_divide = Strip.divide


def _crop_extend_without_cycle(self: Strip, start: int, end: int, style: Style | None) -> Strip:
    # Extending to `end` and cropping [0, end) gives this very strip when it is `end` wide.
    if start <= 0 and end == self.cell_length:
        return self
    return _crop_extend(self, start, end, style)


def _divide_without_cycle(self: Strip, cuts: Iterable[int]) -> Sequence[Strip]:
    cuts = list(cuts)  # an iterator would be spent by the check below
    cell_length = self.cell_length
    # Cutting only at its own end gives the strip itself; Textual caches `[self]`.
    within = [cut for cut in cuts if cut <= cell_length]
    if within == [cell_length]:
        return [self]
    return _divide(self, cuts)


def install() -> None:
    """Make strips answer the two self-referencing cases directly (idempotent)."""
    Strip.crop_extend = _crop_extend_without_cycle  # type: ignore[method-assign]
    Strip.divide = _divide_without_cycle  # type: ignore[method-assign]
