"""One read of storage for all the stream listeners a ring wakes at the same cursor.

A new post wakes every listener of its cohort at once, and they mostly wait at the same
cursor (the cohort's last op). Each reading storage and encoding the same event would cost
one query per listener (hundreds, on PostgreSQL each a round trip); :class:`StreamPages`
reads and encodes once per cohort, cursor and ring.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

Rows = list[tuple[int, bytes]]
Page = tuple[int, bytes]
"""The cursor after a page and its encoded ``ops`` event."""

MAX_ENTRIES = 256
"""Pages kept at most (each up to a page of ops); stale ones go first."""


class StreamPages:
    """The next ``ops`` event after a cursor, shared by the listeners waiting there.

    An entry is good only while the ring event taken before it was read is still the
    cohort's current one and unset: any op stored after the read rings the cohort, so a
    listener never gets a page that hides it.

    Args:
        read: ``(cohort, cursor) -> rows`` after the cursor, in seq order (one page).
        encode: The event for rows (the cursor after them is the last row's seq).
    """

    def __init__(
        self, read: Callable[[str, int], Rows], encode: Callable[[Rows, int], bytes]
    ) -> None:
        self._read = read
        self._encode = encode
        self._pages: dict[tuple[str, int], tuple[asyncio.Event, Page | None]] = {}

    def after(self, cohort: str, cursor: int, ring: asyncio.Event) -> Page | None:
        """The page after ``cursor`` (None when there is nothing new); ``ring`` is the
        cohort's doorbell event, taken before this call."""
        key = (cohort, cursor)
        hit = self._pages.get(key)
        if hit is not None and hit[0] is ring and not ring.is_set():
            return hit[1]
        rows = self._read(cohort, cursor)
        page = (rows[-1][0], self._encode(rows, rows[-1][0])) if rows else None
        if len(self._pages) >= MAX_ENTRIES:
            self._pages = {k: v for k, v in self._pages.items() if not v[0].is_set()}
            if len(self._pages) >= MAX_ENTRIES:
                self._pages.clear()
        self._pages[key] = (ring, page)
        return page
