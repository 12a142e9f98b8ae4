"""Sync one store with its server: push the outbox, pull after the cursor, follow the stream.

``sync.json`` remembers how far the server is known to hold this store's log (a byte
offset into ``ops.jsonl`` plus the ids acknowledged past it) and the server cursor. The
outbox is every op this replica wrote (its clock's node is this store's node) past that
offset that the server has not acknowledged or refused. The cursor is saved only after
the pulled ops are durably in the log, so it never moves past what is stored, and the
offset only moves over ops the server has answered for, so a failed sync loses nothing:
the next one resends (the server deduplicates by op id). Every sync and every stream
connection first checks that the server still holds the history these positions belong
to (:mod:`history`); a server restored from a backup gets back what it lost.

Everything here is blocking; a lock file lets one thread or process sync a store at a
time, so the app can call :func:`sync_once` and :func:`follow` from workers (each with
its own :class:`Replica` on the store).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Container, Iterator
from dataclasses import dataclass, field

from cohort_tui.domain.ops import Op
from cohort_tui.domain.presence import Seen
from cohort_tui.store.workspace import Replica
from cohort_tui.sync.client import Pushed, ServerClient, ServerRefused, SyncError
from cohort_tui.sync.credentials import Credential
from cohort_tui.sync.history import HistoryChanged, check_history, same_history
from cohort_tui.sync.outbox import (
    Entry,
    SyncBusy,
    SyncState,
    fresh_state,
    is_local,
    pending_count,
    scan_log,
    settle,
    sync_lock,
)

__all__ = [
    "Backoff",
    "SyncBusy",
    "SyncResult",
    "SyncState",
    "follow",
    "pending_count",
    "store_page",
    "sync_lock",
    "sync_once",
]

BATCH_OPS = 1_000
"""Most ops per push request (the server's most; each request costs a commit on the
server and a durable write of the sync state here)."""
BATCH_BYTES = 900_000
"""Most bytes per push request (the server refuses bodies over 1 MiB)."""
PULL_PAGE = 5_000
"""Ops asked for per pull request (a server caps the page at its own most: 5000 now, 1000
before, and says there is more)."""
KEEP_REJECTED = 1_000
PUSH_ROUNDS = 3
"""Push passes per sync: a pass that re-mints conflicting ops pushes the copies in the
next one (a copy conflicting again is, at worst, re-minted at the next sync)."""


@dataclass
class SyncResult:
    """What one sync did."""

    pushed: int = 0
    """Ops the server stored for the first time."""
    duplicates: int = 0
    """Ops pushed that the server already had (a retry after a lost answer)."""
    rejected: dict[str, str] = field(default_factory=dict)
    """Ops the server refused in this sync: id -> reason."""
    conflicts: dict[str, str] = field(default_factory=dict)
    """Ops whose id the server holds with other content: old id -> the id of the copy
    made and sent in their place (see :func:`_push`)."""
    pulled: int = 0
    """New ops appended to the local log."""
    pending: int = 0
    """Local ops still not acknowledged (e.g. by a member with no token here)."""
    no_token: set[str] = field(default_factory=set)
    """Members whose ops are waiting because this store has no token for them."""
    cursor: int = 0
    restarted: bool = False
    """The server had lost history (a restore, a new database): this sync offered it
    every op here and pulled from the start."""

    def summary(self) -> str:
        """One line for people."""
        parts = [f"pushed {self.pushed}", f"pulled {self.pulled}", f"{self.pending} pending"]
        if self.restarted:
            parts.insert(
                0,
                "the server had lost history (restored from a backup, or a new database): "
                "sent it every op it lacked and pulled from the start",
            )
        if self.duplicates:
            parts.append(f"{self.duplicates} already on the server")
        if self.rejected:
            parts.append(f"{len(self.rejected)} refused by the server")
        if self.conflicts:
            parts.append(
                f"{len(self.conflicts)} id conflict(s): the server holds other content under "
                "those ids, so they were sent again under new ids"
            )
        if self.no_token:
            parts.append("no token here for " + ", ".join(sorted(self.no_token)))
        return ", ".join(parts)

    def problems(self) -> list[str]:
        """One line per op a member should hear about (refused, or sent under a new id)."""
        lines = [f"refused {op_id}: {reason}" for op_id, reason in sorted(self.rejected.items())]
        lines += [
            f"conflict {old}: the server holds other content under this id; your op was "
            f"sent again as {new}"
            for old, new in sorted(self.conflicts.items())
        ]
        return lines


def _batches(entries: list[Entry]) -> Iterator[list[Entry]]:
    """Runs of one author's ops in log order, bounded in count and bytes."""
    batch: list[Entry] = []
    size = 0
    for entry in entries:
        if batch and (
            entry.op.author != batch[0].op.author
            or len(batch) >= BATCH_OPS
            or size + len(entry.line) > BATCH_BYTES
        ):
            yield batch
            batch, size = [], 0
        batch.append(entry)
        size += len(entry.line) + 1
    if batch:
        yield batch


def _pull_token(replica: Replica, creds: dict[str, Credential]) -> Credential:
    mine = [c for c in creds.values() if c.cohort == replica.config.cohort]
    if not mine:
        raise SyncError("this store has no server token; join with `cohort join URL --invite ...`")
    default = replica.config.default_member
    return next((c for c in mine if c.member == default), mine[0])


def sync_once(
    replica: Replica,
    creds: dict[str, Credential],
    client: ServerClient | None = None,
    *,
    wait: float = 0.0,
    progress: Callable[[str, int, int], None] | None = None,
    retry_refused: bool = False,
) -> SyncResult:
    """Push what the server lacks, then pull what is new; returns what happened.

    Args:
        replica: The store.
        creds: Its credentials (:func:`load_credentials`).
        client: The server client; one for ``store.toml``'s remote is made if omitted.
        wait: Seconds to wait for another process's sync to finish.
        progress: Called with ``("push" | "pull", done, total)`` as batches complete
            (total is 0 when unknown).
        retry_refused: Forget which ops the server refused and offer every local op
            again (the server skips what it has).

    Raises:
        SyncError: the server is unreachable or refused (nothing local is lost), or
            another process holds the sync lock (:class:`SyncBusy`).
    """
    owned = client is None
    if client is None:
        if not replica.config.remote:
            raise SyncError("this store has no server; join one with `cohort join URL ...`")
        client = ServerClient(replica.config.urls)
    try:
        with sync_lock(replica.root, wait):
            result = SyncResult()
            state = fresh_state(replica)
            cred = _pull_token(replica, creds)
            for attempt in range(2):
                try:
                    _sync(replica, creds, client, state, result, progress, cred, retry_refused)
                    break
                except HistoryChanged:
                    if attempt:  # twice in one sync: let the next one sort it out
                        raise
            result.cursor = state.cursor
            result.pending = pending_count(replica)
            return result
    finally:
        if owned:
            client.close()


def _sync(
    replica: Replica,
    creds: dict[str, Credential],
    client: ServerClient,
    state: SyncState,
    result: SyncResult,
    progress: Callable[[str, int, int], None] | None,
    cred: Credential,
    retry_refused: bool,
) -> None:
    """Check the server's history, push, pull (under the sync lock)."""
    before = (state.server, state.witness_seq, state.witness_id)
    if check_history(client, replica.config.cohort, cred.token, state):
        result.restarted = True
    if result.restarted or before != (state.server, state.witness_seq, state.witness_id):
        state.save(replica.root)
    if retry_refused:
        state.rejected.clear()
        state.offset, state.acked = 0, []
    sent: set[bytes] = set()  # the lines the server acknowledged: held here as they are
    for _ in range(PUSH_ROUNDS):
        if not _push(replica, creds, client, state, result, progress, sent):
            break
    _pull(replica, cred, client, state, result, progress, sent)


def _push(
    replica: Replica,
    creds: dict[str, Credential],
    client: ServerClient,
    state: SyncState,
    result: SyncResult,
    progress: Callable[[str, int, int], None] | None,
    sent: set[bytes],
) -> int:
    """Push the outbox once; returns how many ops were re-minted (to push next); the
    lines of the ops the server acknowledged are added to ``sent``.

    An op the server refuses with an id conflict (its id names other content there,
    pushed first by someone else) can never be stored under that id, so keeping it
    pending would keep it pending for ever. Instead it is copied under a new id with the
    same author, kind and data (:meth:`Replica.remint`), the copy goes up in the next
    pass, and the member is told; the original stays in the local log, settled as
    refused, so nothing is lost or sent twice.
    """
    node = replica.config.node
    cohort = replica.config.cohort
    tokens = {m for m, c in creds.items() if c.cohort == cohort}

    def mine(op: Op) -> bool:
        # Normally this replica's own ops; after the server lost history, also every op
        # here by a member with a token here (ops it wrote on another device, say).
        return is_local(op, node) or (state.recovering and op.author in tokens)

    entries = scan_log(replica.root, state.offset)
    acked = set(state.acked)
    outbox = [
        e for e in entries if mine(e.op) and e.op.id not in acked and e.op.id not in state.rejected
    ]
    done = 0
    reminted = 0
    for batch in _batches(outbox):
        author = batch[0].op.author
        cred = creds.get(author)
        if cred is None or cred.cohort != cohort:
            result.no_token.add(
                replica.state.members[author].handle if author in replica.state.members else author
            )
            continue
        answer = _send(client, cohort, cred.token, batch)
        same_history(state, answer.history)
        if answer.accepted and answer.accepted == len(answer.acked):
            # Every op stored now: the cursor is the last one's. (With duplicates in the
            # batch the reply cannot say which op it is; the next pull tells.)
            state.witness(answer.cursor, answer.acked[-1])
        result.pushed += answer.accepted
        result.duplicates += answer.duplicates
        result.rejected.update(answer.rejected)
        state.acked.extend(answer.acked)
        held = set(answer.acked)
        sent.update(e.line for e in batch if e.op.id in held)
        state.rejected.update(answer.rejected)
        by_id = {e.op.id: e.op for e in batch}
        for old, reason in answer.conflicts.items():
            copy = replica.remint(by_id[old])
            state.rejected[old] = f"{reason}; sent again as {copy.id}"
            state.conflicts[old] = result.conflicts[old] = copy.id
            reminted += 1
        settle(state, entries, mine)
        if len(state.rejected) > KEEP_REJECTED:  # only for display now: settled past them
            state.rejected = dict(list(state.rejected.items())[-KEEP_REJECTED:])
        if len(state.conflicts) > KEEP_REJECTED:
            state.conflicts = dict(list(state.conflicts.items())[-KEEP_REJECTED:])
        state.save(replica.root)
        done += len(batch)
        if progress:
            progress("push", done, len(outbox))
    settle(state, entries, mine)
    if state.recovering and (not entries or state.offset >= entries[-1].end):
        state.recovering = False  # one whole pass over the log: the server has it all
    state.save(replica.root)
    return reminted


def _send(client: ServerClient, cohort: str, token: str, batch: list[Entry]) -> Pushed:
    """Push one batch; waits out rate limits, and isolates an op the server cannot take.

    A batch refused as a whole (400 malformed for this server, 403, 413 too large) is split
    in halves until the op at fault is alone; that op is reported as refused and the rest
    go through, so one bad op never blocks the outbox behind it.
    """
    for attempt in range(3):
        try:
            return client.push(cohort, token, [e.line for e in batch])
        except ServerRefused as exc:
            if exc.status == 429 and attempt < 2:
                time.sleep(min(max(exc.retry_after, 0.5), 10.0))
                continue
            if exc.status not in (400, 403, 413):
                raise
            if len(batch) == 1:
                return Pushed(
                    acked=[], accepted=0, duplicates=0, rejected={batch[0].op.id: str(exc)}
                )
            mid = len(batch) // 2
            first = _send(client, cohort, token, batch[:mid])
            second = _send(client, cohort, token, batch[mid:])
            return Pushed(
                acked=first.acked + second.acked,
                accepted=first.accepted + second.accepted,
                duplicates=first.duplicates + second.duplicates,
                rejected={**first.rejected, **second.rejected},
                conflicts={**first.conflicts, **second.conflicts},
            )
    raise SyncError("the server kept asking to slow down; try again later")


def _pull(
    replica: Replica,
    cred: Credential,
    client: ServerClient,
    state: SyncState,
    result: SyncResult,
    progress: Callable[[str, int, int], None] | None,
    sent: Container[bytes] = (),
) -> None:
    """Pull every page after the cursor. An op whose JSON is one of ``sent`` (this sync
    pushed it and the server acknowledged it) is in the log already, byte for byte: it
    is not decoded nor offered to the store again (the pusher's own ops come back in
    the pages after a push)."""
    while True:
        page = client.pull(replica.config.cohort, cred.token, state.cursor, PULL_PAGE, sent)
        same_history(state, page.history)
        result.pulled += store_page(replica, state, page.ops, page.cursor)
        if progress:
            progress("pull", result.pulled, 0)
        if not page.more or not page.ops:
            return


def store_page(replica: Replica, state: SyncState, ops: list[Op], cursor: int) -> int:
    """Append pulled ops durably, then (only then) move the cursor; returns ops added."""
    added = 0
    if ops:
        if cohort := next((op for op in ops if op.kind == "cohort.create"), None):
            ours = replica.config.cohort
            if getattr(cohort.data, "cohort", ours) != ours:
                raise SyncError("the server sent another cohort's ops; nothing was stored")
        added = replica.import_ops(ops, trusted=True, recheck=set(state.conflicts)).added
    if cursor > state.cursor:
        state.cursor = cursor
        if ops:  # a page's cursor is its last op's
            state.witness(cursor, ops[-1].id)
        state.save(replica.root)
    return added


def follow(
    replica: Replica,
    creds: dict[str, Credential],
    client: ServerClient | None = None,
    stop: Callable[[], bool] = lambda: False,
    on_presence: Callable[[list[Seen]], None] | None = None,
) -> Iterator[int]:
    """Follow the server's live stream, storing ops as they come; yields ops added per event.

    Returns when ``stop()`` is true after an event (the server pings every 15 s);
    ``on_presence`` gets who is here now whenever the stream says; raises
    :class:`SyncError` when the stream fails (the caller reconnects, see
    :class:`Backoff`). Each event's ops are stored under the sync lock. Give the
    following thread its own :class:`Replica` on the store; the app's replica sees the
    new ops through its log watch.
    """
    owned = client is None
    if client is None:
        client = ServerClient(replica.config.urls)
    try:
        cred = _pull_token(replica, creds)
        with sync_lock(replica.root, wait=120):
            # A reconnect may find a restored server: never follow it from a cursor of a
            # lost history (the pusher, poked on connect, sends what it lacks).
            state = fresh_state(replica)
            before = (state.server, state.witness_seq, state.witness_id)
            lost = check_history(client, replica.config.cohort, cred.token, state)
            if lost or before != (state.server, state.witness_seq, state.witness_id):
                state.save(replica.root)
        for page in client.stream(replica.config.cohort, cred.token, state.cursor):
            # Under the sync lock, so a sync_once in another thread or process and this
            # follower never overwrite each other's sync.json.
            added = 0
            if page.presence is not None and on_presence is not None:
                on_presence(page.presence)
            if page.ops:
                with sync_lock(replica.root, wait=120):
                    added = store_page(replica, fresh_state(replica), page.ops, page.cursor)
            yield added
            if stop():
                return
    finally:
        if owned:
            client.close()


class Backoff:
    """Reconnect delays: exponential with full jitter, capped, reset after a success.

    Args:
        base: The first delay's upper bound in seconds.
        cap: The largest delay.
    """

    def __init__(self, base: float = 0.5, cap: float = 30.0) -> None:
        self.base = base
        self.cap = cap
        self.failures = 0

    def next_delay(self) -> float:
        """The delay before the next attempt (after a failure)."""
        self.failures += 1
        return random.uniform(0, min(self.cap, self.base * 2 ** (self.failures - 1)))

    def reset(self) -> None:
        """Call after a successful connection."""
        self.failures = 0
