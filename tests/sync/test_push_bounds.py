"""The server holds pushed ops to the clock bounds, one op at a time, and its own clock is
never dragged by what it stored."""

from __future__ import annotations

import time
from typing import Any

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.ops import Op, decode_op, encode_op
from cohort_tui.domain.permission_view import PermissionView
from cohort_tui.server.cohort_views import fold_into
from cohort_tui.server.storage import NewOp
from tests.sync.conftest import Api
from tests.sync.ops_helpers import wire

DAY_MS = 86_400_000
HOUR_MS = 3_600_000


def _now() -> int:
    return int(time.time() * 1000)


def _at(author: str, n: int, wall: int, counter: int = 0) -> dict[str, Any]:
    op = wire(author, k.ProgressSet(lesson=f"l{n}", status="done"), op_id=f"op_bound_{n}")
    op["clock"] = [wall, counter, "n_test"]
    return op


def _push(api: Api, ops: list[dict[str, Any]], token: str | None = None) -> Any:
    r = api.client.post(f"/v1/cohorts/{api.cohort}/ops", json={"ops": ops}, headers=api.auth(token))
    assert r.status_code == 200, r.text
    return r.json()


def _stored_ids(api: Api) -> set[str]:
    return {
        decode_op(body, lenient=True).id for _, body in api.storage.ops_after(api.cohort, 0, 999)
    }


def test_out_of_bound_clocks_are_rejected_one_by_one(api: Api) -> None:
    now = _now()
    ops = [
        _at(api.founder, 1, now - 5_000),  # fine
        _at(api.founder, 2, now + 300 * DAY_MS, 2**31),  # the op
        _at(api.founder, 3, now + 2 * HOUR_MS),  # two hours ahead: past the bound
        _at(api.founder, 4, now - 5_000, 2**31),  # counter past the range
        _at(api.founder, 5, now - 5_000, 2**31 + 1),  # ... further past it
        _at(api.founder, 6, now + 60_000),  # a minute ahead: a skewed laptop, fine
    ]
    body = _push(api, ops)
    reasons = {r["id"]: r["reason"] for r in body["rejected"]}
    assert set(reasons) == {"op_bound_2", "op_bound_3", "op_bound_4", "op_bound_5"}
    assert "300 days ahead" in reasons["op_bound_2"] and "counter" in reasons["op_bound_2"]
    assert "ahead" in reasons["op_bound_3"]
    assert "counter" in reasons["op_bound_4"] and "counter" in reasons["op_bound_5"]
    assert body["acked"] == ["op_bound_1", "op_bound_6"] and body["accepted"] == 2
    assert body["duplicates"] == 0
    stored = _stored_ids(api)
    assert {"op_bound_1", "op_bound_6"} <= stored
    assert not stored & set(reasons)


def test_a_stored_poisoned_op_never_drags_the_servers_own_clock(api: Api) -> None:
    """A database an older server filled: it holds the issue's op. The op the server
    mints for the next join is valid and every client can decode it."""
    poison = Op(
        "op_poison",
        "progress.set",
        api.founder,
        (_now() + 300 * DAY_MS, 2**31, "n_evil"),
        k.ProgressSet(lesson="x", status="done"),
    )
    api.storage.add_ops(api.cohort, [NewOp(poison.id, poison.author, encode_op(poison))])
    api.client.app.state.sync.views.clear()  # type: ignore[attr-defined]  # as after a restart
    member, _ = api.join("newbie")
    rows = api.storage.ops_after(api.cohort, 0, 999)
    minted = [decode_op(body) for _, body in rows if b'"member.add"' in body]
    assert minted and all(op.clock[1] < 2**31 for op in minted)
    assert all(op.clock[0] <= _now() + 1_000 for op in minted)
    view = PermissionView()
    fold_into(view, api.storage, api.cohort)
    assert member in view.members
