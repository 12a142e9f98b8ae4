"""The server database's schema migration: one global seq -> a gap-free seq per cohort.

A database made by the old schema (its CREATE statements are copied here as they were)
opens with every row kept, each cohort's ops renumbered 1, 2, 3 ... in their old order,
and a new history id, so a client holding an old global cursor pulls from the start
instead of skipping ops.
"""

from __future__ import annotations

import sqlite3
import warnings
from pathlib import Path

import pytest

from cohort_tui.server import schema
from cohort_tui.server.app import create_app
from cohort_tui.server.http import RateLimiter
from cohort_tui.server.sqlite_storage import SqliteStorage
from cohort_tui.server.storage import NewOp, digest, now_ms
from cohort_tui.store.workspace import Replica
from cohort_tui.sync.client import ServerClient
from cohort_tui.sync.credentials import load_credentials
from cohort_tui.sync.engine import SyncState, sync_once
from cohort_tui.sync.join import join_store
from tests.sync.conftest import make_api
from tests.sync.ops_helpers import thread

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

OLD_SCHEMA = """
CREATE TABLE IF NOT EXISTS cohorts (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS members (
    cohort TEXT NOT NULL REFERENCES cohorts(id),
    id TEXT NOT NULL,
    handle TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (cohort, id),
    UNIQUE (cohort, handle)
);
CREATE TABLE IF NOT EXISTS tokens (
    hash TEXT PRIMARY KEY,
    cohort TEXT NOT NULL,
    member TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS invites (
    hash TEXT PRIMARY KEY,
    cohort TEXT NOT NULL REFERENCES cohorts(id),
    role TEXT NOT NULL,
    inviter TEXT,
    claim TEXT,
    uses_left INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS ops (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    cohort TEXT NOT NULL,
    id TEXT NOT NULL,
    author TEXT NOT NULL,
    body BLOB NOT NULL,
    UNIQUE (cohort, id)
);
CREATE INDEX IF NOT EXISTS ops_by_cohort ON ops (cohort, seq);
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""
"""The schema before versions were kept (``PRAGMA user_version`` 0), as it was."""


def old_database(path: Path, ops: list[tuple[str, str, str, bytes]]) -> None:
    """A database made by the old code: ``ops`` are ``(cohort, id, author, body)`` in the
    order they were stored (one global seq)."""
    db = sqlite3.connect(path)
    db.executescript(OLD_SCHEMA)
    db.execute("INSERT INTO meta VALUES ('instance', 's_old')")
    for cohort in sorted({op[0] for op in ops}):
        db.execute("INSERT INTO cohorts VALUES (?, ?, ?)", (cohort, cohort.upper(), 1))
        db.execute("INSERT INTO members VALUES (?, 'm1', 'ada', 1)", (cohort,))
        db.execute("INSERT INTO tokens VALUES (?, ?, 'm1', 1)", (digest(f"tok-{cohort}"), cohort))
        db.execute(
            "INSERT INTO invites VALUES (?, ?, 'learner', 'm1', NULL, 3, ?, 1)",
            (digest(f"inv-{cohort}"), cohort, now_ms() + 86_400_000),
        )
    db.executemany("INSERT INTO ops (cohort, id, author, body) VALUES (?, ?, ?, ?)", ops)
    db.commit()
    db.close()


def _interleaved(count: int) -> list[tuple[str, str, str, bytes]]:
    """Ops of three cohorts stored in a mixed order, with odd bytes in the bodies."""
    ops = []
    for n in range(count):
        cohort = ("c_a", "c_b", "c_c")[n % 3 if n % 5 else 1]
        body = b'{"id":"op%d","n":%d,"text":"\\u00e9 \xe2\x9c\x93"}' % (n, n)
        ops.append((cohort, f"op{n}", "m1", body))
    return ops


def test_an_old_database_opens_with_every_row_kept_and_cursors_per_cohort(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    ops = _interleaved(300)
    old_database(path, ops)
    storage = SqliteStorage(path)
    for cohort in ("c_a", "c_b", "c_c"):
        expected = [(op_id, body) for c, op_id, _, body in ops if c == cohort]
        rows = storage.ops_after(cohort, 0, 10_000)
        assert [seq for seq, _ in rows] == list(range(1, len(expected) + 1))  # gap-free
        assert [body for _, body in rows] == [body for _, body in expected]  # same order
        assert storage.last_seq(cohort) == len(expected)
        owner = storage.token_owner(f"tok-{cohort}")
        assert owner is not None and (owner.cohort, owner.member) == (cohort, "m1")
        invite = storage.find_invite(f"inv-{cohort}")
        assert invite is not None and invite.uses_left == 3
        assert storage.cohort(cohort) is not None
    assert storage.instance() != "s_old"  # another history: clients start over
    # New ops continue each cohort's sequence.
    assert (
        storage.add_ops("c_b", [NewOp("new1", "m1", b"{}")])
        == len([op for op in ops if op[0] == "c_b"]) + 1
    )
    instance = storage.instance()
    storage.close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == schema.VERSION
    assert db.execute("SELECT COUNT(*) FROM ops").fetchone()[0] == len(ops) + 1
    names = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert "ops_v0" not in names and "ops_by_cohort" not in names
    db.close()
    again = SqliteStorage(path)  # opening again changes nothing
    assert again.instance() == instance
    assert again.last_seq("c_b") == len([op for op in ops if op[0] == "c_b"]) + 1
    again.close()


def test_a_migration_that_fails_half_way_leaves_the_old_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.db"
    ops = _interleaved(30)
    old_database(path, ops)
    real = schema._migrate_0_to_1

    def migrate_then_crash(db: sqlite3.Connection) -> None:
        real(db)
        raise OSError("disk went away")

    monkeypatch.setattr(schema, "_migrate_0_to_1", migrate_then_crash)
    with pytest.raises(OSError):
        SqliteStorage(path)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 0
    rows = db.execute("SELECT seq, cohort, id, author, body FROM ops ORDER BY seq").fetchall()
    assert [(c, i, a, bytes(b)) for _, c, i, a, b in rows] == ops
    assert [seq for seq, *_ in rows] == list(range(1, len(ops) + 1))
    assert db.execute("SELECT value FROM meta WHERE key = 'instance'").fetchone()[0] == "s_old"
    db.close()
    monkeypatch.setattr(schema, "_migrate_0_to_1", real)
    storage = SqliteStorage(path)  # and the next start migrates it
    assert storage.last_seq("c_b") == len([op for op in ops if op[0] == "c_b"])
    storage.close()


def test_a_database_from_a_newer_version_is_refused_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cohort_tui.cli import main

    path = tmp_path / "new.db"
    SqliteStorage(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {schema.VERSION + 1}")
    db.commit()
    db.close()
    with pytest.raises(schema.SchemaError, match="newer cohort-tui"):
        SqliteStorage(path)
    assert main(["server", "new-cohort", "--db", str(path), "--name", "X"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("cohort: cannot use") and "upgrade cohort-tui" in err
    assert err.count("\n") == 1


def test_a_client_with_an_old_global_cursor_misses_no_op_after_the_migration(
    tmp_path: Path,
) -> None:
    # Today's server, one cohort the client syncs and one busy other cohort.
    api = make_api(str(tmp_path / "server.db"))
    other = api.storage.create_cohort("c_other", "Other", expires_at=now_ms() + 86_400_000)
    r = api.client.post("/v1/join", json={"invite": other, "handle": "oz"})
    other_founder, other_token = r.json()["member"], r.json()["token"]
    root = tmp_path / "a"
    join_store(root, ServerClient("http://testserver", http=api.client), api.invite(), "ann")
    replica = Replica(root)

    def push(cohort: str, author: str, token: str, n: int) -> None:
        r = api.client.post(
            f"/v1/cohorts/{cohort}/ops", json={"ops": [thread(author, n)]}, headers=api.auth(token)
        )
        assert r.status_code == 200 and r.json()["accepted"] == 1

    for n in range(10):
        push("c_other", other_founder, other_token, n)
        push(api.cohort, api.founder, api.token, n)
    sync_once(replica, load_credentials(root), ServerClient("http://testserver", http=api.client))
    seen = SyncState.load(root).cursor
    for n in range(10, 20):  # written after the client's last pull
        push("c_other", other_founder, other_token, n)
        push(api.cohort, api.founder, api.token, n)
    api.storage.close()

    # The same database as the old server would have kept it: one global seq, in the
    # order the ops arrived (the two cohorts alternate), and the client's cursor in that
    # count.
    path = tmp_path / "server.db"
    db = sqlite3.connect(path, isolation_level=None)
    rows = db.execute("SELECT cohort, seq, id, author, body FROM ops").fetchall()
    instance = db.execute("SELECT value FROM meta WHERE key = 'instance'").fetchone()[0]
    arrival = sorted(rows, key=lambda row: (row[1], row[0] != "c_test"))
    db.execute("DROP TABLE ops")
    db.execute("DROP INDEX tokens_by_member")
    db.executescript(OLD_SCHEMA)
    db.executemany(
        "INSERT INTO ops (cohort, id, author, body) VALUES (?, ?, ?, ?)",
        [(c, i, a, b) for c, _, i, a, b in arrival],
    )
    db.execute("PRAGMA user_version = 0")
    db.close()
    old_cursor = next(
        n for n, row in enumerate(arrival, start=1) if row[0] == "c_test" and row[1] == seen
    )
    state = SyncState.load(root)
    assert state.server == instance
    state.cursor = old_cursor
    state.save(root)
    assert old_cursor > seen  # kept as it is, it would skip the ops numbered seen+1..old

    storage = SqliteStorage(path)  # the new server opens the old database
    app = create_app(storage, RateLimiter(rate=10_000, burst=10_000))
    with TestClient(app) as client:
        replica.refresh()
        sync_once(replica, load_credentials(root), ServerClient("http://testserver", http=client))
    replica.refresh()
    on_server = {row[2] for row in rows if row[0] == "c_test"}
    assert on_server <= set(replica.state.seen)
    assert SyncState.load(root).cursor == storage.last_seq("c_test") == len(on_server)
    storage.close()
