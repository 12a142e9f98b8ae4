"""Open event streams: the per-member cap, and ending the streams of revoked tokens.

A stream's slot is taken synchronously when the request is answered (no ``await`` between
the count and the increment), so concurrent requests cannot all pass the check, and it is
given back when the response ends however it ends. While streams are open, a watcher asks
storage every :data:`CHECK_EVERY` seconds which of their tokens still exist, so a token
revoked by another process (``cohort token revoke`` on the database) ends its streams
within that time; a revocation made by this server ends them at once.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from cohort_tui.server.http import ApiError
from cohort_tui.server.storage import Storage

CHECK_EVERY = 1.0
"""Seconds between checks that open streams' tokens still exist."""


@dataclass(eq=False)
class Listener:
    """One open stream."""

    member: str
    token: str
    """The token's digest."""
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    """Set when the stream must end (its token was revoked)."""


class Listeners:
    """Every open stream, by member.

    Args:
        storage: Where tokens are looked up.
        cap: Most open streams per member.
    """

    def __init__(self, storage: Storage, cap: int) -> None:
        self.storage = storage
        self.cap = cap
        self._by_member: dict[str, set[Listener]] = {}
        self._watcher: asyncio.Task[None] | None = None
        self._watcher_loop: asyncio.AbstractEventLoop | None = None

    def count(self, member: str) -> int:
        """How many streams ``member`` has open."""
        return len(self._by_member.get(member, ()))

    def reserve(self, member: str, token: str) -> Listener:
        """Take a stream slot for ``member`` now; 429 when all are taken."""
        held = self._by_member.setdefault(member, set())
        if len(held) >= self.cap:
            raise ApiError(
                429,
                "rate_limited",
                f"this member already has {self.cap} open streams",
                {"Retry-After": "30"},
            )
        listener = Listener(member, token)
        held.add(listener)
        self._watch()
        return listener

    def release(self, listener: Listener) -> None:
        """Give the slot back (the stream ended)."""
        held = self._by_member.get(listener.member)
        if held is not None:
            held.discard(listener)
            if not held:
                del self._by_member[listener.member]

    def check_tokens(self) -> None:
        """End every stream whose token no longer exists (revoked or replaced)."""
        listeners = [x for held in self._by_member.values() for x in held]
        if not listeners:
            return
        alive = self.storage.live_tokens({x.token for x in listeners})
        for listener in listeners:
            if listener.token not in alive:
                listener.ended.set()

    def close(self) -> None:
        """Stop the watcher (the app is shutting down)."""
        if self._watcher is not None:
            self._watcher.cancel()
            self._watcher = None

    def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        if self._watcher is not None and not self._watcher.done() and self._watcher_loop is loop:
            return
        self._watcher_loop = loop
        self._watcher = loop.create_task(self._run_watcher())

    async def _run_watcher(self) -> None:
        seen = -1
        while self._by_member:
            await asyncio.sleep(CHECK_EVERY)
            with contextlib.suppress(Exception):  # a busy database: try again next time
                version = self.storage.tokens_version()
                if version != seen:  # nothing revoked since the last look: no query
                    self.check_tokens()
                    seen = version


class EventStream(StreamingResponse):
    """A ``text/event-stream`` response that calls ``on_close`` when it ends, however it
    ends (finished, client gone, cancelled), even if its body never started."""

    def __init__(self, events: AsyncIterator[bytes], on_close: Callable[[], None]) -> None:
        super().__init__(
            events,
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
        self._on_close = on_close

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self._on_close()
