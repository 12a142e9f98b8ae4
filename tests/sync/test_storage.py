"""Server storage on both backends: hashed secrets, invites that run out, idempotent ops,
the seq cursor."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cohort_tui.server.sql_storage import SqlStorage
from cohort_tui.server.sqlite_storage import SqliteStorage
from cohort_tui.server.storage import (
    InviteUnusable,
    NewOp,
    digest,
    new_token,
    now_ms,
)


@pytest.fixture
def storage(make_storage: Callable[[], SqlStorage]) -> SqlStorage:
    return make_storage()


@pytest.fixture
def sqlite_storage(tmp_path: Path) -> Iterator[SqliteStorage]:
    storage = SqliteStorage(tmp_path / "s.db")
    yield storage
    storage.close()


def _op(i: int, author: str = "m1") -> NewOp:
    return NewOp(f"op{i}", author, b'{"id":"op%d"}' % i)


def test_wal_mode_and_no_secret_stored_in_clear(
    sqlite_storage: SqliteStorage, tmp_path: Path
) -> None:
    storage = sqlite_storage
    code = storage.create_cohort("c1", "One", expires_at=now_ms() + 10_000)
    invite = storage.find_invite(code)
    assert invite is not None and invite.inviter is None and invite.role == "facilitator"
    token = new_token()
    storage.join(invite, member="m1", handle="ada", token=token, op=_op(1), now=now_ms())
    owner = storage.token_owner(token)
    assert owner is not None and (owner.cohort, owner.member) == ("c1", "m1")
    assert storage.token_owner(token + "x") is None
    storage.close()
    raw = (
        (tmp_path / "s.db").read_bytes() + (tmp_path / "s.db-wal").read_bytes()
        if (tmp_path / "s.db-wal").exists()
        else (tmp_path / "s.db").read_bytes()
    )
    assert token.encode() not in raw and code.encode() not in raw
    assert digest(token).encode() in raw
    db = sqlite3.connect(tmp_path / "s.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_invite_uses_run_out_and_expire(storage: SqlStorage) -> None:
    storage.create_cohort("c1", "One", expires_at=now_ms() + 10_000)
    code = storage.create_invite(
        "c1", role="learner", inviter="m0", uses=2, expires_at=now_ms() + 10_000
    )
    invite = storage.find_invite(code)
    assert invite is not None
    for n in range(2):
        storage.join(
            invite, member=f"m{n}", handle=f"h{n}", token=new_token(), op=_op(n), now=now_ms()
        )
    with pytest.raises(InviteUnusable):
        storage.join(invite, member="m9", handle="h9", token=new_token(), op=_op(9), now=now_ms())
    late = storage.create_invite(
        "c1", role="learner", inviter="m0", uses=5, expires_at=now_ms() - 1
    )
    late_invite = storage.find_invite(late)
    assert late_invite is not None
    with pytest.raises(InviteUnusable):
        storage.join(
            late_invite, member="m8", handle="h8", token=new_token(), op=_op(8), now=now_ms()
        )
    # the failed join stored nothing
    assert storage.existing_ids("c1", ["op8", "op9"]) == set()


def test_ops_are_idempotent_by_id_and_paged_by_seq(storage: SqlStorage) -> None:
    storage.create_cohort("c1", "One", expires_at=now_ms() + 10_000)
    storage.create_cohort("c2", "Two", expires_at=now_ms() + 10_000)
    last = storage.add_ops("c1", [_op(i) for i in range(5)])
    assert storage.add_ops("c1", [_op(i) for i in range(5)]) == last
    storage.add_ops("c2", [_op(1)])  # same id, other cohort: its own row
    rows = storage.ops_after("c1", 0, 3)
    assert len(rows) == 3 and [s for s, _ in rows] == sorted(s for s, _ in rows)
    rest = storage.ops_after("c1", rows[-1][0], 100)
    assert len(rest) == 2
    assert storage.ops_after("c1", last, 100) == []
    assert len(list(storage.all_ops("c1"))) == 5
    assert storage.existing_ids("c1", ["op1", "op7"]) == {"op1"}
    assert last == 5 and storage.last_seq("c2") == 1  # each cohort counts its own ops


def test_a_taken_handle_stores_nothing_and_keeps_the_invite(storage: SqlStorage) -> None:
    from cohort_tui.server.storage import HandleTaken

    storage.create_cohort("c1", "One", expires_at=now_ms() + 10_000)
    code = storage.create_invite(
        "c1", role="learner", inviter="m0", uses=2, expires_at=now_ms() + 10_000
    )
    invite = storage.find_invite(code)
    assert invite is not None
    storage.join(invite, member="m1", handle="ada", token=new_token(), op=_op(1), now=now_ms())
    with pytest.raises(HandleTaken):
        storage.join(invite, member="m2", handle="ada", token=new_token(), op=_op(2), now=now_ms())
    assert storage.existing_ids("c1", ["op2"]) == set()
    again = storage.find_invite(code)
    assert again is not None and again.uses_left == 1
