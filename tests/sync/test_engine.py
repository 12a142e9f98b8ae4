"""The sync engine against an in-process server (Starlette TestClient)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.export import export_json
from cohort_tui.domain.ops import Op, decode_op
from cohort_tui.store.workspace import Replica
from cohort_tui.sync import engine
from cohort_tui.sync.client import ServerClient, SyncError, Unreachable
from cohort_tui.sync.credentials import credentials_path, load_credentials
from cohort_tui.sync.engine import SyncState, pending_count, sync_once
from cohort_tui.sync.join import join_store
from tests.sync.conftest import Api


def _client(api: Api) -> ServerClient:
    return ServerClient("http://testserver", http=api.client)


def _join(api: Api, root: Path, handle: str, role: str = "learner") -> Replica:
    join_store(root, _client(api), api.invite(role), handle)
    replica = Replica(root)
    sync_once(replica, load_credentials(root), _client(api))
    return replica


def _post(replica: Replica, who: str, n: int) -> None:
    me = replica.resolve_member(who)
    replica.write(
        k.ThreadCreate(thread=f"t_{who}_{n}", post=f"p_{who}_{n}", title=f"#{n}", body="hi"),
        author=me.id,
    )


def _sync(api: Api, replica: Replica) -> engine.SyncResult:
    replica.refresh()
    return sync_once(replica, load_credentials(replica.root), _client(api))


def test_offline_ops_go_up_in_bounded_batches_and_converge(
    api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "BATCH_OPS", 5)
    a = _join(api, tmp_path / "a", "ann")
    b = _join(api, tmp_path / "b", "ben")
    for n in range(12):
        _post(a, "ann", n)
        _post(b, "ben", n)
    sizes: list[int] = []
    real_push = ServerClient.push

    def counting_push(self: ServerClient, cohort: str, token: str, lines: list[bytes]):  # type: ignore[no-untyped-def]
        sizes.append(len(lines))
        return real_push(self, cohort, token, lines)

    monkeypatch.setattr(ServerClient, "push", counting_push)
    assert pending_count(a) == 12
    result = _sync(api, a)
    assert (result.pushed, result.pending) == (12, 0)
    assert sizes == [5, 5, 2]
    assert _sync(api, b).pulled == 12
    assert _sync(api, a).pulled == 12
    a.refresh()
    b.refresh()
    assert export_json(a.state) == export_json(b.state)
    assert len(a.state.threads) == 24
    again = _sync(api, a)
    assert (again.pushed, again.pulled, again.duplicates) == (0, 0, 0)


def test_unreachable_server_loses_nothing(api: Api, tmp_path: Path) -> None:
    a = _join(api, tmp_path / "a", "ann")
    _post(a, "ann", 1)
    before = (a.root / "sync.json").read_bytes()
    with pytest.raises(Unreachable, match="cannot reach"):
        sync_once(a, load_credentials(a.root), ServerClient("http://127.0.0.1:9", timeout=2))
    assert (a.root / "sync.json").read_bytes() == before
    assert pending_count(a) == 1
    assert _sync(api, a).pushed == 1


def test_a_lost_answer_is_retried_without_duplicates(api: Api, tmp_path: Path) -> None:
    a = _join(api, tmp_path / "a", "ann")
    _post(a, "ann", 1)
    _post(a, "ann", 2)
    cred = next(iter(load_credentials(a.root).values()))
    lines = [ln for ln in a.log.path.read_bytes().splitlines() if b"thread.create" in ln]
    _client(api).push(api.cohort, cred.token, lines)  # the server stored; we "lost" the answer
    result = _sync(api, a)
    assert (result.pushed, result.duplicates, result.pending) == (0, 2, 0)
    ids = [
        o["id"]
        for o in api.client.get(f"/v1/cohorts/{api.cohort}/ops", headers=api.auth()).json()["ops"]
    ]
    assert len(ids) == len(set(ids))


def test_the_cursor_never_moves_past_what_is_stored(
    api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = _join(api, tmp_path / "a", "ann")
    b = _join(api, tmp_path / "b", "ben")
    _post(a, "ann", 1)
    _sync(api, a)
    cursor = SyncState.load(b.root).cursor

    def disk_full(ops: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(b, "import_ops", disk_full)
    with pytest.raises(OSError):
        _sync(api, b)
    assert SyncState.load(b.root).cursor == cursor
    monkeypatch.undo()
    assert _sync(api, b).pulled == 1


def test_pod_store_pushes_each_members_ops_with_their_own_token(api: Api, tmp_path: Path) -> None:
    pod = _join(api, tmp_path / "pod", "cy")
    join_store(pod.root, _client(api), api.invite(), "dee")
    _sync(api, pod)
    creds = load_credentials(pod.root)
    assert {c.handle for c in creds.values()} == {"cy", "dee"}
    assert stat.S_IMODE(credentials_path(pod.root).stat().st_mode) == 0o600
    _post(pod, "cy", 1)
    _post(pod, "dee", 1)
    _post(pod, "fay", 1)  # the facilitator has no token in this store
    result = _sync(api, pod)
    assert result.pushed == 2 and result.pending == 1 and result.no_token == {"fay"}
    ops = api.client.get(f"/v1/cohorts/{api.cohort}/ops", headers=api.auth()).json()["ops"]
    authors = {o["author"] for o in ops if o["kind"] == "thread.create"}
    assert authors == {pod.resolve_member("cy").id, pod.resolve_member("dee").id}


def test_refused_ops_are_reported_once_and_not_resent(api: Api, tmp_path: Path) -> None:
    a = _join(api, tmp_path / "a", "ann")
    a.write(k.ModuleUpsert(module="m1", title="Mine"), author=a.resolve_member("ann").id)
    _post(a, "ann", 1)
    result = _sync(api, a)
    assert result.pushed == 1 and len(result.rejected) == 1
    assert "curator or facilitator" in next(iter(result.rejected.values()))
    again = _sync(api, a)
    assert not again.rejected and again.pending == 0


def test_join_into_a_store_of_another_cohort_is_refused_before_using_the_invite(
    api: Api, tmp_path: Path
) -> None:
    from cohort_tui.domain.op_kinds import CohortCreate
    from cohort_tui.store.workspace import create_store

    create_store(
        tmp_path / "local",
        CohortCreate(cohort="c_local", name="Local", handle="me", display_name="Me"),
        author="m_me",
        cohort_id="c_local",
    )
    code = api.invite()
    with pytest.raises(SyncError, match="another cohort"):
        join_store(tmp_path / "local", _client(api), code, "me")
    assert api.client.post("/v1/join", json={"invite": code, "handle": "zed"}).status_code == 200


def test_an_op_the_server_cannot_take_is_isolated_and_the_rest_go_through(
    api: Api, tmp_path: Path
) -> None:
    a = _join(api, tmp_path / "a", "ann")
    me = a.resolve_member("ann").id
    _post(a, "ann", 1)
    # within the fold's limits, but over 1 MiB once JSON escapes the control characters
    a.write(k.PostCreate(post="huge", thread="t_ann_1", body="\x01" * 200_000), author=me)
    _post(a, "ann", 2)
    result = _sync(api, a)
    assert result.pushed == 2 and result.pending == 0
    assert list(result.rejected) == [_op_id(a, "huge")]
    assert "over" in next(iter(result.rejected.values()))
    again = sync_once(a, load_credentials(a.root), _client(api), retry_refused=True)
    assert again.duplicates == 2 and len(again.rejected) == 1


def _op_id(replica: Replica, post: str) -> str:
    for line in replica.log.path.read_bytes().splitlines():
        if f'"post":"{post}"'.encode() in line:
            import json

            return str(json.loads(line)["id"])
    raise AssertionError(post)


def test_a_new_server_database_means_starting_over_without_losing_anything(
    api: Api, tmp_path: Path
) -> None:
    a = _join(api, tmp_path / "a", "ann")
    _post(a, "ann", 1)
    _sync(api, a)
    state = SyncState.load(a.root)
    assert state.server.startswith("s_") and state.offset > 0
    state.server = "s_restored_from_backup"
    state.save(a.root)
    result = _sync(api, a)
    assert result.duplicates == 1 and result.pending == 0  # offered again, deduplicated
    after = SyncState.load(a.root)
    assert after.server == api.storage.instance() and after.cursor > 0


def test_a_pushers_own_ops_are_not_decoded_again_when_the_pull_brings_them_back(
    api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a push, the pages after the cursor hold the pusher's own ops, byte for byte
    as its log has them: only the others' ops (and each page's last op, whose id
    witnesses the cursor) are decoded."""
    import msgspec

    from cohort_tui.sync import client as client_module

    a = _join(api, tmp_path / "a", "ann")
    b = _join(api, tmp_path / "b", "ben")
    _post(b, "ben", 0)
    _sync(api, b)  # an op a lacks, stored before a's
    for n in range(30):
        _post(a, "ann", n)
    monkeypatch.setattr(engine, "BATCH_OPS", 7)
    monkeypatch.setattr(engine, "PULL_PAGE", 8)
    decoded: list[str] = []

    def counting(line: bytes | str, *, lenient: bool = False) -> Op:
        op = decode_op(line, lenient=lenient)
        decoded.append(op.id)
        return op

    monkeypatch.setattr(client_module, "decode_op", counting)
    result = _sync(api, a)
    assert (result.pushed, result.pulled) == (30, 2)  # ben's member.add and post
    stored = api.storage.ops_after(api.cohort, 0, 1_000)
    bens = {msgspec.json.decode(body)["id"] for _, body in stored[-32:-30]}
    # ben's two, each page's last (4 pages of 8) and the history check's witness op:
    # not the 30 of ann's that came back
    assert bens <= set(decoded) and len(decoded) <= 2 + 4 + 1
    state = SyncState.load(a.root)
    assert state.cursor == stored[-1][0]
    assert (state.witness_seq, state.witness_id) == (
        stored[-1][0],
        msgspec.json.decode(stored[-1][1])["id"],
    )
    assert _sync(api, b).pulled == 30
    a.refresh()
    b.refresh()
    assert export_json(a.state) == export_json(b.state)
    assert (_sync(api, a).pushed, _sync(api, a).pulled) == (0, 0)
