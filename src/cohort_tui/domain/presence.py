"""Presence: who is here now, and on which screen or lesson. Ephemeral: never an op.

Presence comes from two places, both untrusted: the presence file that the panes on one
store share, and the sync server's stream (relayed into that file by the pane that
syncs). This module decodes both tolerantly (garbage, a wrong type, an oversized or
unknown entry is dropped, never an error), keeps what is fresh, and turns it into what
the screens say. Pure: bytes and times in, values out.

A *where* is a screen name (``home``, ``curriculum``, ``discussions``, ``reviews``,
``milestones``) or ``lesson:ID``; anything else is kept as "somewhere".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Annotated, Any

import msgspec
from msgspec import Meta, Struct

from cohort_tui.domain.model import State

TTL_MS = 45_000
"""A presence not renewed for this long is gone. Panes renew every
:data:`BEAT_S` seconds and the server's stream repeats the list at least every 15 s,
so a member who leaves is gone everywhere within 60 s."""
BEAT_S = 10.0
"""Seconds between a pane's presence heartbeats."""
MAX_ENTRIES = 64
"""Most entries one presence file or server reply is read for."""
MAX_BYTES = 64 * 1024
"""A presence file or reply larger than this is ignored whole."""

Where = Annotated[str, Meta(max_length=100, pattern=r"^[A-Za-z0-9_.:\-]*$")]
MemberId = Annotated[str, Meta(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.:\-]+$")]
Millis = Annotated[int, Meta(ge=0, le=32_503_680_000_000)]

SCREEN_WORDS = {
    "home": "on Home",
    "curriculum": "on the map",
    "discussions": "in Discussions",
    "reviews": "in Reviews",
    "milestones": "in Milestones",
}
_WHERE = re.compile(r"^[A-Za-z0-9_.:\-]{0,100}$")


class Seen(Struct, frozen=True):
    """One member seen at ``at`` (epoch ms) on ``where``."""

    member: MemberId
    where: Where
    at: Millis


def valid_where(where: str) -> bool:
    """Whether ``where`` may be sent or stored (short, plain characters)."""
    return bool(_WHERE.match(where))


def decode_entries(raw: Any) -> list[Seen]:
    """Entries from already-parsed JSON (a list of objects): each checked on its own, the
    bad ones dropped, at most :data:`MAX_ENTRIES` looked at."""
    if not isinstance(raw, list):
        return []
    out = []
    for item in raw[:MAX_ENTRIES]:
        try:
            out.append(msgspec.convert(item, Seen))
        except (msgspec.ValidationError, TypeError):
            continue
    return out


def fresh(entries: Iterable[Seen], now: int, ttl: int = TTL_MS) -> list[Seen]:
    """The entries seen within ``ttl`` of ``now`` (a clock ahead of ours counts as now),
    one per member (the newest), by member id."""
    newest: dict[str, Seen] = {}
    for entry in entries:
        if now - entry.at > ttl:
            continue
        kept = newest.get(entry.member)
        if kept is None or (entry.at, entry.where) > (kept.at, kept.where):
            newest[entry.member] = entry
    return [newest[m] for m in sorted(newest)]


def here_now(entries: Iterable[Seen], state: State, now: int, me: str) -> list[Seen]:
    """Who else is here now: fresh entries of members of the cohort, not ``me``, by
    handle (so every pane lists them alike)."""
    seen = [e for e in fresh(entries, now) if e.member != me and e.member in state.members]
    return sorted(seen, key=lambda e: (state.members[e.member].handle, e.member))


def on_lesson(seats: Iterable[Seen], lesson: str) -> list[str]:
    """Members here now on ``lesson``."""
    return [s.member for s in seats if s.where == f"lesson:{lesson}"]


def place(state: State, where: str) -> str:
    """Where someone is, in words: ``on Files and paths``, ``in Discussions`` (raw
    lesson title: sanitise to show)."""
    if where.startswith("lesson:"):
        lesson = state.lessons.get(where.removeprefix("lesson:"))
        return f"on {lesson.title}" if lesson else "on a lesson"
    return SCREEN_WORDS.get(where, "somewhere")


def summary(state: State, seats: list[Seen], limit: int = 3) -> str:
    """``3 here now: @lin on Files and paths, @zoe in Discussions, @omar on Home`` (raw:
    sanitise to show); empty when nobody else is here."""
    if not seats:
        return ""
    parts = [f"@{state.members[s.member].handle} {place(state, s.where)}" for s in seats[:limit]]
    more = f" and {len(seats) - limit} more" if len(seats) > limit else ""
    return f"{len(seats)} here now: " + ", ".join(parts) + more
