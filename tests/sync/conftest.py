"""Fixtures for server and sync tests: an app on a temp database, joined members."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

with warnings.catch_warnings():
    # Starlette 1.x nudges towards httpx2; the TestClient still works on httpx.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from cohort_tui.server.app import create_app
from cohort_tui.server.http import RateLimiter
from cohort_tui.server.storage import SqliteStorage, now_ms


@dataclass
class Api:
    """A test client on a fresh server with one cohort and its founder joined."""

    client: TestClient
    storage: SqliteStorage
    cohort: str
    founder: str
    token: str

    def auth(self, token: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token or self.token}"}

    def invite(self, role: str = "learner", uses: int = 1) -> str:
        r = self.client.post(
            f"/v1/cohorts/{self.cohort}/invites",
            json={"role": role, "uses": uses},
            headers=self.auth(),
        )
        assert r.status_code == 201, r.text
        code: str = r.json()["invite"]
        return code

    def join(self, handle: str, role: str = "learner") -> tuple[str, str]:
        r = self.client.post("/v1/join", json={"invite": self.invite(role), "handle": handle})
        assert r.status_code == 200, r.text
        body = r.json()
        return body["member"], body["token"]


def make_api(tmp_path: Path, limiter: RateLimiter | None = None) -> Api:
    storage = SqliteStorage(tmp_path / "server.db")
    app = create_app(storage, limiter or RateLimiter(rate=10_000, burst=10_000))
    client = TestClient(app)
    cohort = "c_test"
    code = storage.create_cohort(cohort, "Test Cohort", expires_at=now_ms() + 86_400_000)
    r = client.post("/v1/join", json={"invite": code, "handle": "fay", "display_name": "Fay"})
    assert r.status_code == 200, r.text
    body = r.json()
    return Api(client, storage, cohort, body["member"], body["token"])


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    a = make_api(tmp_path)
    with a.client:
        yield a
    a.storage.close()
