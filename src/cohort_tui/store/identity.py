"""Where each op id sits in ``ops.jsonl``, so an import can tell a copy from a conflict.

The folded state only knows which ids it has seen, not what they said. When an incoming
op's id is already known, :class:`IdIndex` finds the stored line(s) for that id so the
import can compare contents: the same content is a duplicate, other content a conflict.

The index is built on first use by one pass over the log and then extended from where it
stopped, so the hot paths (reading, folding, appending) never pay for it, and a replica
that never meets a repeated id never builds it. A log replaced by a repair (another
inode, or shorter) is indexed again from the start.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from cohort_tui.domain.ops import Op, OpError, decode_op

_PREFIX = b'{"id":"'


class IdIndex:
    """Byte offsets of every op line in one log, by op id.

    Args:
        path: The log file.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._first: dict[str, int] = {}
        self._more: dict[str, list[int]] = {}
        self._end = 0
        self._inode = 0

    def copies(self, ids: set[str]) -> dict[str, list[Op]]:
        """Every stored op (each copy) whose id is in ``ids``; unknown ids are left out."""
        found = self._read_copies(ids)
        if any(op.id != op_id for op_id, ops in found.items() for op in ops):
            # The log was cut back (a failed append rolled back under the lock) and grew
            # again past where we had indexed: offsets point at other lines. Start over.
            self._first, self._more, self._end, self._inode = {}, {}, 0, 0
            found = self._read_copies(ids)
        return found

    def _read_copies(self, ids: set[str]) -> dict[str, list[Op]]:
        self._catch_up()
        found: dict[str, list[Op]] = {}
        with self.path.open("rb") as f:
            for op_id in ids:
                offsets = self._offsets(op_id)
                for offset in offsets:
                    f.seek(offset)
                    with contextlib.suppress(OpError):
                        found.setdefault(op_id, []).append(
                            decode_op(f.readline().rstrip(b"\n"), lenient=True)
                        )
        return found

    def _offsets(self, op_id: str) -> list[int]:
        first = self._first.get(op_id)
        if first is None:
            return []
        return [first, *self._more.get(op_id, ())]

    def _catch_up(self) -> None:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return
        if stat.st_ino != self._inode or stat.st_size < self._end:
            self._first, self._more, self._end, self._inode = {}, {}, 0, stat.st_ino
        if stat.st_size == self._end:
            return
        with self.path.open("rb") as f:
            f.seek(self._end)
            chunk = f.read()
        stop = chunk.rfind(b"\n") + 1  # a torn last line is not an op yet
        offset = self._end
        for line in chunk[:stop].split(b"\n")[:-1]:
            op_id = _line_id(line)
            if op_id is not None:
                if op_id in self._first:
                    self._more.setdefault(op_id, []).append(offset)
                else:
                    self._first[op_id] = offset
            offset += len(line) + 1
        self._end += stop


def _line_id(line: bytes) -> str | None:
    """The op id of a log line; lines we wrote start with it, others are decoded."""
    if line.startswith(_PREFIX):
        end = line.find(b'"', len(_PREFIX))
        if end > 0 and b"\\" not in line[len(_PREFIX) : end]:
            return line[len(_PREFIX) : end].decode("ascii", "replace")
    if not line.strip():
        return None
    try:
        return decode_op(line, lenient=True).id
    except OpError:
        return None
