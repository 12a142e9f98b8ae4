"""Noticing this store's own ops appended to the op log, by any process of the pod.

Only one process per store runs the live sync. It used to push soon only after its own
writes; a post made in another pane or by ``cohort post`` waited for the slow poll (13-29 s,
"48 pending"). :class:`LogWatch` follows ``ops.jsonl`` by inode and byte offset, as a
reader of :class:`~cohort_tui.store.log.OpLog` does, and says when lines stamped by this
store's node (the outbox's own ops) were appended, so the live sync pushes them within a
second. Ops the sync itself pulled carry other nodes' clocks and do not count.
"""

from __future__ import annotations

import os

from cohort_tui.store.log import LogPosition, OpLog

READ_BLOCK = 1 << 20
"""Most bytes read at once (a 500-op burst is about 150 KB)."""


class LogWatch:
    """Follows the log from where it ends now.

    Args:
        log: The store's op log.
        node: The store's node id (its ops' clocks carry ``node`` or ``node.<pid>``).
    """

    def __init__(self, log: OpLog, node: str) -> None:
        self._log = log
        # An op's clock is encoded as [ms, counter, "node.pid"]: the node's quoted start
        # finds this store's lines without decoding any. A member's text that quotes it
        # only costs one needless sync.
        self._marker = b'"' + node.encode()
        self._at = LogPosition()
        try:
            stat = os.stat(log.path)
            self._at = LogPosition(stat.st_size, 0, stat.st_ino)
        except FileNotFoundError:
            pass

    def local_writes(self) -> bool:
        """Whether lines by this store's node were appended since the last call; also
        True when the log was replaced or cut back (a repair: let the sync look)."""
        try:
            stat = os.stat(self._log.path)
        except FileNotFoundError:
            return False
        if stat.st_ino != self._at.inode or stat.st_size < self._at.offset:
            self._at = LogPosition(stat.st_size, 0, stat.st_ino)
            return True
        found = False
        try:
            with self._log.path.open("rb") as f:
                if os.fstat(f.fileno()).st_ino != self._at.inode:
                    return False  # replaced between the stat and the open: next call
                while self._at.offset < stat.st_size:
                    f.seek(self._at.offset)
                    chunk = f.read(min(READ_BLOCK, stat.st_size - self._at.offset))
                    end = chunk.rfind(b"\n")
                    if end < 0 and len(chunk) == READ_BLOCK:
                        end = len(chunk) - 1  # a huge line: look at it a block at a time
                    elif end < 0:
                        break  # a line still being written (or torn): read it next time
                    found = found or self._marker in chunk[: end + 1]
                    self._at.offset += end + 1
        except OSError:
            return False
        return found
