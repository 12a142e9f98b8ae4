"""Presence through the server, for the pane that syncs live.

Every :data:`~cohort_tui.domain.presence.BEAT_S` seconds (sooner when poked) the
heartbeat reads which members the store's panes say are here (``presence.json``) and
sends each one's heartbeat with that member's own token (a member without a token in
this store is seen only by the panes on the store). A member who left (their panes
gone, or hidden) gets one last heartbeat saying so. What the server answers, and what
its stream sends, is relayed into the presence file for every pane to read.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from pathlib import Path

from cohort_tui.domain.presence import BEAT_S, Seen, fresh
from cohort_tui.store.errors import StoreError
from cohort_tui.store.presence_file import read_presence, relay
from cohort_tui.sync.client import ServerClient, SyncError
from cohort_tui.sync.credentials import load_credentials

MAX_MEMBERS = 16
"""Most members one store sends heartbeats for (a pod is a few people)."""


def wall_ms() -> int:
    return int(time.time() * 1000)


class PresenceBeat:
    """Sends the store's members' heartbeats and relays who is here now.

    Args:
        root: The store directory.
        remote: The server's URLs (several instances: it fails over like every request).
        cohort: The cohort id.
        client_factory: Makes a :class:`ServerClient` (tests may inject one).
    """

    def __init__(
        self,
        root: Path,
        remote: list[str],
        cohort: str,
        client_factory: Callable[[list[str]], ServerClient] = ServerClient,
    ) -> None:
        self.root = root
        self.remote = remote
        self.cohort = cohort
        self._client_factory = client_factory
        self._beating: set[str] = set()
        self._client: ServerClient | None = None

    def relay(self, seen: list[Seen]) -> None:
        """Store the server's list in the presence file (from the stream too)."""
        with contextlib.suppress(StoreError, OSError):
            relay(self.root, seen, wall_ms())

    def once(self, *, leaving: bool = False) -> None:
        """One round of heartbeats (``leaving``: tell the server everyone here left)."""
        now = wall_ms()
        here = (
            {}
            if leaving
            else {s.member: s.where for s in fresh(read_presence(self.root).panes.values(), now)}
        )
        try:
            creds = {
                c.member: c for c in load_credentials(self.root).values() if c.cohort == self.cohort
            }
        except StoreError:
            return
        members = sorted(m for m in here if m in creds)[:MAX_MEMBERS]
        gone = sorted(self._beating - set(members))
        if self._client is None:
            # Kept between beats (making one costs ~30 ms of CPU); dropped after a failure.
            self._client = self._client_factory(self.remote)
        client = self._client
        answer: list[Seen] | None = None
        try:
            for member in gone:
                cred = creds.get(member)
                if cred is not None:
                    with contextlib.suppress(SyncError):
                        client.presence(self.cohort, cred.token, "")
                self._beating.discard(member)
            for member in members:
                answer = client.presence(self.cohort, creds[member].token, here[member])
                self._beating.add(member)
        except SyncError:
            self.close()
            return  # offline: the panes still see each other through the file
        if answer is not None:
            self.relay(answer)

    def close(self) -> None:
        """Close the kept client (its connections)."""
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(Exception):
                client.close()

    def run(self, stop: threading.Event, poke: threading.Event) -> None:
        """Beat until ``stop`` is set, then say goodbye."""
        try:
            while not stop.is_set():
                self.once()
                poke.wait(BEAT_S)
                poke.clear()
            self.once(leaving=True)
        finally:
            self.close()
