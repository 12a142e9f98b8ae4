"""``cohort repair``: set every damaged line of ``ops.jsonl`` aside in one pass.

Damage is any line that is not an op: garbage, invalid UTF-8, NUL bytes, a line of any
length, and a torn last line (no newline). Each damaged line goes, byte for byte, to
``ops.rejected.jsonl``; any whole op still inside it (two lines glued together when a
newline was lost, an op behind a run of NULs) is recovered into the log, so an op whose
own bytes are intact is never lost. The original log is kept as a backup under a name
no other repair uses.

Crash and fault safe: the repaired log is written to a temp file, fsynced and moved over
the log; a failure at any step (a full disk, a read-only folder) undoes the earlier
steps and leaves the store exactly as it was.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cohort_tui.domain.ops import OpError, decode_op
from cohort_tui.store.errors import read_failed, writing
from cohort_tui.store.files import write_all
from cohort_tui.store.log import OpLog, damage_reason
from cohort_tui.store.snapshot import LEGACY_SNAPSHOT_NAME, SNAPSHOT_NAME

Progress = Callable[[str, int, int], None]
"""Told ``(phase, done, total)`` as long work goes on (``cohort repair`` draws a bar)."""

REJECTED_NAME = "ops.rejected.jsonl"
"""Where damaged lines are kept, appended to by every repair."""
BACKUP_PREFIX = "ops.jsonl.bak-"

_OP_START = '{"id":'
"""Every op line this program writes starts so (the canonical encoding)."""
_SALVAGE_TRIES = 2_000
"""At most this many candidate starts are tried in one damaged line: the bound keeps a
pathological line (megabytes of nested brackets) from taking minutes."""
_scanner = json.JSONDecoder()


@dataclass(frozen=True)
class DamagedLine:
    """A line of the log that is not an op as it stands, and what repair does with it."""

    number: int
    """1-based line number in the log as it was."""
    reason: str
    """Why it is not an op (sanitised, short)."""
    recovered: tuple[bytes, ...] = ()
    """Whole ops found inside the line, each as the exact bytes of its JSON; they go
    back into the log in the line's place."""
    set_aside: bool = True
    """The line goes to ``ops.rejected.jsonl`` (False only for a last line that lost
    nothing but its newline)."""


@dataclass
class RepairReport:
    """What a repair found and did."""

    log: Path
    damaged: list[DamagedLine] = field(default_factory=list)
    backup: Path | None = None
    rejected: Path | None = None

    @property
    def set_aside(self) -> list[DamagedLine]:
        """The damaged lines moved to ``ops.rejected.jsonl``."""
        return [d for d in self.damaged if d.set_aside]

    @property
    def recovered(self) -> int:
        """Ops recovered from inside lines that were set aside."""
        return sum(len(d.recovered) for d in self.set_aside)


def salvage(body: bytes) -> tuple[bytes, ...]:
    """Every whole op inside a damaged line, as the exact bytes it was written with."""
    text = body.decode("utf-8", "surrogateescape")
    found: list[bytes] = []
    pos = text.find(_OP_START)
    tries = 0
    while pos >= 0 and tries < _SALVAGE_TRIES:
        tries += 1
        try:
            _, end = _scanner.raw_decode(text, pos)
            candidate = text[pos:end].encode("utf-8", "surrogateescape")
            decode_op(candidate, lenient=True)
        except (ValueError, RecursionError):  # OpError and JSONDecodeError are ValueErrors
            pos = text.find(_OP_START, pos + 1)
            continue
        found.append(candidate)
        pos = text.find(_OP_START, end)
    return tuple(found)


def classify(number: int, raw: bytes) -> DamagedLine | None:
    """``None`` for a good (or blank) line, else what is wrong with it."""
    torn = not raw.endswith(b"\n")
    body = raw if torn else raw[:-1]
    if not body.strip():
        return DamagedLine(number, "torn last line (blank)") if torn else None
    try:
        decode_op(body, lenient=True)
    except OpError as exc:
        reason = ("torn last line: " if torn else "") + damage_reason(exc)
        return DamagedLine(number, reason, salvage(body))
    if torn:
        return DamagedLine(number, "last line lacked its newline; its op is kept", (body,), False)
    return None


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    # Iterating a binary file splits on b"\n" only, exactly as the log reader does.
    with path.open("rb") as f:
        yield from enumerate(f, start=1)


def scan(log: OpLog, progress: Progress | None = None) -> RepairReport:
    """Find every damaged line (reads only); ``progress`` hears ``("scanning", bytes
    read, log size)`` every few thousand lines."""
    report = RepairReport(log.path)
    try:
        total = log.path.stat().st_size if progress else 0
        read = 0
        for number, raw in _lines(log.path):
            read += len(raw)
            if progress and number % 5000 == 0:
                progress("scanning the log", read, total)
            damage = classify(number, raw)
            if damage is not None:
                report.damaged.append(damage)
        if progress:
            progress("scanning the log", read, total)
    except OSError as exc:
        raise read_failed(log.path, exc) from None
    return report


def repair_log(root: Path, progress: Progress | None = None) -> RepairReport:
    """Set every damaged line of ``root``'s log aside, keeping a backup; see the module.

    Raises:
        StoreWriteError: a write failed; the store is as it was.
    """
    log = OpLog(root)
    with log.locked():
        report = scan(log, progress)
        if not report.damaged:
            return report
        if progress:
            progress("setting damaged lines aside", 0, 0)
        _rewrite(log, report)
        for name in (SNAPSHOT_NAME, LEGACY_SNAPSHOT_NAME):
            with contextlib.suppress(OSError):  # a stale one is refused by its fingerprint
                (root / name).unlink(missing_ok=True)
    return report


def _rewrite(log: OpLog, report: RepairReport) -> None:
    """Backup, set aside, write the repaired log, swap it in; undo all on failure."""
    root = log.path.parent
    rejected = root / REJECTED_NAME
    tmp = root / ".ops.jsonl.repair"
    damaged = {d.number: d for d in report.damaged}
    backup: Path | None = None
    rejected_size: int | None = None  # set once it is open: from then on, undo
    rejected_existed = rejected.exists()

    def set_aside() -> Iterator[bytes]:
        for number, raw in _lines(log.path):
            d = damaged.get(number)
            if d is not None and d.set_aside:
                yield raw if raw.endswith(b"\n") else raw + b"\n"

    def kept() -> Iterator[bytes]:
        for number, raw in _lines(log.path):
            d = damaged.get(number)
            if d is None:
                yield raw
            else:
                yield from (op + b"\n" for op in d.recovered)

    try:
        backup = _backup(log.path)
        if report.set_aside:
            with writing(rejected):
                fd = os.open(rejected, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
                try:
                    rejected_size = os.fstat(fd).st_size
                    _write_stream(fd, set_aside())
                finally:
                    os.close(fd)
        with writing(tmp):
            mode = os.stat(log.path).st_mode & 0o777
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
            try:
                _write_stream(fd, kept())
            finally:
                os.close(fd)
            os.replace(tmp, log.path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        if rejected_size is not None:
            with contextlib.suppress(OSError):
                if rejected_existed:
                    os.truncate(rejected, rejected_size)
                else:
                    rejected.unlink()
        if backup is not None:
            with contextlib.suppress(OSError):
                backup.unlink()
        raise
    report.backup = backup
    report.rejected = rejected if report.set_aside else None
    with writing(log.path, "it was repaired but may not survive a power cut"):
        dir_fd = os.open(root, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _write_stream(fd: int, pieces: Iterator[bytes]) -> None:
    """Write ``pieces`` in chunks of about a megabyte, then fsync."""
    chunk: list[bytes] = []
    size = 0
    for piece in pieces:
        chunk.append(piece)
        size += len(piece)
        if size >= _CHUNK:
            write_all(fd, b"".join(chunk))
            chunk.clear()
            size = 0
    write_all(fd, b"".join(chunk))
    os.fsync(fd)


_CHUNK = 1 << 20


def _backup(path: Path) -> Path:
    """Keep the log as it is under a name no other backup has.

    A hard link costs no space (the repaired log is a new file, so the link keeps the
    old one), which matters on a nearly full disk; where links are not supported, a
    copy. The name carries the time, and a counter when two repairs share a second.
    """
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    for n in range(1, 10_000):
        candidate = path.with_name(f"{BACKUP_PREFIX}{stamp}" + (f"-{n}" if n > 1 else ""))
        with writing(candidate):
            try:
                os.link(path, candidate)
                return candidate
            except FileExistsError:
                continue
            except OSError as exc:
                if exc.errno not in _NO_LINKS:
                    raise
            try:
                with path.open("rb") as src, candidate.open("xb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
                    dst.flush()
                    os.fsync(dst.fileno())
                return candidate
            except FileExistsError:
                continue
            except BaseException:
                with contextlib.suppress(OSError):
                    candidate.unlink()
                raise
    raise FileExistsError(errno.EEXIST, "too many backups in one second", str(path))


_NO_LINKS = {errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOTSUP, errno.ENOSYS}
"""Errors from ``link`` that mean "no hard links here", not "the disk refused"."""
