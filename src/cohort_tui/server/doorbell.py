"""Waking stream listeners when a cohort's ops are stored.

:class:`Doorbell` rings the listeners of this process: enough for one server on SQLite.
Several instances on one PostgreSQL database ring each other through LISTEN/NOTIFY
(:class:`~cohort_tui.server.pg_doorbell.PgDoorbell`). A listener takes :meth:`event` before
it reads storage, so an op stored between its read and its wait still wakes it; a ring
that wakes it for nothing costs one read.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable


class Doorbell:
    """Wakes every stream listener of a cohort, in this process, when new ops are stored."""

    def __init__(self) -> None:
        self._events: dict[str, asyncio.Event] = {}
        self.on_ring: Callable[[str], None] | None = None
        """Called with the cohort when another process may have stored its ops (the
        server's views follow them). Never here: only this process stores, and it
        folds what it stores at once; see PgDoorbell."""

    def event(self, cohort: str) -> asyncio.Event:
        """The event the next ring for ``cohort`` sets; take it before checking storage."""
        event = self._events.get(cohort)
        if event is None:
            event = self._events[cohort] = asyncio.Event()
        return event

    def ring(self, cohort: str, *, stored: bool = True) -> None:
        """Tell the listeners of ``cohort`` that ops arrived (``stored``) or that
        something else they send changed (who is here)."""
        event = self._events.pop(cohort, None)
        if event is not None:
            event.set()

    def ring_all(self) -> None:
        """Wake every listener (after rings may have been missed): each reads storage again."""
        events, self._events = self._events, {}
        for event in events.values():
            event.set()

    async def start(self) -> None:
        """Start hearing rings from other processes (none to hear in this one)."""

    async def stop(self) -> None:
        """Stop hearing them (the app is shutting down)."""
