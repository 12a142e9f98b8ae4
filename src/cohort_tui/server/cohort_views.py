"""The permission views an instance keeps: built on first use, following the shared log,
evicted least recently used past a memory budget.

Nothing is folded at start: a cohort's :class:`PermissionView` is built from storage the
first time a request needs it, and before every check it reads the ops stored after the
last one it folded (:meth:`Storage.ops_after`), so ops written by another instance on the
same database count; in a worker thread when that waits on a database server or folds
much, so other requests go on. Only the storage interface is used, so any backend works.

Why lazy rebuilds and not a projection persisted in the database: the view of a 100k-op
cohort rebuilds in about a second (``bench/bench_scale.py``), once per instance and cohort
while it stays in the cache; a persisted projection would make that constant but needs
every backend to maintain it in the write transaction, a second format to migrate, and
a repair path when it drifts from the log. The log stays the one source of truth.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import re
import weakref
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any, TypeVar

from cohort_tui.domain.ops import Op, OpError, decode_op
from cohort_tui.domain.permission_view import FACT_KINDS, PermissionView
from cohort_tui.server.storage import Storage

PAGE = 2_000
"""Ops read from storage per query while catching up."""
DEFAULT_BUDGET = 1_500_000
"""Facts (members and creators) all cached views may hold together: each costs about
120 bytes (measured), so about 170 MiB, enough for 50 cohorts of 100k ops. Past it, the
least recently used views are dropped."""


_FACT_KIND = re.compile(
    b'"(?:' + b"|".join(re.escape(kind.encode()) for kind in sorted(FACT_KINDS)) + b')"'
)
"""A fact kind's name in quotes. Stored bodies are JSON as msgspec writes it, so an op of
such a kind has its name there verbatim (never escaped); a body without any of them is
an op no rule looks at, skipped unparsed."""


def _fold_body(view: PermissionView, body: bytes) -> None:
    """Fold one stored op. Most ops (reads, progress, reactions) change no fact: telling
    them apart by a byte search instead of decoding them makes a rebuild twice as fast.
    A false match (a kind's name quoted in some other field) only costs a decode."""
    if _FACT_KIND.search(body) is None:
        return
    with contextlib.suppress(OpError):  # a body that no longer decodes
        view.apply(decode_op(body, lenient=True))


def fold_into(
    view: PermissionView,
    storage: Storage,
    cohort: str,
    bodies: list[bytes] | None = None,
    decoded: Mapping[bytes, Op] | None = None,
) -> None:
    """Fold the cohort's ops stored after ``view.seq`` into ``view`` (their bodies added
    to ``bodies`` when given).

    ``decoded`` maps bodies to the ops they decode to (a push's own ops, decoded when
    they were checked): a stored row whose body is there is folded from that op instead
    of being decoded again. Rows are still taken from storage, one by one in seq order,
    whoever stored them, so the view follows the shared log exactly; the map only saves
    the decoding of a body (one content, one op).
    """
    was_enabled = gc.isenabled()
    gc.disable()  # folding allocates many objects that never form cycles
    try:
        while True:
            rows = storage.ops_after(cohort, view.seq, PAGE)
            if bodies is not None:
                bodies.extend(body for _, body in rows)
            for seq, body in rows:
                op = decoded.get(body) if decoded else None
                if op is None:
                    _fold_body(view, body)
                else:
                    view.apply(op)
                view.seq = seq
            if len(rows) < PAGE:
                return
    finally:
        if was_enabled:
            gc.enable()


BACKGROUND_AFTER = PAGE
"""On an embedded database, a view further behind than this catches up in a worker
thread, not on the loop (on a database server, every catch-up does)."""
T = TypeVar("T")


class CohortViews:
    """The permission views of the cohorts this instance served lately.

    Args:
        storage: Where the ops are.
        budget: Facts all views may hold together before the least recently used go.
    """

    def __init__(self, storage: Storage, budget: int = DEFAULT_BUDGET) -> None:
        self.storage = storage
        self.budget = budget
        self.waits: bool = getattr(storage, "WAITS", True)
        """Whether storage calls wait on a database server (then made in threads)."""
        self._views: OrderedDict[str, PermissionView] = OrderedDict()
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        """Each cohort's lock while some request holds or waits for it."""

    def __contains__(self, cohort: object) -> bool:
        return cohort in self._views

    def __len__(self) -> int:
        return len(self._views)

    def size(self) -> int:
        """Facts held by every cached view."""
        return sum(view.size() for view in self._views.values())

    def clear(self) -> None:
        """Forget every view (they rebuild from storage on next use)."""
        self._views.clear()

    def forget(self, cohort: str) -> None:
        """Forget one cohort's view (it ran ahead of storage, say)."""
        self._views.pop(cohort, None)

    @contextlib.asynccontextmanager
    async def hold(self, cohort: str) -> AsyncIterator[PermissionView]:
        """The cohort's view with every op stored so far folded in, for this request
        alone until the block ends.

        Other requests for the cohort wait meanwhile (a push checks its batch against
        the view, stores it and folds it back in with awaits in between: nobody else may
        see or fold the view half way), other cohorts' requests go on. Catching up runs
        in a worker thread on a database server; on an embedded one, only when the view
        is missing or far behind (:data:`BACKGROUND_AFTER`), so it does not hold up the
        event loop.
        """
        lock = self._locks.get(cohort)
        if lock is None:
            lock = self._locks[cohort] = asyncio.Lock()
        async with lock:
            cached = self._views.get(cohort)
            view = cached or PermissionView()
            try:
                far = cached is None or (
                    not self.waits and self.storage.last_seq(cohort) - cached.seq > BACKGROUND_AFTER
                )
                await self.call(fold_into, view, self.storage, cohort, far=far)
                self._views[cohort] = view
                self._views.move_to_end(cohort)
                self._evict()
                yield view
            except asyncio.CancelledError:
                # A worker thread may still be folding into the view, and the lock goes
                # now: the view is dropped (rebuilt on next use) rather than shared.
                if self._views.get(cohort) is view:
                    del self._views[cohort]
                raise

    async def call(self, func: Callable[..., T], /, *args: Any, far: bool = False) -> T:
        """``func(*args)`` in a worker thread when storage calls wait on a database
        server (:attr:`SqlStorage.WAITS`), or when ``far`` (a long fold); else here."""
        if far or self.waits:
            return await asyncio.to_thread(func, *args)
        return func(*args)

    def idle(self, cohort: str) -> bool:
        """Whether the cohort's view is cached and no request holds or waits for it."""
        lock = self._locks.get(cohort)
        return cohort in self._views and (lock is None or not lock.locked())

    async def follow(self, cohort: str) -> None:
        """Fold what was stored since into the cohort's view, if it is cached (ops were
        stored, by this instance or another one): the next request that needs the view
        then finds it current instead of catching up while its client waits."""
        if cohort in self._views:
            async with self.hold(cohort):
                pass

    async def current(self, cohort: str) -> PermissionView:
        """The cohort's view with every op stored so far folded in (not held: see
        :meth:`hold` for a request that changes it or awaits while using it)."""
        async with self.hold(cohort) as view:
            return view

    def _evict(self) -> None:
        total = self.size()
        while total > self.budget and len(self._views) > 1:
            _, view = self._views.popitem(last=False)
            total -= view.size()
