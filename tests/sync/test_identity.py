"""Op identity on the server and in the sync client: the same id with other content is a
conflict with its own status, never a duplicate, and the pusher's work is not lost."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.export import export_json
from cohort_tui.domain.ops import Op, decode_op, encode_op
from cohort_tui.store.workspace import Replica
from cohort_tui.sync.client import ServerClient
from cohort_tui.sync.credentials import load_credentials
from cohort_tui.sync.engine import pending_count, sync_once
from cohort_tui.sync.join import join_store
from tests.sync.conftest import Api
from tests.sync.ops_helpers import thread, wire


def _push(api: Api, ops: list[dict[str, Any]], token: str | None = None) -> Any:
    r = api.client.post(f"/v1/cohorts/{api.cohort}/ops", json={"ops": ops}, headers=api.auth(token))
    assert r.status_code == 200, r.text
    return r.json()


def _stored(api: Api, op_id: str) -> list[bytes]:
    return [
        body for _, body in api.storage.ops_after(api.cohort, 0, 9_999) if op_id.encode() in body
    ]


def test_same_id_other_content_is_a_conflict_not_a_duplicate(api: Api) -> None:
    first = thread(api.founder, 1)
    assert _push(api, [first])["accepted"] == 1
    other = {**first, "data": {**first["data"], "body": "rewritten"}}
    body = _push(api, [other])
    assert body["accepted"] == 0 and body["duplicates"] == 0
    assert first["id"] not in body["acked"]
    [entry] = body["rejected"]
    assert entry["id"] == first["id"] and entry["status"] == "conflict"
    assert "other content" in entry["reason"]
    # The stored content never changes; a true re-send is still a duplicate.
    assert len(_stored(api, first["id"])) == 1 and b"rewritten" not in _stored(api, first["id"])[0]
    again = _push(api, [first])
    assert again["duplicates"] == 1 and again["acked"] == [first["id"]] and not again["rejected"]


def test_a_member_can_never_claim_another_members_op_id(api: Api) -> None:
    mine = thread(api.founder, 2)
    _push(api, [mine])
    bob, bob_token = api.join("bob")
    claim = wire(bob, k.ThreadCreate(thread="tb", post="pb", title="b", body="b"), op_id=mine["id"])
    body = _push(api, [claim], bob_token)
    assert body["acked"] == [] and body["duplicates"] == 0
    assert [(r["id"], r["status"]) for r in body["rejected"]] == [(mine["id"], "conflict")]
    [stored] = _stored(api, mine["id"])
    assert decode_op(stored).author == api.founder


def test_a_conflict_inside_one_batch_is_caught_too(api: Api) -> None:
    first = thread(api.founder, 3)
    other = {**first, "data": {**first["data"], "title": "other"}}
    body = _push(api, [first, first, other])
    assert body["accepted"] == 1 and body["duplicates"] == 1
    assert body["acked"] == [first["id"], first["id"]]
    assert [(r["id"], r["status"]) for r in body["rejected"]] == [(first["id"], "conflict")]


def test_key_order_alone_is_not_a_conflict(api: Api) -> None:
    first = thread(api.founder, 4)
    _push(api, [first])
    reordered = dict(reversed(list(first.items())))
    assert _push(api, [reordered])["duplicates"] == 1


def _client(api: Api) -> ServerClient:
    return ServerClient("http://testserver", http=api.client)


def test_the_client_re_mints_an_op_whose_id_the_server_gave_to_other_content(
    api: Api, tmp_path: Path
) -> None:
    """Someone pushed other content under this replica's op id first (they saw the op in
    a shared export, say). The sync says so, and the member's work still reaches the
    cohort under a new id; nothing is lost, nothing stays pending for ever."""
    root = tmp_path / "ann"
    join_store(root, _client(api), api.invite(), "ann")
    ann = Replica(root)
    creds = load_credentials(root)
    sync_once(ann, creds, _client(api))
    me = ann.resolve_member("ann").id
    op = ann.write(k.ThreadCreate(thread="t_ann", post="p_ann", title="Mine", body="hi"), author=me)
    squatter = Op(
        op.id,
        "thread.create",
        api.founder,
        (op.clock[0] - 1, 0, op.clock[2]),  # even the node forged, and first in the order
        k.ThreadCreate(thread="t_sq", post="p_sq", title="Squat", body="x"),
    )
    assert _push(api, [_wire(squatter)])["accepted"] == 1
    result = sync_once(ann, creds, _client(api))
    assert set(result.conflicts) == {op.id}
    new_id = result.conflicts[op.id]
    assert new_id != op.id
    assert "conflict" in result.summary()
    assert any(new_id in line and op.id in line for line in result.problems())
    assert result.pending == 0 and pending_count(ann) == 0
    # The content is on the server under the new id, authored by ann.
    [stored] = _stored(api, new_id)
    copy = decode_op(stored)
    assert (copy.author, copy.kind, copy.data) == (me, op.kind, op.data)
    # Another replica converges with the server's view of the cohort.
    ben_root = tmp_path / "ben"
    join_store(ben_root, _client(api), api.invite(), "ben")
    ben = Replica(ben_root)
    sync_once(ben, load_credentials(ben_root), _client(api))
    ben.refresh()
    assert ben.state.threads["t_ann"].title == "Mine"
    # A second sync has nothing more to say about it.
    again = sync_once(ann, creds, _client(api))
    assert not again.conflicts and again.pending == 0
    # ann's replica took the server's copy too (a conflict, both copies kept); the copy
    # first in the order counts on every replica, so ann and ben fold the same state.
    ann.refresh()
    assert "t_sq" in ann.state.threads
    assert export_json(ann.state) == export_json(ben.state)


def _wire(op: Op) -> dict[str, Any]:
    import json

    result: dict[str, Any] = json.loads(encode_op(op))
    return result
