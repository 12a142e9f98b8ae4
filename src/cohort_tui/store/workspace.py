"""A store directory: ``store.toml``, the op log, the snapshot, sync state, credentials.

:class:`Replica` is what the app and the CLI hold: the folded state of one store, kept
current with the log (``refresh``) and written to through ``write``.
"""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from msgspec import Struct, field
from msgspec.structs import replace

from cohort_tui.domain.clock import (
    MAX_LEAD_MS,
    HybridClock,
    clock_problem,
    new_node_id,
    new_ulid,
    wall_now,
)
from cohort_tui.domain.late import fold_late
from cohort_tui.domain.model import Member, State
from cohort_tui.domain.op_kinds import Data
from cohort_tui.domain.ops import Op, make_op
from cohort_tui.domain.reduce import OutOfOrder, apply_op, fold_ops
from cohort_tui.store.errors import StoreError, writing
from cohort_tui.store.files import atomic_write
from cohort_tui.store.identity import IdIndex
from cohort_tui.store.log import LogMoved, LogPosition, OpLog
from cohort_tui.store.recent import RecentOps
from cohort_tui.store.snapshot import (
    LEGACY_SNAPSHOT_NAME,
    SNAPSHOT_NAME,
    gc_paused,
    load_snapshot,
    write_snapshot,
)

STORE_FORMAT = 1
SNAPSHOT_EVERY = 2_000
"""Replaying more ops than this past the snapshot writes a fresh one."""


class StoreConfig(Struct):
    """``store.toml``."""

    cohort: str
    node: str
    default_member: str = ""
    remote: str = ""
    """The server this store syncs with (the first of :attr:`servers`)."""
    format: int = STORE_FORMAT
    servers: list[str] = field(default_factory=list)
    """Every server URL of the cohort, tried in order (several instances of one server:
    a client fails over to the next); empty when there is only :attr:`remote`."""

    @property
    def urls(self) -> list[str]:
        """The server URLs to try, in order (none for a store without a server)."""
        if self.servers:
            return list(self.servers)
        return [self.remote] if self.remote else []

    def to_toml(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "format": self.format,
            "cohort": self.cohort,
            "node": self.node,
            "default_member": self.default_member,
        }
        if self.remote:
            data["remote"] = self.remote
        if len(self.servers) > 1:
            data["servers"] = list(self.servers)
        return data


def read_config(root: Path) -> StoreConfig:
    """Read and check ``store.toml``; raises :class:`StoreError` naming the problem."""
    path = root / "store.toml"
    if not root.exists():
        raise StoreError(
            f"{root} does not exist; create a store with `cohort demo {root}` "
            f"or `cohort init {root} --name NAME --handle HANDLE`."
        )
    if not root.is_dir():
        raise StoreError(f"{root} is a file, not a cohort store directory.")
    if not path.is_file():
        raise StoreError(
            f"{root} is not a cohort store (no store.toml); create one with "
            f"`cohort demo {root}` or `cohort init {root} ...`."
        )
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise StoreError(f"{path} is not a valid store file ({exc}).") from None
    if not raw:
        raise StoreError(f"{path} is empty; this is not a cohort store.")
    fmt = raw.get("format")
    if not isinstance(fmt, int) or fmt > STORE_FORMAT:
        raise StoreError(
            f"{path} has store format {fmt!r}; this cohort-tui reads format "
            f"{STORE_FORMAT} (upgrade cohort-tui to open it)."
        )
    cohort, node = raw.get("cohort"), raw.get("node")
    if not isinstance(cohort, str) or not isinstance(node, str) or not node:
        raise StoreError(f"{path} lacks its cohort or node id; this is not a cohort store.")
    servers = _servers(raw, path)
    return StoreConfig(
        cohort=cohort,
        node=node,
        default_member=str(raw.get("default_member", "")),
        remote=str(raw.get("remote", "")) or (servers[0] if servers else ""),
        format=fmt,
        servers=servers,
    )


def _servers(raw: dict[str, Any], path: Path) -> list[str]:
    """``servers = [...]`` (several instances), checked; absent in older stores."""
    servers = raw.get("servers", [])
    if not isinstance(servers, list) or not all(isinstance(u, str) and u for u in servers):
        raise StoreError(f"{path}: servers must be a list of server URLs.")
    remote = raw.get("remote")
    if servers and isinstance(remote, str) and remote and remote not in servers:
        servers.insert(0, remote)  # an edited file: the remote still counts
    return servers


def write_config(root: Path, config: StoreConfig) -> None:
    """Write ``store.toml`` atomically.

    Raises:
        StoreWriteError: the disk or folder refused; the old file is kept.
    """
    import tomli_w  # only when writing: opening a store only reads

    atomic_write(root / "store.toml", tomli_w.dumps(config.to_toml()).encode(), mode=0o644)


@contextlib.contextmanager
def new_store_dir(root: Path) -> Iterator[None]:
    """Make ``root`` for a new store; if the block fails, remove what it made.

    A half-made store (a full disk after ``store.toml``) would otherwise be refused by
    the next attempt as "not empty".

    Raises:
        StoreError: ``root`` exists and is not an empty directory.
        StoreWriteError: the folder cannot be made.
    """
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise StoreError(f"{root} already exists and is not empty; pick a new directory.")
    existed = root.exists()
    with writing(root):
        root.mkdir(parents=True, exist_ok=True)
    try:
        yield
    except BaseException:
        if existed:
            for child in list(root.iterdir()):
                if child.is_dir():
                    shutil.rmtree(child, ignore_errors=True)
                else:
                    child.unlink(missing_ok=True)
        else:
            shutil.rmtree(root, ignore_errors=True)
        raise


def create_store(root: Path, first_op: Data, *, author: str, cohort_id: str) -> Replica:
    """Make a new store directory holding one op (normally ``cohort.create``).

    Raises:
        StoreError: the directory exists and is not empty.
        StoreWriteError: the disk or folder refused; nothing is left behind.
    """
    with new_store_dir(root):
        config = StoreConfig(cohort=cohort_id, node=new_node_id(), default_member=author)
        write_config(root, config)
        with writing(root / "ops.jsonl"):
            (root / "ops.jsonl").touch()
        replica = Replica(root)
        replica.write(first_op, author=author)
    return replica


class Imported(Struct):
    """What :meth:`Replica.import_ops` did with a batch of ops."""

    added: int = 0
    """Ops appended to the log."""
    duplicates: int = 0
    """Ops the store already held (same id, same content)."""
    refused: dict[str, str] = field(default_factory=dict)
    """Ops not stored, id -> reason (a clock out of bounds)."""
    conflicts: dict[str, str] = field(default_factory=dict)
    """Ops stored under an id the store already held with other content, id -> reason.
    Never counted as duplicates: both copies stay in the log and the fold counts the one
    first in the order (the same on every replica); the other is refused visibly."""


CONFLICT = (
    "this id already names an op with other content; both copies are kept in the log and "
    "only the one first in the fold's order counts"
)


class Replica:
    """The folded state of one store directory.

    Args:
        root: The store directory.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        """The store directory."""
        self.config = read_config(root)
        """``store.toml``."""
        self.log = OpLog(root)
        """The op log."""
        self.snapshot_path = root / SNAPSHOT_NAME
        # A per-process suffix keeps two processes of one pod from minting equal clocks.
        self.clock = HybridClock(f"{self.config.node}.{os.getpid() % 65536:04x}")
        """This process's hybrid logical clock."""
        self.state = State()
        """The current folded state."""
        self.position = LogPosition()
        """How far the log is folded into :attr:`state`."""
        self.defer_refold = False
        """Set by an owner with an event loop (the app): an op that sorts before what was
        folded does not refold here (seconds at 100k ops); :attr:`needs_refold` is set
        and folding stops until the owner refolds with :meth:`fold_log` off its loop and
        :meth:`adopt`s the result."""
        self.needs_refold = False
        """See :attr:`defer_refold`."""
        self.recent = RecentOps()
        """The ops last folded into :attr:`state` in place, for views that catch up."""
        self._since_snapshot = 0
        self._ids = IdIndex(self.log.path)
        self._saved_at: LogPosition | None = None
        if not self.log.path.is_file():
            raise StoreError(f"{self.log.path} is missing; this store is incomplete.")
        self._load()

    def _load(self) -> None:
        loaded = load_snapshot(self.snapshot_path, self.log.path)
        self.recent.restart()
        if loaded is not None:
            self.state, self.position = loaded
            self._saved_at = replace(self.position)
        try:
            ops, self.position = self.log.read_from(self.position)
        except LogMoved:  # the snapshot is of another log after all
            self._replay()
            return
        try:
            for op in ops:
                apply_op(self.state, op)
        except OutOfOrder:
            self._replay()
            return
        self._since_snapshot = len(ops)
        if loaded is not None and self.state.cohort is None:
            self._replay()  # a snapshot of nothing is worth no trust
            return
        self._observe(ops)
        if loaded is None or self._since_snapshot > SNAPSHOT_EVERY:
            self.save_snapshot()

    def _replay(self) -> None:
        self._refold()
        self._observe([])
        self.save_snapshot()

    def _refold(self) -> None:
        self.adopt(*self.fold_log())

    def fold_log(self, *, freeze: bool = False) -> tuple[State, LogPosition]:
        """A new state folded from the whole log, and where the log ended.

        Changes nothing here, so it can run in a thread while the current state is read;
        :meth:`adopt` makes the result current. With ``freeze``, the new state (long
        lived) is moved out of the garbage collector's sight before the collector is
        turned back on: otherwise its first collection walks every object of it.
        """
        with gc_paused():
            ops, position = self.log.read_from(LogPosition())
            state = fold_ops(ops)
            let_go(ops)
            del ops
            if freeze:
                gc.freeze()
        return state, position

    def adopt(self, state: State, position: LogPosition) -> State:
        """Make a state from :meth:`fold_log` current; returns the one it replaces."""
        old, self.state, self.position = self.state, state, position
        self.recent.restart()
        self.needs_refold = False
        self._saved_at = None  # the snapshot on disk was not made from this state
        self._observe([])
        return old

    def _observe(self, ops: list[Op]) -> None:
        """Move the local clock past what the fold holds, within the clock bounds.

        The last clock in the order is not enough: when it is out of bounds (a poisoned op
        kept in the log) the clock ignores it, so the new ops' own clocks count too.
        """
        now = wall_now()
        if self.state.last_clock is not None:
            self.clock.observe(self.state.last_clock, now)
        limit = now + MAX_LEAD_MS
        newest = max((op.clock for op in ops if op.clock[0] <= limit), default=None)
        if newest is not None:
            self.clock.observe(newest, now)

    def save_snapshot(self) -> None:
        """Write the snapshot for the current position (best effort: a cache). Nothing
        is written when the snapshot on disk already stops there (quitting the app after
        only reading costs no 16 MB write at 100k ops)."""
        if self._saved_at == self.position and self.snapshot_path.exists():
            return
        with contextlib.suppress(OSError):
            write_snapshot(self.snapshot_path, self.log.path, self.state, self.position)
            self._since_snapshot = 0
            self._saved_at = replace(self.position)
            (self.root / LEGACY_SNAPSHOT_NAME).unlink(missing_ok=True)

    def refresh(self) -> list[Op]:
        """Fold in ops other processes appended; returns them (possibly none)."""
        if self.needs_refold:
            return []
        follows = self.log.follows(self.position)
        if follows is None:
            return []
        if follows:
            try:
                ops, self.position = self.log.read_from(self.position)
            except LogMoved:
                follows = False
        if not follows:
            # Repaired, or cut back after a failed append we may have read part of:
            # fold it all again, and report what is new to us.
            seen = self.state.seen
            with gc_paused():
                ops, self.position = self.log.read_from(LogPosition())
                self.state = fold_ops(ops)
            self.recent.restart()
            self._saved_at = None
            self._observe(ops)
            self._since_snapshot = len(ops)
            return [op for op in ops if op.id not in seen]
        self.fold_in(ops)
        return ops

    def fold_in(self, ops: list[Op]) -> None:
        """Fold ops read from the log after what is folded, in place.

        An op older than what was folded (a sync brought in offline work) is folded in
        place when that is certainly what a refold gives (:func:`fold_late`); otherwise
        it refolds the whole log, or, with :attr:`defer_refold`, sets
        :attr:`needs_refold`.
        """
        state, recent = self.state, self.recent
        for op in ops:
            try:
                apply_op(state, op)
            except OutOfOrder:
                if fold_late(state, op):
                    recent.add(op)
                    continue
                if self.defer_refold:
                    self.needs_refold = True
                else:
                    self._refold()
                break
            recent.add(op)
        self._observe(ops)
        self._since_snapshot += len(ops)

    def write(self, data: Data, *, author: str) -> Op:
        """Append one op authored by ``author`` and fold it in."""
        return self.write_many([data], author=author)[0]

    def write_many(self, items: list[Data], *, author: str) -> list[Op]:
        """Append ops atomically (one locked write) and fold them in."""
        with self.log.locked():
            self.refresh()
            ops = [make_op(data, author=author, clock=self.clock) for data in items]
            self.log.append(ops)
        self.refresh()
        return ops

    def remint(self, op: Op) -> Op:
        """Append a copy of ``op`` under a new id, stamped now (same author, kind, data).

        For an op the server cannot take because its id already names other content
        there: the copy carries the member's work to the cohort.
        """
        with self.log.locked():
            self.refresh()
            stamp = self.clock.now()
            copy = Op(new_ulid(stamp[0]), op.kind, op.author, stamp, op.data)
            self.log.append([copy])
        self.refresh()
        return copy

    def import_ops(
        self, ops: list[Op], *, trusted: bool = False, recheck: set[str] | None = None
    ) -> Imported:
        """Append the ops this store lacks, in one locked write.

        An op whose id the store holds is a duplicate only if its content is the same;
        other content under a known id is a conflict: it is stored as well (so every
        replica that meets both copies folds the same one, see :mod:`reduce`) and
        reported, never counted as a duplicate.

        Args:
            ops: Ops from elsewhere (a file, another replica, the server).
            trusted: The ops come from the sync server, which has already held them to
                the bounds (refusing them here would make replicas diverge), or were
                built by this program (the demo). Untrusted ops whose clock is out of
                bounds (:func:`clock_problem`) are refused one by one and not stored.
            recheck: With ``trusted``, this store's own ops whose server copy must be
                compared anyway (the server refused them as conflicts).
        """
        result = Imported()
        now = wall_now()
        with self.log.locked():
            self.refresh()
            stored = self._stored_copies(ops, trusted, recheck or set())
            seen = self.state.seen
            new: dict[str, Op] = {}  # ids new to the store: their first copy here
            held: dict[str, list[Op]] = {}  # known ids: every copy stored or appended
            fresh: list[Op] = []
            conflicting = 0
            for op in ops:
                if op.id in new:
                    known: list[Op] | None = held.setdefault(op.id, [new[op.id]])
                elif op.id in seen:
                    # No stored copy looked up: from the server, this store's own op,
                    # which the server compared with ours when it acknowledged it.
                    known = held.setdefault(op.id, stored.get(op.id) or [op])
                else:
                    known = None
                if known is not None and op in known:
                    result.duplicates += 1
                    continue
                problem = None if trusted else clock_problem(op.clock, now)
                if problem is not None:
                    result.refused[op.id] = problem
                    continue
                if known is None:
                    new[op.id] = op
                else:
                    result.conflicts[op.id] = CONFLICT
                    conflicting += 1
                    known.append(op)
                fresh.append(op)
            self.log.append(sorted(fresh, key=Op.sort_key))
        self.refresh()
        result.added = len(fresh) - conflicting
        return result

    def _stored_copies(
        self, ops: list[Op], trusted: bool, recheck: set[str]
    ) -> dict[str, list[Op]]:
        """The stored copies of the incoming ops' known ids, to tell copies from conflicts.

        From the server, this store's own ops are skipped (unless in ``recheck``): the
        server compared their content with ours when it acknowledged them, and they come
        back on every sync, so reading them again would cost every sync a log scan.
        """
        node = self.config.node
        wanted = {
            op.id
            for op in ops
            if op.id in self.state.seen
            and (
                not trusted
                or op.id in recheck
                or not (op.clock[2] == node or op.clock[2].startswith(node + "."))
            )
        }
        return self._ids.copies(wanted) if wanted else {}

    def resolve_member(self, who: str | None) -> Member:
        """The member for ``--as`` (a handle, ``@handle`` or member id), else the default.

        Raises:
            StoreError: no such member.
        """
        wanted = (who or self.config.default_member).removeprefix("@")
        for member in self.state.members.values():
            if wanted in (member.id, member.handle):
                return member
        if not wanted:
            raise StoreError("this store has no default member; pick one with --as HANDLE.")
        handles = ", ".join(sorted(m.handle for m in self.state.members.values()))
        raise StoreError(f"no member '{wanted}' in this cohort (members: {handles or 'none'}).")


def let_go(items: list[Any]) -> None:
    """Free a big list's items a slice at a time.

    The ops of a whole log die together once folded: 100k of them freed in one ``del``
    hold the interpreter for 60-90 ms, and a refold runs in a thread beside the event
    loop, which could answer no key meanwhile. Between slices the interpreter can switch.
    """
    while items:
        del items[-2048:]
