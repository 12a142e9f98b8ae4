"""A store directory: ``store.toml``, the op log, the snapshot, sync state, credentials.

:class:`Replica` is what the app and the CLI hold: the folded state of one store, kept
current with the log (``refresh``) and written to through ``write``.
"""

from __future__ import annotations

import contextlib
import gc
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from cohort_tui.domain.clock import HybridClock, new_node_id
from cohort_tui.domain.model import Member, State
from cohort_tui.domain.op_kinds import Data
from cohort_tui.domain.ops import Op, make_op
from cohort_tui.domain.reduce import OutOfOrder, apply_op, fold_ops
from cohort_tui.store.errors import StoreError
from cohort_tui.store.log import LogPosition, OpLog
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


@dataclass
class StoreConfig:
    """``store.toml``."""

    cohort: str
    node: str
    default_member: str = ""
    remote: str = ""
    format: int = STORE_FORMAT

    def to_toml(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "format": self.format,
            "cohort": self.cohort,
            "node": self.node,
            "default_member": self.default_member,
        }
        if self.remote:
            data["remote"] = self.remote
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
    return StoreConfig(
        cohort=cohort,
        node=node,
        default_member=str(raw.get("default_member", "")),
        remote=str(raw.get("remote", "")),
        format=fmt,
    )


def write_config(root: Path, config: StoreConfig) -> None:
    """Write ``store.toml`` atomically."""
    tmp = root / ".store.toml.tmp"
    tmp.write_text(tomli_w.dumps(config.to_toml()), "utf-8")
    os.replace(tmp, root / "store.toml")


def create_store(root: Path, first_op: Data, *, author: str, cohort_id: str) -> Replica:
    """Make a new store directory holding one op (normally ``cohort.create``).

    Raises:
        StoreError: the directory exists and is not empty.
    """
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise StoreError(f"{root} already exists and is not empty; pick a new directory.")
    root.mkdir(parents=True, exist_ok=True)
    config = StoreConfig(cohort=cohort_id, node=new_node_id(), default_member=author)
    write_config(root, config)
    (root / "ops.jsonl").touch()
    replica = Replica(root)
    replica.write(first_op, author=author)
    return replica


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
        self._since_snapshot = 0
        self._saved_at: LogPosition | None = None
        if not self.log.path.is_file():
            raise StoreError(f"{self.log.path} is missing; this store is incomplete.")
        self._load()

    def _load(self) -> None:
        loaded = load_snapshot(self.snapshot_path, self.log.path)
        if loaded is not None:
            self.state, self.position = loaded
            self._saved_at = LogPosition(self.position.offset, self.position.lines)
        ops, self.position = self.log.read_from(self.position)
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
        self._observe()
        if loaded is None or self._since_snapshot > SNAPSHOT_EVERY:
            self.save_snapshot()

    def _replay(self) -> None:
        self._refold()
        self._observe()
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
            del ops
            if freeze:
                gc.freeze()
        return state, position

    def adopt(self, state: State, position: LogPosition) -> State:
        """Make a state from :meth:`fold_log` current; returns the one it replaces."""
        old, self.state, self.position = self.state, state, position
        self.needs_refold = False
        self._saved_at = None  # the snapshot on disk was not made from this state
        self._observe()
        return old

    def _observe(self) -> None:
        if self.state.last_clock is not None:
            self.clock.observe(self.state.last_clock)

    def save_snapshot(self) -> None:
        """Write the snapshot for the current position (best effort: a cache). Nothing
        is written when the snapshot on disk already stops there (quitting the app after
        only reading costs no 16 MB write at 100k ops)."""
        if self._saved_at == self.position and self.snapshot_path.exists():
            return
        with contextlib.suppress(OSError):
            write_snapshot(self.snapshot_path, self.log.path, self.state, self.position)
            self._since_snapshot = 0
            self._saved_at = LogPosition(self.position.offset, self.position.lines)
            (self.root / LEGACY_SNAPSHOT_NAME).unlink(missing_ok=True)

    def refresh(self) -> list[Op]:
        """Fold in ops other processes appended; returns them (possibly none)."""
        if self.needs_refold or self.log.size() == self.position.offset:
            return []
        ops, self.position = self.log.read_from(self.position)
        self.fold_in(ops)
        return ops

    def fold_in(self, ops: list[Op]) -> None:
        """Fold ops read from the log after what is folded, in place.

        An op older than what was folded (a sync brought in offline work) refolds the
        whole log, or, with :attr:`defer_refold`, sets :attr:`needs_refold`.
        """
        try:
            for op in ops:
                apply_op(self.state, op)
        except OutOfOrder:
            if self.defer_refold:
                self.needs_refold = True
            else:
                self._refold()
        self._observe()
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

    def import_ops(self, ops: list[Op]) -> tuple[int, int]:
        """Append the ops this store lacks; returns ``(added, duplicates)``."""
        with self.log.locked():
            self.refresh()
            fresh: dict[str, Op] = {}
            for op in ops:
                if op.id not in self.state.seen and op.id not in fresh:
                    fresh[op.id] = op
            self.log.append(sorted(fresh.values(), key=Op.sort_key))
        self.refresh()
        return len(fresh), len(ops) - len(fresh)

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
