"""Fixtures for server and sync tests: an app on a temp database, joined members.

Every test that asks for a server database (``server_db``, ``api``, ``make_storage``) runs
twice: on SQLite and on PostgreSQL (a fresh schema of this run's own database, see
:mod:`tests.sync.pg_db`; skipped, saying why, when no PostgreSQL answers).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

with warnings.catch_warnings():
    # Starlette 1.x nudges towards httpx2; the TestClient still works on httpx.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from cohort_tui.server.app import create_app
from cohort_tui.server.http import RateLimiter
from cohort_tui.server.pg_storage import PostgresStorage
from cohort_tui.server.sql_storage import SqlStorage
from cohort_tui.server.sqlite_storage import SqliteStorage
from cohort_tui.server.storage import is_database_url, now_ms
from tests.sync.pg_db import ThrowawayCluster

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def open_test_storage(db: str | Path) -> SqlStorage:
    """The storage ``cohort serve --db db`` would use (a small pool for PostgreSQL)."""
    if isinstance(db, str) and is_database_url(db):
        return PostgresStorage(db, pool_size=4)
    return SqliteStorage(db)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[ThrowawayCluster]:
    cluster = ThrowawayCluster()
    yield cluster
    cluster.drop()


@pytest.fixture
def pg_url(pg_cluster: ThrowawayCluster) -> Iterator[str]:
    """A fresh, empty PostgreSQL schema's URL."""
    if pg_cluster.problem is not None:
        pytest.skip(pg_cluster.problem)
    url = pg_cluster.new_schema()
    yield url
    pg_cluster.drop_schema(url)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Which server database the test runs on."""
    name: str = request.param
    return name


@pytest.fixture
def server_db(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A new server database, as ``cohort serve --db`` takes it: a file or a URL."""
    if backend == "sqlite":
        return str(tmp_path / "server.db")
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def make_storage(server_db: str) -> Iterator[Callable[[], SqlStorage]]:
    """Opens storage objects on the test's database (several act as several instances);
    every one is closed when the test ends."""
    opened: list[SqlStorage] = []

    def make() -> SqlStorage:
        opened.append(open_test_storage(server_db))
        return opened[-1]

    yield make
    for storage in opened:
        storage.close()


@dataclass
class Api:
    """A test client on a fresh server with one cohort and its founder joined."""

    client: TestClient
    storage: SqlStorage
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


def make_api(db: str, limiter: RateLimiter | None = None) -> Api:
    """An app on the server database ``db`` (``server_db``), its founder joined."""
    storage = open_test_storage(db)
    app = create_app(storage, limiter or RateLimiter(rate=10_000, burst=10_000))
    client = TestClient(app)
    cohort = "c_test"
    code = storage.create_cohort(cohort, "Test Cohort", expires_at=now_ms() + 86_400_000)
    r = client.post("/v1/join", json={"invite": code, "handle": "fay", "display_name": "Fay"})
    assert r.status_code == 200, r.text
    body = r.json()
    return Api(client, storage, cohort, body["member"], body["token"])


@pytest.fixture
def api(server_db: str) -> Iterator[Api]:
    a = make_api(server_db)
    with a.client:
        yield a
    a.storage.close()
