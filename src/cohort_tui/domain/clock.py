"""Hybrid logical clocks and op ids.

An HLC timestamp is ``(wall_ms, counter, node)``. It stays close to wall time, never goes
backwards on one node, and orders events causally after any clock it has observed, so a
member whose laptop clock is an hour (or a year) wrong still produces edits that sort
after the ones they saw.
"""

from __future__ import annotations

import os
import time

Clock = tuple[int, int, str]
"""``(wall milliseconds, logical counter, node id)``; compares as a total order."""

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class HybridClock:
    """The clock of one replica.

    Args:
        node: This replica's node id; it breaks ties between equal wall/counter pairs.
    """

    def __init__(self, node: str) -> None:
        self.node = node
        """Node id stamped into every clock this instance makes."""
        self._wall = 0
        self._counter = 0

    def now(self, wall_ms: int | None = None) -> Clock:
        """A new timestamp strictly after every one made or observed so far."""
        wall = int(time.time() * 1000) if wall_ms is None else wall_ms
        if wall > self._wall:
            self._wall, self._counter = wall, 0
        else:
            self._counter += 1
        return (self._wall, self._counter, self.node)

    def observe(self, clock: Clock) -> None:
        """Move past a clock seen in another replica's op."""
        wall, counter = clock[0], clock[1]
        if wall > self._wall or (wall == self._wall and counter > self._counter):
            self._wall, self._counter = wall, counter


def new_ulid(wall_ms: int | None = None) -> str:
    """A ULID: 48-bit time then 80 random bits, Crockford base32, sortable by time."""
    ms = int(time.time() * 1000) if wall_ms is None else wall_ms
    value = (ms & ((1 << 48) - 1)) << 80 | int.from_bytes(os.urandom(10), "big")
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def new_id(prefix: str) -> str:
    """An entity id such as ``p_01JDQ7...``; the prefix tells what kind of thing it names."""
    return f"{prefix}_{new_ulid()}"


def new_node_id() -> str:
    """A random node id for a new replica."""
    return "n_" + os.urandom(5).hex()
