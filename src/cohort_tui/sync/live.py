"""Background sync for a running app: push soon after local writes, follow the live stream.

:class:`LiveSync` runs two daemon threads for one store sharing one :class:`Replica` of
their own (every use of it is under the store's sync lock; the app's replica sees the
new ops through its log watch):

- the *pusher* runs :func:`sync_once` when poked (after a local write) and every
  ``poll`` seconds, so nothing waits long in the outbox and a missed stream event is
  caught up;
- the *follower* reads the server's event stream and stores ops as they arrive;
- the *log watcher* pokes the pusher when any process of the pod appends this store's own
  ops to the log (``cohort post``, another pane), so they reach the server within a
  second, not at the next poll (see :mod:`cohort_tui.sync.log_watch`).
- the *presence* heartbeat tells the server which of the store's members are here
  (:mod:`cohort_tui.sync.presence`); the follower relays who is here now into the
  store's presence file.

Both reconnect with exponential backoff and full jitter. Only one process per store runs
live sync (``live.lock``); in a tmux pod the other panes see the ops through the log.
Status changes go to ``on_status`` from those threads (post a message to the UI there).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from cohort_tui.store.errors import StoreError
from cohort_tui.store.log import OpLog
from cohort_tui.store.recent import RecentOps
from cohort_tui.store.workspace import Replica, read_config
from cohort_tui.sync.client import ServerClient, ServerRefused, SyncError
from cohort_tui.sync.credentials import load_credentials
from cohort_tui.sync.engine import Backoff, follow, sync_once
from cohort_tui.sync.log_watch import LogWatch
from cohort_tui.sync.outbox import SyncBusy, pending_count
from cohort_tui.sync.presence import PresenceBeat

State = Literal["syncing", "online", "offline", "elsewhere"]

WATCH_EVERY = 0.1
"""Seconds between two looks at the log for this store's ops written by other processes."""


@dataclass(frozen=True)
class LiveStatus:
    """What the header shows about sync."""

    state: State
    """``online``, ``offline``, ``syncing``, or ``elsewhere`` (another process syncs)."""
    pending: int = 0
    """Local ops the server has not acknowledged."""
    pulled: int = 0
    """Ops this step brought in."""
    message: str = ""
    """Why we are offline, for a tooltip or a notification."""
    notices: tuple[str, ...] = ()
    """What this sync has to tell the member, one line each (ops refused by the server,
    ops sent again under a new id after an id conflict); server text, so untrusted."""

    def label(self) -> str:
        """Short text such as ``online`` or ``offline · 3 pending``."""
        if self.state == "elsewhere":
            return "synced by another pane"
        return f"{self.state} · {self.pending} pending" if self.pending else self.state


class LiveSync:
    """Keeps one store in sync while an app runs.

    Args:
        root: The store directory (it must have a remote and credentials).
        on_status: Called with every status change, from a sync thread.
        poll: Seconds between background syncs when nothing pokes.
        client_factory: Makes a :class:`ServerClient` (tests may inject one).
    """

    def __init__(
        self,
        root: Path,
        on_status: Callable[[LiveStatus], None],
        *,
        poll: float = 30.0,
        client_factory: Callable[[list[str]], ServerClient] | None = None,
    ) -> None:
        self.root = root
        self._on_status = on_status
        self.poll = poll
        self._client_factory = client_factory or ServerClient
        self._stop = threading.Event()
        self._poke = threading.Event()
        self._presence_poke = threading.Event()
        self._presence: PresenceBeat | None = None
        self._threads: list[threading.Thread] = []
        self._lock_fd: int | None = None
        self._stream_client: ServerClient | None = None
        self._shared: Replica | None = None
        self._replica_lock = threading.Lock()

    def _report(self, status: LiveStatus) -> None:
        # A failing callback must not end the sync thread that called it.
        with contextlib.suppress(Exception):
            self._on_status(status)

    def start(self) -> bool:
        """Start the threads; False when another process already syncs this store."""
        fd = os.open(self.root / "live.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            self._report(LiveStatus("elsewhere"))
            return False
        self._lock_fd = fd
        for target, name in (
            (self._push_loop, "cohort-push"),
            (self._follow_loop, "cohort-stream"),
            (self._watch_loop, "cohort-log-watch"),
            (self._presence_loop, "cohort-presence"),
        ):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)
        return True

    def poke(self) -> None:
        """Ask for a sync now (call after writing an op)."""
        self._poke.set()

    def poke_presence(self) -> None:
        """Send the presence heartbeats now (a pane moved)."""
        self._presence_poke.set()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the threads and release the store's live-sync lock."""
        self._stop.set()
        self._poke.set()
        self._presence_poke.set()
        client = self._stream_client
        if client is not None:
            with contextlib.suppress(Exception):
                client.close()  # unblocks the stream read
        pusher, follower, _watcher, presence = self._threads or (None, None, None, None)
        if pusher is not None:
            pusher.join(timeout)
        if presence is not None:
            presence.join(min(1.0, timeout))  # its goodbye is a courtesy: the TTL ends it
        if follower is not None:
            # A daemon thread; it notices the stop at the next event (a ping at most
            # 15 s away) and may store that one last page, safely, under the sync lock.
            follower.join(min(0.2, timeout))
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    # -- threads ----------------------------------------------------------------------------

    def _replica(self) -> Replica | None:
        with self._replica_lock:
            if self._shared is None:
                try:
                    shared = Replica(self.root)
                except StoreError as exc:
                    self._report(LiveStatus("offline", message=str(exc)))
                    return None
                # No view catches up from this replica op by op: a window of the last
                # ops folded (2,048 of them, about 1.5 MB) would be held for nothing.
                shared.recent = RecentOps(window=0)
                self._shared = shared
            return self._shared

    def _push_loop(self) -> None:
        replica = self._replica()
        if replica is None:
            return
        backoff = Backoff(base=1.0, cap=60.0)
        delay = 0.0
        # One client for every sync while the server answers: making one (its TLS
        # context, a new connection) cost ~30 ms of CPU, under the interpreter lock the
        # event loop needs, on every local write of the pod. A failure drops it: the
        # next sync starts with fresh connections.
        client: ServerClient | None = None
        try:
            while not self._stop.is_set():
                self._poke.wait(delay)
                self._poke.clear()
                if self._stop.is_set():
                    return
                self._report(LiveStatus("syncing", pending_count(replica)))
                if client is None:
                    client = self._client_factory(replica.config.urls)
                try:
                    result = sync_once(replica, load_credentials(self.root), client, wait=10)
                    notices = tuple(result.problems())
                    status = LiveStatus("online", result.pending, result.pulled, notices=notices)
                    self._report(status)
                    backoff.reset()
                    delay = self.poll
                except SyncBusy:
                    delay = 1.0
                except (SyncError, StoreError, OSError) as exc:
                    self._report(LiveStatus("offline", pending_count(replica), message=str(exc)))
                    delay = max(backoff.next_delay(), _retry_after(exc))
                    client.close()
                    client = None
        finally:
            if client is not None:
                client.close()

    def _watch_loop(self) -> None:
        try:
            watch = LogWatch(OpLog(self.root), read_config(self.root).node)
        except StoreError:
            return  # the pusher reports the store's problem
        while not self._stop.wait(WATCH_EVERY):
            if watch.local_writes():
                self._poke.set()

    def _follow_loop(self) -> None:
        replica = self._replica()
        if replica is None:
            return
        backoff = Backoff(base=0.5, cap=10.0)  # a reconnect also pushes what waited
        while not self._stop.is_set():
            client = self._stream_client = self._client_factory(replica.config.urls)
            try:
                connected = False
                creds = load_credentials(self.root)
                beat = self._presence_beat(replica)
                stream = follow(replica, creds, client, self._stop.is_set, beat.relay)
                for added in stream:
                    if not connected:
                        connected = True
                        backoff.reset()
                        self._poke.set()  # push what waited while we were away
                    if added:
                        self._report(LiveStatus("online", pending_count(replica), added))
            except (SyncError, StoreError, OSError, RuntimeError) as exc:
                if self._stop.is_set():
                    return
                self._report(LiveStatus("offline", pending_count(replica), message=str(exc)))
                # With other URLs the reconnect goes to another server at once (the
                # refusing one rests); with one, wait as long as it asked.
                retry_after = _retry_after(exc) if len(replica.config.urls) == 1 else 0.0
            else:
                retry_after = 0.0
            finally:
                with contextlib.suppress(Exception):
                    client.close()
            self._stop.wait(max(backoff.next_delay(), retry_after))

    def _presence_beat(self, replica: Replica) -> PresenceBeat:
        with self._replica_lock:
            if self._presence is None:
                self._presence = PresenceBeat(
                    self.root,
                    replica.config.urls,
                    replica.config.cohort,
                    self._client_factory,
                )
            return self._presence

    def _presence_loop(self) -> None:
        replica = self._replica()
        if replica is None or not replica.config.remote:
            return
        with contextlib.suppress(Exception):  # presence is a courtesy: never end the app
            self._presence_beat(replica).run(self._stop, self._presence_poke)


def _retry_after(exc: BaseException) -> float:
    """Seconds every server asked to be left alone for (``Retry-After``), at most a minute."""
    return min(exc.retry_after, 60.0) if isinstance(exc, ServerRefused) else 0.0
