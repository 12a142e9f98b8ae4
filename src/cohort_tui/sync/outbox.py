"""The outbox side of sync: ``sync.json``, scanning the log, the sync lock.

``sync.json`` remembers how far the server is known to hold this store's log (a byte
offset into ``ops.jsonl`` plus the ids acknowledged past it), the ops it refused, the
server cursor, and which server history all that belongs to: the history id and a
*witness*, the cursor and id of the newest op this replica knows the server stored. The
outbox is every op this replica wrote (its clock's node is this store's node) past that
offset that the server has neither acknowledged nor refused; while *recovering* from a
server that lost history, it is every op in the log by a member with a token here.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from cohort_tui.domain.ops import Op, OpError, decode_op
from cohort_tui.store.errors import writing
from cohort_tui.store.files import atomic_write
from cohort_tui.store.workspace import Replica
from cohort_tui.sync.client import SyncError

STATE_FILE = "sync.json"
LOCK_FILE = "sync.lock"


class SyncBusy(SyncError):
    """Another process is syncing this store right now."""


@dataclass
class SyncState:
    """``sync.json``."""

    cursor: int = 0
    """The server seq of the last op pulled and stored."""
    offset: int = 0
    """Byte offset in ``ops.jsonl`` before which the server holds or refused every op."""
    log_inode: int = 0
    """The log's inode when ``offset`` was taken (a repaired log starts over at 0)."""
    acked: list[str] = field(default_factory=list)
    """Ids of local ops past ``offset`` the server acknowledged."""
    rejected: dict[str, str] = field(default_factory=dict)
    """Local ops the server refused: id -> reason (kept in the log, not resent)."""
    server: str = ""
    """The server database's instance id these positions belong to."""
    conflicts: dict[str, str] = field(default_factory=dict)
    """Local ops whose id the server holds with other content: id -> id of the copy sent
    in their place. Their server copies are compared, not taken as duplicates, on pull."""
    witness_seq: int = 0
    """The cursor of the newest op this replica knows the server stored (pulled, or
    pushed and acknowledged); 0 when none."""
    witness_id: str = ""
    """That op's id. A server whose op at ``witness_seq`` is missing or another lost
    history: it was restored from a backup (a backup holds a prefix of the cursors)."""
    recovering: bool = False
    """The server lost history: offer it every op of the log whose author has a token
    here, not only this replica's own, until one pass reaches the end of the log."""

    def restart(self) -> None:
        """Forget every position: the server lost history (see :attr:`recovering`)."""
        self.cursor, self.offset, self.acked = 0, 0, []
        self.witness_seq, self.witness_id = 0, ""
        # Refusals were that history's; offer those ops again, except the ones already
        # re-sent under a new id after an id conflict (they would arrive twice).
        self.rejected = {k: v for k, v in self.rejected.items() if k in self.conflicts}
        self.recovering = True

    def witness(self, seq: int, op_id: str) -> None:
        """Remember that the server stored ``op_id`` at cursor ``seq`` (if newer)."""
        if seq >= self.witness_seq:
            self.witness_seq, self.witness_id = seq, op_id

    @classmethod
    def load(cls, root: Path) -> SyncState:
        try:
            raw = json.loads((root / STATE_FILE).read_text("utf-8"))
            return cls(
                cursor=int(raw.get("cursor", 0)),
                offset=int(raw.get("offset", 0)),
                log_inode=int(raw.get("log_inode", 0)),
                acked=[str(i) for i in raw.get("acked", [])],
                rejected={str(k): str(v) for k, v in raw.get("rejected", {}).items()},
                server=str(raw.get("server", "")),
                conflicts={str(k): str(v) for k, v in raw.get("conflicts", {}).items()},
                witness_seq=int(raw.get("witness_seq", 0)),
                witness_id=str(raw.get("witness_id", "")),
                recovering=bool(raw.get("recovering", False)),
            )
        except (OSError, ValueError, TypeError, AttributeError):
            # Missing or damaged: starting over only costs a resend (deduplicated).
            return cls()

    def save(self, root: Path) -> None:
        """Write atomically (temp file, fsync, replace).

        Raises:
            StoreWriteError: the disk or folder refused; the old file is kept (losing a
                cursor only costs a resend, deduplicated).
        """
        data = {
            "cursor": self.cursor,
            "offset": self.offset,
            "log_inode": self.log_inode,
            "acked": self.acked,
            "rejected": self.rejected,
            "server": self.server,
            "conflicts": self.conflicts,
            "witness_seq": self.witness_seq,
            "witness_id": self.witness_id,
            "recovering": self.recovering,
        }
        atomic_write(root / STATE_FILE, json.dumps(data).encode(), mode=0o644)


@dataclass(frozen=True)
class Entry:
    """One op of the log, its line as written and the byte offset just after it."""

    op: Op
    line: bytes
    end: int


def is_local(op: Op, node: str) -> bool:
    """Whether this store wrote ``op`` (every process of a store stamps ``node.pid``)."""
    origin = op.clock[2]
    return origin == node or origin.startswith(node + ".")


def scan_log(root: Path, offset: int, only: bytes | None = None) -> list[Entry]:
    """Whole ops in ``ops.jsonl`` from ``offset``, with the byte offset after each.

    With ``only``, a line that does not hold those bytes anywhere is left out without
    being decoded (a quick filter: the lines kept may still be any op)."""
    with (root / "ops.jsonl").open("rb") as f:
        f.seek(offset)
        chunk = f.read()
    entries: list[Entry] = []
    pos = offset
    start = 0
    while True:
        nl = chunk.find(b"\n", start)
        if nl < 0:
            break  # a torn last line is not an op yet
        line = chunk[start:nl]
        pos = offset + nl + 1
        start = nl + 1
        if not line.strip() or (only is not None and only not in line):
            continue
        try:
            entries.append(Entry(decode_op(line, lenient=True), line, pos))
        except OpError:
            continue  # the store itself reports damaged lines
    return entries


@contextlib.contextmanager
def sync_lock(root: Path, wait: float = 0.0) -> Iterator[None]:
    """Hold the store's sync lock; raises :class:`SyncBusy` after ``wait`` seconds.

    Raises:
        StoreWriteError: the lock file cannot be made (a read-only store cannot sync).
    """
    with writing(root / LOCK_FILE):
        fd = os.open(root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise SyncBusy("another process is syncing this store") from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def fresh_state(replica: Replica) -> SyncState:
    state = SyncState.load(replica.root)
    try:
        stat = replica.log.path.stat()
    except FileNotFoundError:
        return state
    if state.log_inode != stat.st_ino or state.offset > stat.st_size:
        state.offset, state.log_inode, state.acked = 0, stat.st_ino, []
    return state


def settle(state: SyncState, entries: list[Entry], mine: Callable[[Op], bool]) -> None:
    """Move the offset over every leading op the server holds or refused (``mine`` says
    which ops are this replica's to push)."""
    acked = set(state.acked)
    passed: set[str] = set()
    for entry in entries:
        if entry.end <= state.offset:
            continue
        op = entry.op
        if mine(op) and op.id not in acked and op.id not in state.rejected:
            break
        state.offset = entry.end
        passed.add(op.id)
    state.acked = [i for i in state.acked if i not in passed]


def pending_count(replica: Replica) -> int:
    """Local ops the server has not acknowledged yet (for an "N pending" indicator)."""
    state = fresh_state(replica)
    done = set(state.acked) | set(state.rejected)
    node = replica.config.node
    # A local op's line holds the node id (its clock's origin) as JSON spells it: the
    # many lines a pull brought in are skipped undecoded.
    spelled = msgspec.json.encode(node)[1:-1]
    return sum(
        1
        for e in scan_log(replica.root, state.offset, spelled)
        if is_local(e.op, node) and e.op.id not in done
    )
