"""The doorbell of several instances on one PostgreSQL database: LISTEN/NOTIFY.

Every transaction that stores ops sends ``NOTIFY cohort_ops, '<cohort>'`` (PostgreSQL
delivers it on commit, to every session listening). Each instance holds one connection
that LISTENs and rings its own stream listeners for the named cohort, its own ops
included: one path for all, a millisecond on a local network.

The listening connection is remade when it drops (PostgreSQL restarted, the session was
killed), with a short backoff; once it listens again every listener is woken, since rings
may have been missed meanwhile. While it is not listening, this instance's own stores ring
locally, so its listeners never wait for a heartbeat.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import psycopg

from cohort_tui.server.doorbell import Doorbell

CHANNEL = "cohort_ops"
"""The NOTIFY channel; the payload is the cohort's id."""
RETRY_MIN_S = 0.1
RETRY_MAX_S = 2.0
"""Backoff between attempts to listen again."""

log = logging.getLogger("cohort.server")


class PgDoorbell(Doorbell):
    """Rings this instance's listeners for ops stored by any instance on the database.

    Args:
        conninfo: libpq connection parameters of the database.
    """

    def __init__(self, conninfo: str) -> None:
        super().__init__()
        self._conninfo = conninfo
        self._task: asyncio.Task[None] | None = None
        self.listening = asyncio.Event()
        """Set while the LISTEN connection is up (tests wait for it)."""
        self.connects = 0
        """How many times the LISTEN connection was made (tests count reconnects)."""

    def ring(self, cohort: str, *, stored: bool = True) -> None:
        # Stored ops: the transaction's NOTIFY rings every instance, this one included,
        # unless it is not listening (ring here then). Who is here is this instance's
        # own news (no NOTIFY carries it): always rung here.
        if not stored or not self.listening.is_set():
            super().ring(cohort, stored=stored)

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._listen())

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.listening.clear()

    async def _listen(self) -> None:
        delay = RETRY_MIN_S
        while True:
            try:
                conn = await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True)
                try:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    self.connects += 1
                    self.listening.set()
                    if self.connects > 1:
                        log.info("listening for other instances' ops again")
                    self.ring_all()  # whatever was stored while nobody listened
                    delay = RETRY_MIN_S
                    async for note in conn.notifies():
                        Doorbell.ring(self, note.payload)
                        if self.on_ring is not None:  # any instance, this one too, stored
                            self.on_ring(note.payload)
                finally:
                    self.listening.clear()
                    await conn.close()
            except (psycopg.Error, OSError) as exc:
                log.warning(
                    "cannot listen for other instances' ops (%s); retrying in %.1fs",
                    " ".join(str(exc).split()) or type(exc).__name__,
                    delay,
                )
            self.ring_all()  # listeners re-read storage; later stores ring locally
            await asyncio.sleep(delay)
            delay = min(delay * 2, RETRY_MAX_S)
