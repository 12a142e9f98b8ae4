"""``presence.json``: who is here now, shared by the panes on one store without a server.

Each app process (a pane) renews its own entry every few seconds; the pane that syncs
live also relays what the server's stream says about members elsewhere. The file is a
convenience, never the truth: written atomically under a small lock (a lost update
heals at the next heartbeat), read tolerantly (garbage, a wrong shape or an oversized
file reads as nobody), bounded (entries past :data:`~cohort_tui.domain.presence.MAX_ENTRIES`
and stale ones are dropped on every write). Ephemeral: never an op, never in the log.

Format: ``{"panes": {PANE: {"member", "where", "at"}}, "remote": [{"member", "where", "at"}]}``.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

import msgspec
from msgspec import Struct, field

from cohort_tui.domain.presence import MAX_BYTES, MAX_ENTRIES, TTL_MS, Seen, decode_entries, fresh
from cohort_tui.store.files import atomic_write

PRESENCE_NAME = "presence.json"
LOCK_NAME = "presence.lock"


class PresenceData(Struct):
    """What the file holds: each pane's own entry, and the server's list."""

    panes: dict[str, Seen] = field(default_factory=dict)
    remote: list[Seen] = field(default_factory=list)

    def everyone(self) -> list[Seen]:
        return [*self.panes.values(), *self.remote]


def _decode(raw: bytes) -> PresenceData:
    if len(raw) > MAX_BYTES:
        return PresenceData()
    try:
        doc = msgspec.json.decode(raw)
    except msgspec.DecodeError:
        return PresenceData()
    if not isinstance(doc, dict):
        return PresenceData()
    data = PresenceData()
    panes = doc.get("panes")
    if isinstance(panes, dict):
        for pane, item in list(panes.items())[:MAX_ENTRIES]:
            found = decode_entries([item])
            if found and isinstance(pane, str) and 0 < len(pane) <= 64:
                data.panes[pane] = found[0]
    data.remote = decode_entries(doc.get("remote"))
    return data


def read_presence(root: Path) -> PresenceData:
    """The file as it is now; nobody when it is missing, unreadable or garbage."""
    try:
        with open(root / PRESENCE_NAME, "rb") as f:
            raw = f.read(MAX_BYTES + 1)
    except OSError:
        return PresenceData()
    return _decode(raw)


@contextlib.contextmanager
def _locked(root: Path) -> Iterator[None]:
    fd = os.open(root / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _write(root: Path, data: PresenceData, now: int) -> None:
    panes = {p: s for p, s in data.panes.items() if now - s.at <= TTL_MS}
    newest = sorted(panes, key=lambda p: -panes[p].at)[:MAX_ENTRIES]
    doc = {
        "panes": {p: panes[p] for p in sorted(newest)},
        "remote": fresh(data.remote, now)[:MAX_ENTRIES],
    }
    # Not durable: a crash may lose a heartbeat, which the next one brings back.
    atomic_write(root / PRESENCE_NAME, msgspec.json.encode(doc), durable=False, mode=0o644)


def beat(root: Path, pane: str, seen: Seen | None, now: int) -> PresenceData:
    """Renew (or, with None, remove) this pane's entry; returns what the file holds.

    Raises:
        StoreWriteError: the folder or disk refused (the caller shows nothing new).
    """
    with _locked(root):
        data = read_presence(root)
        if seen is None:
            data.panes.pop(pane, None)
        else:
            data.panes[pane] = seen
        _write(root, data, now)
        return data


def relay(root: Path, remote: list[Seen], now: int) -> None:
    """Store the server's list of who is here (the pane that syncs live calls this)."""
    with _locked(root):
        data = read_presence(root)
        data.remote = remote[:MAX_ENTRIES]
        _write(root, data, now)
