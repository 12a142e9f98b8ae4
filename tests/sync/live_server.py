"""A real uvicorn server in a thread of the test process, on 127.0.0.1 and a free port.

For what Starlette's TestClient cannot show: concurrent requests on one event loop,
event streams read as they arrive, a client that goes away, header limits.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from cohort_tui.server.app import create_app
from cohort_tui.server.http import RateLimiter
from cohort_tui.server.storage import now_ms


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Server(uvicorn.Server):
    """uvicorn that ends the app's event streams when asked to stop (as ``cohort serve``)."""

    loop: asyncio.AbstractEventLoop | None = None

    async def startup(self, sockets: Any = None) -> None:
        self.loop = asyncio.get_running_loop()
        await super().startup(sockets)


class LiveServer:
    """``create_app`` on a fresh database with one cohort whose founder has joined.

    Args:
        db: The server database (a file or a URL, as ``cohort serve --db`` takes it).
        guard: Failed tokens allowed per address (default: the app's).
    """

    def __init__(self, db: str | Path, guard: RateLimiter | None = None) -> None:
        from tests.sync.conftest import open_test_storage

        self.db = str(db)
        self.storage = open_test_storage(db)
        self.app = create_app(self.storage, RateLimiter(rate=100_000, burst=100_000), guard=guard)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=self.port,
            log_level="error",  # schemathesis sends requests uvicorn warns about
            lifespan="on",
            timeout_graceful_shutdown=2,
        )
        self.server = _Server(config)
        self.thread = threading.Thread(target=self.server.run, name="live-server", daemon=True)
        self.cohort = "c_live"
        self.founder = ""
        self.token = ""

    def start(self, *, found: bool = True) -> LiveServer:
        """Serve; with ``found``, make the cohort and join its founder (another instance
        on the same database takes ``cohort``, ``founder`` and ``token`` from the first)."""
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise AssertionError("the server did not start")
            time.sleep(0.01)
        if not found:
            return self
        code = self.storage.create_cohort(self.cohort, "Live", expires_at=now_ms() + 86_400_000)
        self.founder, self.token = self._join(code, "fay")
        return self

    def stop(self) -> None:
        loop = self.server.loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self.app.state.sync.begin_shutdown)
        self.server.should_exit = True
        self.thread.join(timeout=15)
        assert not self.thread.is_alive(), "the server did not stop"
        self.storage.close()

    def auth(self, token: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token or self.token}"}

    def _join(self, code: str, handle: str) -> tuple[str, str]:
        r = httpx.post(self.url + "/v1/join", json={"invite": code, "handle": handle})
        assert r.status_code == 200, r.text
        return r.json()["member"], r.json()["token"]

    def invite(self, **request: Any) -> str:
        r = httpx.post(
            f"{self.url}/v1/cohorts/{self.cohort}/invites",
            json={"role": "learner", **request},
            headers=self.auth(),
        )
        assert r.status_code == 201, r.text
        code: str = r.json()["invite"]
        return code

    def join(self, handle: str) -> tuple[str, str]:
        """A new learner: ``(member id, token)``."""
        return self._join(self.invite(), handle)

    def claim(self, handle: str) -> str:
        """A claim invite for ``handle`` redeemed: the member's new token."""
        return self._join(self.invite(claim=handle), handle)[1]
