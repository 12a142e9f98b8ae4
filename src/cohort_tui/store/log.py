"""The append-only op log, ``ops.jsonl``: one op per line, the source of truth.

Writers take an exclusive ``flock`` on the separate, permanent ``ops.lock`` (never on the
log itself, so the log can be moved aside by a repair without breaking the lock), write
whole lines in one ``write``, ``fsync`` and release. A crash can only leave a torn last
line without its newline: readers ignore it, and the next writer moves it to
``ops.torn`` and truncates, so no acknowledged op is ever lost.

A write that fails (a full disk, an I/O error, even Ctrl-C half way) is taken back before
the lock is released: the log is cut back to its size before the append, so a batch is
all or nothing and the caller gets a :class:`StoreWriteError` saying so.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from msgspec import Struct

from cohort_tui.domain.ops import Op, OpError, decode_op, encode_op
from cohort_tui.store.errors import StoreError, read_failed, write_failed, writing
from cohort_tui.store.files import write_all

_BLOCK = 65_536


class LogMoved(StoreError):
    """The log is not the one a position was taken in (repaired, or cut back after a
    failed append); the reader must start over."""


class LogPosition(Struct):
    """How far a reader has read: a byte offset and the number of whole lines before it."""

    offset: int = 0
    lines: int = 0
    inode: int = 0
    """The log file read (0: not known yet); a repair replaces the file."""


def damage_reason(exc: OpError) -> str:
    """Why a line is not an op, fit for a terminal: the decoder's message may quote bytes
    from the damaged line, so it is sanitised and kept short."""
    from cohort_tui.domain.sanitize import clean_line, truncate  # only when damaged

    return truncate(clean_line(str(exc)), 200)


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
        """Hold the store's exclusive write lock.

        On a read-only store the existing lock file is opened for reading (``flock``
        does not care), so a repair can still look; a write then fails on the log
        itself, naming it.
        """
        try:
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            try:
                fd = os.open(self.lock_path, os.O_RDONLY)
            except OSError:
                raise write_failed(self.lock_path, exc, "nothing was changed") from exc
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

        Lines end at ``\\n`` only (a stray ``\\r`` inside a damaged line does not split
        it), so line numbers here are the ones ``cohort repair`` reports.

        Raises:
            StoreError: a complete line is not an op; names the file and line.
            LogMoved: no line ends just before ``pos`` (see :meth:`follows`).
            StoreWriteError: the log cannot be read (a failing disk).
        """
        # From the byte before ``pos``: it must end a line, or ``pos`` is not in this log.
        skip = 1 if pos.offset else 0
        try:
            with self.path.open("rb") as f:
                inode = os.fstat(f.fileno()).st_ino
                f.seek(pos.offset - skip)
                chunk = f.read()
        except FileNotFoundError:
            raise StoreError(f"{self.path} is missing; the store is incomplete.") from None
        except OSError as exc:
            raise read_failed(self.path, exc) from None
        if skip and chunk[:1] != b"\n":
            raise LogMoved(f"{self.path} no longer continues at byte {pos.offset}")
        end = chunk.rfind(b"\n")
        if end < skip:
            return [], LogPosition(pos.offset, pos.lines, inode)
        ops: list[Op] = []
        number = pos.lines
        for raw in _lines(chunk, skip, end):
            number += 1
            if not raw.strip():
                continue
            try:
                ops.append(decode_op(raw, lenient=True))
            except OpError as exc:
                raise StoreError(
                    f"{self.path}, line {number}: damaged op ({damage_reason(exc)}). "
                    f"Nothing was changed; run `cohort repair --store {self.path.parent}` "
                    "to set damaged lines aside and keep the rest."
                ) from None
        return ops, LogPosition(pos.offset - skip + end + 1, number, inode)

    def follows(self, pos: LogPosition) -> bool | None:
        """Whether the log may continue from ``pos``: ``None`` when nothing was added
        since, ``False`` when it is certainly no longer the log ``pos`` was read from
        (another file, or shorter). :meth:`read_from` makes the last check, that a line
        still ends just before ``pos``, and raises :class:`LogMoved` if not.

        Readers take no lock, so one may have read lines a writer then took back (a
        failed append is cut back), and a repair replaces the file: either way the
        reader must fold the log again from the start rather than read on from an
        offset that now falls in the middle of some other line.
        """
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            return False
        if pos.inode and stat.st_ino != pos.inode:
            return False
        if stat.st_size == pos.offset:
            return None
        return stat.st_size > pos.offset

    def append(self, ops: list[Op]) -> None:
        """Append ``ops`` durably, all or nothing. The caller must hold :meth:`locked`.

        Raises:
            StoreWriteError: the disk or folder refused; the log is as it was.
        """
        if not ops:
            return
        payload = b"".join(encode_op(op) + b"\n" for op in ops)
        with writing(self.path, "nothing was added to the log"):
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                start = os.fstat(fd).st_size
                if start and os.pread(fd, 1, start - 1) != b"\n":
                    start = self._set_torn_tail_aside(fd, start)
                self._write_or_take_back(fd, payload, start)
            finally:
                os.close(fd)

    def _write_or_take_back(self, fd: int, payload: bytes, start: int) -> None:
        """Write and fsync ``payload``; on any failure cut the log back to ``start``."""
        try:
            write_all(fd, payload)
            os.fsync(fd)
        except BaseException as exc:
            try:
                os.ftruncate(fd, start)
            except OSError as undo:
                cause = exc if isinstance(exc, OSError) else undo
                raise write_failed(
                    self.path,
                    cause,
                    "part of the write may be left at the end of the log "
                    f"(run `cohort repair --store {self.path.parent}`)",
                ) from exc
            # The cut is what every reader sees now; if it cannot be made durable (the
            # disk failing), a crash could bring the partial write back as a torn or
            # whole last line, which readers and the next writer already handle.
            with contextlib.suppress(OSError):
                os.fsync(fd)
            raise

    def _set_torn_tail_aside(self, fd: int, size: int) -> int:
        """Move a last line without its newline to ``ops.torn``; returns the new size.

        The copy is made (and fsynced) before the log is cut, and taken back if it
        fails, so a full disk leaves both files as they were.
        """
        cut = 0
        pos = size
        while pos > 0:
            step = min(_BLOCK, pos)
            pos -= step
            idx = os.pread(fd, step, pos).rfind(b"\n")
            if idx >= 0:
                cut = pos + idx + 1
                break
        torn = os.pread(fd, size - cut, cut)
        with writing(self.torn_path, "nothing was changed"):
            existed = self.torn_path.exists()
            aside = os.open(self.torn_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                before = os.fstat(aside).st_size
                try:
                    write_all(aside, torn + b"\n")
                    os.fsync(aside)
                except BaseException:
                    with contextlib.suppress(OSError):
                        os.ftruncate(aside, before)
                        if not existed:
                            self.torn_path.unlink()
                    raise
            finally:
                os.close(aside)
        os.ftruncate(fd, cut)
        os.fsync(fd)
        return cut


SPLIT_BYTES = 1 << 20
"""Bytes of log split into lines at once (see :func:`_lines`)."""


def _lines(chunk: bytes, start: int, end: int, piece: int = SPLIT_BYTES) -> Iterator[bytes]:
    """``chunk[start:end].split(b"\\n")``, split ``piece`` bytes at a time.

    Splitting a whole 23 MB log (100k ops) in one call holds the interpreter for ~50 ms:
    a refold reads it in a thread, and the event loop could not answer a key meanwhile.
    Between pieces the interpreter can switch threads.
    """
    while end - start > piece:
        stop = chunk.rfind(b"\n", start, start + piece)
        if stop < 0:  # one line longer than a piece: up to its end
            stop = chunk.find(b"\n", start + piece, end)
            if stop < 0:
                break
        yield from chunk[start:stop].split(b"\n")
        start = stop + 1
    yield from chunk[start:end].split(b"\n")
