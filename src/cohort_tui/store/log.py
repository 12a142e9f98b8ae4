"""The append-only op log, ``ops.jsonl``: one op per line, the source of truth.

Writers take an exclusive ``flock`` on the separate, permanent ``ops.lock`` (never on the
log itself, so the log can be moved aside by a repair without breaking the lock), write
whole lines in one ``write``, ``fsync`` and release. A crash can only leave a torn last
line without its newline: readers ignore it, and the next writer moves it to
``ops.torn`` and truncates, so no acknowledged op is ever lost.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cohort_tui.domain.ops import Op, OpError, decode_op, encode_op
from cohort_tui.store.errors import StoreError


@dataclass
class LogPosition:
    """How far a reader has read: a byte offset and the number of whole lines before it."""

    offset: int = 0
    lines: int = 0


@dataclass(frozen=True)
class DamagedLine:
    """A complete line in the middle of the log that is not an op."""

    number: int
    reason: str


class OpLog:
    """Reads and appends ``ops.jsonl`` in a store directory."""

    def __init__(self, root: Path) -> None:
        self.path = root / "ops.jsonl"
        """The log file."""
        self.lock_path = root / "ops.lock"
        """The permanent lock file that serialises writers."""
        self.torn_path = root / "ops.torn"
        """Where torn tails are moved, for inspection."""

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store's exclusive write lock."""
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def size(self) -> int:
        """The log's size in bytes (0 when missing)."""
        try:
            return self.path.stat().st_size
        except FileNotFoundError:
            return 0

    def read_from(self, pos: LogPosition) -> tuple[list[Op], LogPosition]:
        """Every complete op after ``pos``; a torn last line is left unread.

        Raises:
            StoreError: a complete line is not an op; names the file and line.
        """
        try:
            with self.path.open("rb") as f:
                f.seek(pos.offset)
                chunk = f.read()
        except FileNotFoundError:
            raise StoreError(f"{self.path} is missing; the store is incomplete.") from None
        end = chunk.rfind(b"\n")
        if end < 0:
            return [], pos
        ops: list[Op] = []
        number = pos.lines
        for raw in chunk[: end + 1].splitlines():
            number += 1
            if not raw.strip():
                continue
            try:
                ops.append(decode_op(raw, lenient=True))
            except OpError as exc:
                raise StoreError(
                    f"{self.path}, line {number}: damaged op ({exc}). Nothing was changed; "
                    f"run `cohort repair --store {self.path.parent}` to set damaged lines "
                    "aside and keep the rest."
                ) from None
        return ops, LogPosition(pos.offset + end + 1, number)

    def append(self, ops: list[Op]) -> None:
        """Append ``ops`` durably. The caller must hold :meth:`locked`."""
        if not ops:
            return
        self._move_torn_tail_aside()
        payload = b"".join(encode_op(op) + b"\n" for op in ops)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            view = memoryview(payload)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)

    def _move_torn_tail_aside(self) -> None:
        size = self.size()
        if size == 0:
            return
        with self.path.open("rb+") as f:
            f.seek(max(0, size - 1))
            if f.read(1) == b"\n":
                return
            # Find the last newline, reading backwards in blocks.
            pos = size
            cut = 0
            while pos > 0:
                step = min(65_536, pos)
                pos -= step
                f.seek(pos)
                block = f.read(step)
                idx = block.rfind(b"\n")
                if idx >= 0:
                    cut = pos + idx + 1
                    break
            f.seek(cut)
            torn = f.read()
            with self.torn_path.open("ab") as aside:
                aside.write(torn + b"\n")
                aside.flush()
                os.fsync(aside.fileno())
            f.truncate(cut)
            f.flush()
            os.fsync(f.fileno())

    def scan_damage(self) -> list[DamagedLine]:
        """Every complete line that is not an op (for ``cohort repair``)."""
        damaged = []
        with self.path.open("rb") as f:
            for number, raw in enumerate(f, start=1):
                if not raw.endswith(b"\n") or not raw.strip():
                    continue
                try:
                    decode_op(raw, lenient=True)
                except OpError as exc:
                    damaged.append(DamagedLine(number, str(exc)))
        return damaged
