"""Hybrid logical clocks, their bounds, and op ids.

An HLC timestamp is ``(wall_ms, counter, node)``. It stays close to wall time, never goes
backwards on one node, and orders events causally after any clock it has observed, so a
member whose laptop clock is a few minutes wrong still produces edits that sort after the
ones they saw.

Bounds
------
Every op comes from a replica or the server, so its clock is untrusted input. The bounds
live here, in one place; the op schema (:mod:`ops`), the store, the sync client and the
server all use these names.

``MAX_LEAD_MS`` = 1 hour
    How far an op's wall clock may be ahead of the *receiver's* own time. The server
    refuses a pushed op past it, and ``cohort ops import`` refuses such a line, each with
    a per-op reason; a replica's clock follows a remote clock only up to it, so no op can
    drag a replica's own stamps more than an hour into the future. An hour covers real
    drift (laptops without NTP, a VM after a suspend, a clock set by hand) with room to
    spare, while the worst drag it allows is too small to move anyone's work into another
    day, so "this week" in reports stays this week. A clock further ahead is a broken or
    hostile machine: its owner is told, and can sync the op once its time has come
    (``cohort sync --retry-refused``). Behind is never bounded: an old clock only loses
    last-writer-wins races, and offline work made days ago must still sync.
``MAX_COUNTER`` = 2**31 - 1
    The logical counter's range is ``0 .. MAX_COUNTER``. :meth:`HybridClock.now` never
    goes past it: at the limit it rolls into the physical part (wall + 1 ms, counter 0),
    which keeps the order and costs one millisecond of lead per 2**31 stamps.
``MAX_WALL_MS`` = 2**53
    The largest wall value a log line may hold (integers beyond it do not survive a
    round trip through JavaScript's JSON); anything larger is a damaged line.
``READ_MAX_COUNTER`` = 2**53
    The counter range a log line is *read* with. Older versions minted counters past
    ``MAX_COUNTER`` after observing the limit, so a store may hold such lines: they decode
    (leniently, as everything in a store's own log and everything pulled from the server),
    are kept, and are folded by their order; :meth:`HybridClock.observe` clamps them, and
    nothing mints one again. Receivers refuse them (:func:`clock_problem`).

A store that already holds an op past these bounds opens and writes: the op stays in the
log and sorts where its clock puts it, and the local clock ignores it.
"""

from __future__ import annotations

import os
import time

Clock = tuple[int, int, str]
"""``(wall milliseconds, logical counter, node id)``; compares as a total order."""

MAX_LEAD_MS = 3_600_000
"""Most an op's wall clock may be ahead of the receiver's time (see the module doc)."""
MAX_COUNTER = 2**31 - 1
"""Largest logical counter a valid clock holds; :meth:`HybridClock.now` never passes it."""
MAX_WALL_MS = 2**53
"""Largest wall value a log line may hold at all."""
READ_MAX_COUNTER = 2**53
"""Largest counter a log line decodes with (older versions minted past ``MAX_COUNTER``)."""

DAY_MS = 86_400_000
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def wall_now() -> int:
    """This machine's wall time in epoch milliseconds."""
    return int(time.time() * 1000)


def clock_problem(clock: Clock, now_ms: int) -> str | None:
    """Why a receiver whose time is ``now_ms`` refuses an op with ``clock``; None if fine."""
    wall, counter = clock[0], clock[1]
    problems = []
    lead = wall - now_ms
    if lead > MAX_LEAD_MS:
        problems.append(
            f"the op's clock is {_span(lead)} ahead of the receiver's (at most "
            f"{_span(MAX_LEAD_MS)} is accepted); check that computer's date and time"
        )
    if counter > MAX_COUNTER:
        problems.append(f"the op's clock counter {counter} is out of range (0 to {MAX_COUNTER})")
    return "; ".join(problems) or None


def _span(ms: int) -> str:
    """A duration for people: "300 days", "2 hours", "1 hour", "90 minutes"."""
    for unit, name in ((DAY_MS, "day"), (3_600_000, "hour"), (60_000, "minute"), (1_000, "second")):
        if ms >= 2 * unit or (ms >= unit and ms % unit == 0):
            count = round(ms / unit)
            return f"{count} {name}" + ("s" if count != 1 else "")
    return f"{ms} ms"


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
        """A new timestamp strictly after every one made or observed so far.

        The counter never passes :data:`MAX_COUNTER`: at the limit the timestamp moves to
        the next millisecond instead.
        """
        wall = wall_now() if wall_ms is None else wall_ms
        if wall > self._wall:
            self._wall, self._counter = wall, 0
        elif self._counter >= MAX_COUNTER:
            self._wall, self._counter = self._wall + 1, 0
        else:
            self._counter += 1
        return (self._wall, self._counter, self.node)

    def observe(self, clock: Clock, now_ms: int | None = None) -> None:
        """Move past a clock seen in another replica's op, within the bounds.

        A clock more than :data:`MAX_LEAD_MS` ahead of this machine's time is ignored (the
        op is still kept and folded by its order; it just cannot drag our stamps into the
        future), and an over-range counter counts as :data:`MAX_COUNTER`.
        """
        wall = clock[0]
        if wall > (wall_now() if now_ms is None else now_ms) + MAX_LEAD_MS:
            return
        counter = min(clock[1], MAX_COUNTER)
        if wall > self._wall or (wall == self._wall and counter > self._counter):
            self._wall, self._counter = wall, counter


def new_ulid(wall_ms: int | None = None) -> str:
    """A ULID: 48-bit time then 80 random bits, Crockford base32, sortable by time."""
    ms = wall_now() if wall_ms is None else wall_ms
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
