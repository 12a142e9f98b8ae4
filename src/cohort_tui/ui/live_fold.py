"""Folding what other processes append into the app's state, without stalling its loop.

A few ops (another pane's post) are read and folded at once: a few milliseconds. A big
batch (a sync bringing 1,000 ops), or the first batch after a start from a snapshot
(whose op ids are still packed), is read and decoded in a thread, then folded on the
event loop a slice at a time, so keys are answered between slices. An op that sorts
before what was folded (offline work arriving) needs the whole log folded again,
seconds at 100k ops: that runs in a thread into a *new* state, which replaces the old
one on the loop when it is done; screens read the old state, untouched, until then.
The state screens read is only ever changed on the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from msgspec.structs import replace

from cohort_tui.domain.derived import Derived
from cohort_tui.domain.model import State
from cohort_tui.domain.ops import Op
from cohort_tui.domain.queries import UnreadCache, unread_threads
from cohort_tui.store.errors import StoreError
from cohort_tui.store.log import LogMoved, LogPosition
from cohort_tui.ui import timings

if TYPE_CHECKING:
    from cohort_tui.ui.app import CohortApp

READ_AT_ONCE = 64 * 1024
"""New log bytes read and folded at once on the loop (about 200 ops, a few ms)."""

SLICE_SECONDS = 0.008
"""How long one slice of a big batch may fold before the loop gets a turn."""

FOLLOW_EVERY = 0.1
"""Seconds between two looks at the log (an ``os.stat``) once the app polls at all: the
app's own poll timer (0.5 s) alone put a post from another pane on screen 0.5 s late at
p95, the whole budget."""

FOLD_GAP = 0.25
"""Least seconds between two folds started by those looks: at 5 posts/s a pane folds
and redraws a few posts at a time, not one redraw per post."""


class LiveFold:
    """Brings ops other processes appended into ``app.replica`` (see the module).

    The app calls :meth:`poll` on a timer and :meth:`finish_now` before it writes.
    """

    def __init__(self, app: CohortApp) -> None:
        self.app = app
        self.replica = app.replica
        self.replica.defer_refold = True
        self.slice_seconds = SLICE_SECONDS
        self.chunk = 16
        """Ops folded between two looks at the clock (1 in tests, to slice finely)."""
        self._busy = False
        self._pending: list[Op] = []
        self._folded: list[Op] = []
        self._following = False
        self._last_fold = 0.0

    @property
    def busy(self) -> bool:
        """A batch is being read or folded, or the log is being refolded."""
        return self._busy

    @property
    def remaining(self) -> int:
        """Ops of the current batch not folded yet."""
        return len(self._pending)

    def poll(self) -> None:
        """Fold in what is new in the log; raises :class:`StoreError` for a damaged log
        read on the loop (a thread's error reaches :meth:`CohortApp.store_failed`)."""
        replica = self.replica
        if not self._following and self.app.poll_interval > FOLLOW_EVERY:
            # The app polls (not a test driving it by hand): look more often than it.
            self._following = True
            self.app.set_interval(FOLLOW_EVERY, self._follow, name="live-fold-follow")
        if self._busy:
            return
        if replica.needs_refold:
            self._start_refold()
            return
        follows = replica.log.follows(replica.position)
        if follows is None:
            return
        if not follows:
            # Repaired, or cut back after a failed append we may have read part of:
            # fold the whole log again, off the loop like any refold.
            replica.needs_refold = True
            self._start_refold()
            return
        new_bytes = replica.log.size() - replica.position.offset
        if new_bytes <= READ_AT_ONCE and replica.state.seen.unpacked:
            ops = replica.refresh()
            if replica.needs_refold:
                self._start_refold()
            elif ops:
                self._last_fold = time.monotonic()
                self.app.store_folded(ops)
            return
        self._busy = True
        start = replace(replica.position)  # a copy: the position moves on as we fold
        self._run(partial(self._read, start), "read new ops")

    def _follow(self) -> None:
        if time.monotonic() - self._last_fold < FOLD_GAP:
            return  # the next look, or the app's own poll, takes what came meanwhile
        try:
            self.poll()
        except StoreError as exc:
            self.app.store_failed(exc)

    def finish_now(self) -> None:
        """Fold the rest of a batch at once (before the app writes, so its op folds
        after everything read before it)."""
        if self._pending:
            self._fold_slice(at_once=True)

    # -- a big batch: read in a thread, folded in slices ----------------------------

    def _read(self, start: LogPosition) -> None:
        # The op ids a snapshot keeps packed (10 MB as a set at 100k ops, so not at
        # start) are needed to fold: unpacked here, not on the event loop (~30 ms).
        self.replica.state.seen.unpack()
        try:
            ops, end = self.replica.log.read_from(start)
        except LogMoved:
            self._call(self._moved)
            return
        except StoreError as exc:
            self._call(self._failed, exc)
            return
        self._call(self._deliver, start, ops, end)

    def _moved(self) -> None:
        """The log changed under a thread's read (a repair, a cut-back): refold it."""
        self._busy = False
        self.replica.needs_refold = True
        self.poll()

    def _deliver(self, start: LogPosition, ops: list[Op], end: LogPosition) -> None:
        if self.replica.position != start or self.replica.needs_refold:
            # The app wrote (and read) meanwhile: what was read is stale. Look again.
            self._busy = False
            self.app.call_later(self.poll)
            return
        self.replica.position = end
        self._pending, self._folded = ops, []
        self._fold_slice()

    def _fold_slice(self, *, at_once: bool = False) -> None:
        deadline = None if at_once else time.perf_counter() + self.slice_seconds
        pending, replica = self._pending, self.replica
        done = 0
        while done < len(pending):
            chunk = pending[done : done + self.chunk]
            replica.fold_in(chunk)
            done += len(chunk)
            if replica.needs_refold or (deadline is not None and time.perf_counter() > deadline):
                break
        self._folded.extend(pending[:done])
        del pending[:done]
        if replica.needs_refold:
            # The refold reads the whole log again, these ops included.
            self._pending, self._folded = [], []
            self._start_refold()
        elif pending:
            # Straight onto the event loop, not the app's message queue: a queue that
            # never runs dry would keep the screens' tasks (the keys) waiting.
            asyncio.get_running_loop().call_soon(self._fold_slice)
        else:
            folded, self._folded = self._folded, []
            self._busy = False
            self._last_fold = time.monotonic()
            self.app.store_folded(folded)

    # -- a refold: a new state built in a thread, swapped in on the loop --------------

    def _start_refold(self) -> None:
        timings.note("refold")
        self._busy = True
        self._run(self._refold, "refold the log")

    def _refold(self) -> None:
        try:
            state, end = self.replica.fold_log(freeze=True)
        except StoreError as exc:
            self._call(self._failed, exc)
            return
        # Nobody else sees the new state yet: count its unread threads here, so the
        # screens' first redraw from it does not count 2,000 threads on the loop.
        unread = UnreadCache()
        unread_threads(state, self.app.member_id, unread)
        derived = Derived(state, self.app.member_id)
        # Today's slow part (reviews waiting, next lesson, the cohort's median) is kept
        # for the minute: computed here, Home's first redraw from the new state takes it.
        derived.today(state, self.app.now_ms())
        self._call(self._adopt, state, end, unread, derived)

    def _adopt(self, state: State, end: LogPosition, unread: UnreadCache, derived: Derived) -> None:
        old = self.replica.adopt(state, end)
        self.app.unread_cache = unread
        self.app.derived_seed(derived)
        self._busy = False
        self.app.store_folded([])
        # getrefcount sees ``old`` and its own argument: no screen or worker holds it.
        if sys.getrefcount(old) <= 2:
            threading.Thread(
                target=_dismantle, args=(old,), name="free old state", daemon=True
            ).start()
        del old
        self.poll()  # what was appended while the log was refolded

    # -- plumbing ---------------------------------------------------------------------

    def _failed(self, exc: StoreError) -> None:
        self._busy = False
        self._pending, self._folded = [], []
        self.app.store_failed(exc)

    def _run(self, work: Callable[[], None], name: str) -> None:
        self.app.run_worker(work, name=name, group="live-fold", thread=True, exit_on_error=False)

    def _call(self, callback: Callable[..., object], *args: object) -> None:
        with contextlib.suppress(RuntimeError):  # the app is closing
            self.app.call_from_thread(callback, *args)


DISMANTLE_AFTER = 1.0
"""Seconds a replaced state is kept before it is freed: the screens redraw first."""


def _dismantle(state: State) -> None:
    """Free a replaced state a piece at a time, in the background (in a thread).

    Letting go of a 100k-op state at once frees its objects in one stretch of C that
    holds the interpreter for ~40 ms, a stall for whichever thread lets go. Freed a few
    hundred entries at a time, with a pause between (which hands the interpreter to the
    event loop), and only after the screens have redrawn from the new state, it costs
    the loop nothing it would notice. A table someone else still holds is left whole.
    """
    time.sleep(DISMANTLE_AFTER)
    for name in ("posts", "reads", "threads", "submissions", "reviews", "progress"):
        table = getattr(state, name)
        # ``reads`` is a ReadMarks (no popitem): it crashed this thread on every refold.
        if not isinstance(table, dict) or sys.getrefcount(table) > 3:
            continue  # 3: the state, ``table`` and getrefcount's argument
        while table:
            for _ in range(min(256, len(table))):
                table.popitem()
            time.sleep(0.001)
        del table
