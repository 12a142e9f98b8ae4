"""When a screen may write a read marker: at most one per thread per interval.

Reading a thread while posts stream in used to write a ``thread.read`` op for every
batch (1,209 in a ten-minute soak), each one synced to every replica. The markers only
move forward, so the ones in between say nothing the last one does not: a thread gets at
most one marker per :data:`READ_EVERY` seconds while it is read, and one more when the
reader leaves it (so nothing read is left counted as unread).
"""

from __future__ import annotations

READ_EVERY = 10.0
"""Seconds between two read markers written for one thread while it is read."""


class ReadMarks:
    """Remembers when each thread's marker was last written (monotonic seconds).

    Args:
        every: The least time between two markers for one thread.
    """

    def __init__(self, every: float = READ_EVERY) -> None:
        self.every = every
        """The least time between two markers for one thread."""
        self._written: dict[str, float] = {}

    def may_write(self, thread: str, now: float) -> bool:
        """Whether a marker for ``thread`` may be written at ``now``."""
        last = self._written.get(thread)
        return last is None or now - last >= self.every

    def wait_left(self, thread: str, now: float) -> float:
        """Seconds until a marker for ``thread`` may be written (0: now)."""
        last = self._written.get(thread)
        return 0.0 if last is None else max(0.0, self.every - (now - last))

    def wrote(self, thread: str, now: float) -> None:
        """A marker for ``thread`` was written at ``now``."""
        # Entries older than the interval decide nothing: drop them, so the table stays
        # as small as the threads read in the last few seconds.
        stale = [t for t, at in self._written.items() if now - at >= self.every]
        for old in stale:
            del self._written[old]
        self._written[thread] = now
