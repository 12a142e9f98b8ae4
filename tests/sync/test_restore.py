"""A server that lost history (restored from a backup, or a new database at the same URL)
is noticed by every client, which pushes what the server lacks, pulls from the start and
converges."""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.export import export_json
from cohort_tui.server.pg_storage import PostgresStorage
from cohort_tui.store.workspace import Replica
from cohort_tui.sync.client import ServerClient
from cohort_tui.sync.credentials import load_credentials
from cohort_tui.sync.engine import SyncState, sync_once
from cohort_tui.sync.join import join_store
from tests.sync.conftest import Api
from tests.sync.ops_helpers import wire
from tests.sync.test_end_to_end import ServerProcess, _free_port, cli

# -- in process: the server's database is changed under the clients ----------------------


def _client(api: Api) -> ServerClient:
    return ServerClient("http://testserver", http=api.client)


def _join(api: Api, root: Path, handle: str) -> Replica:
    join_store(root, _client(api), api.invite(), handle)
    replica = Replica(root)
    sync_once(replica, load_credentials(root), _client(api))
    return replica


def _posts(replica: Replica, who: str, start: int, count: int) -> None:
    me = replica.resolve_member(who).id
    for n in range(start, start + count):
        replica.write(
            k.ThreadCreate(thread=f"t_{who}_{n}", post=f"p_{who}_{n}", title=f"{n}", body="b"),
            author=me,
        )


def _sync(api: Api, replica: Replica) -> None:
    replica.refresh()
    sync_once(replica, load_credentials(replica.root), _client(api))
    replica.refresh()


def _server_ids(api: Api) -> set[str]:
    rows = api.storage.ops_after(api.cohort, 0, 1_000_000)
    return {json.loads(body)["id"] for _, body in rows}


def _log_ids(replica: Replica) -> set[str]:
    return {json.loads(line)["id"] for line in replica.log.path.read_text().splitlines()}


def _roll_back(api: Api, keep_through: int) -> None:
    """What a restore does: ops after ``keep_through`` are gone, and the sequence goes
    back too (cursors are per cohort, numbered from the highest stored), so the next ops
    stored reuse the lost ops' cursors."""
    # The test reaches in: a restore is outside the API.
    with api.storage._writing() as db:
        db.execute("DELETE FROM ops WHERE cohort = ? AND seq > ?", (api.cohort, keep_through))
        if isinstance(api.storage, PostgresStorage):  # its counter is restored with the rest
            db.execute(
                "UPDATE cohort_seqs SET last_seq = ? WHERE cohort = ?", (keep_through, api.cohort)
            )
    api.client.app.state.sync.views.clear()  # type: ignore[attr-defined]  # a restart


def test_a_rolled_back_server_gets_back_every_acknowledged_op(api: Api, tmp_path: Path) -> None:
    ann = _join(api, tmp_path / "ann", "ann")
    ben = _join(api, tmp_path / "ben", "ben")
    _posts(ann, "ann", 0, 3)
    _posts(ben, "ben", 0, 3)
    for r in (ann, ben, ann):
        _sync(api, r)
    backup_seq = api.storage.last_seq(api.cohort)
    _posts(ann, "ann", 3, 4)
    _sync(api, ann)  # acknowledged, then lost
    _posts(ben, "ben", 3, 2)
    _sync(api, ben)  # ben pulled ann's new ops too: his cursor is past the backup
    _roll_back(api, backup_seq)
    lost = (_log_ids(ann) | _log_ids(ben)) - _server_ids(api)
    assert len(lost) == 6
    # ann writes on after the restore and syncs first: her new op takes a cursor ben
    # has already seen, for another op. Both must notice anyway.
    _posts(ann, "ann", 7, 1)
    for r in (ann, ben, ann):
        _sync(api, r)
    everything = _log_ids(ann) | _log_ids(ben)
    assert _server_ids(api) == everything
    assert _log_ids(ann) == _log_ids(ben) == everything
    assert export_json(ann.state) == export_json(ben.state)
    # And the next sync is quiet again.
    again = sync_once(ann, load_credentials(ann.root), _client(api))
    assert (again.pushed, again.pulled, again.duplicates) == (0, 0, 0)


def test_a_new_database_at_the_same_url_is_noticed(api: Api, tmp_path: Path) -> None:
    ann = _join(api, tmp_path / "ann", "ann")
    joined = api.storage.last_seq(api.cohort)
    _posts(ann, "ann", 0, 2)
    _sync(api, ann)
    before = SyncState.load(ann.root)
    assert before.server == api.storage.instance()
    _roll_back(api, joined)
    with api.storage._writing() as db:  # a database rebuilt with the cohort and its tokens
        db.execute("UPDATE meta SET value = 's_rebuilt' WHERE key = 'instance'")
    api.storage._instance = "s_rebuilt"
    result = sync_once(ann, load_credentials(ann.root), _client(api))
    assert result.restarted and "history" in result.summary()
    assert SyncState.load(ann.root).server == "s_rebuilt"
    assert _log_ids(ann) == _server_ids(api)


def test_history_id_is_in_every_reply(api: Api) -> None:
    history = api.storage.instance()
    assert api.client.get("/v1/health").json()["history"] == history
    url = f"/v1/cohorts/{api.cohort}/ops"
    assert api.client.get(url, headers=api.auth()).json()["history"] == history
    pushed = api.client.post(url, json={"ops": []}, headers=api.auth()).json()
    assert pushed["history"] == history


# -- end to end: a real server, a real backup file, a real restore ------------------------


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    srv = ServerProcess(tmp_path / "server.db", _free_port(), tmp_path / "server.log")
    srv.start()
    yield srv
    if srv.proc is not None:
        srv.stop(signal.SIGKILL)


def _every_server_id(url: str, cohort: str, token: str) -> list[str]:
    ids: list[str] = []
    after, more = 0, True
    while more:
        page = httpx.get(
            f"{url}/v1/cohorts/{cohort}/ops",
            params={"after": after},
            headers={"Authorization": f"Bearer {token}"},
        ).json()
        ids += [o["id"] for o in page["ops"]]
        after, more = page["cursor"], page["more"]
    return ids


def test_restoring_a_backup_file_loses_no_acknowledged_op(
    server: ServerProcess, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    code, out, _ = cli(capsysbinary, "server", "new-cohort", "--db", str(server.db), "--name", "R")
    assert code == 0
    stores = {h: tmp_path / h for h in ("fay", "ann")}
    invite = json.loads(out)["invite"]
    cli(capsysbinary, "join", server.url, "--invite", invite, "--handle", "fay",
        "--store", str(stores["fay"]))  # fmt: skip
    _, out, _ = cli(capsysbinary, "invite", "--store", str(stores["fay"]))
    code, _, err = cli(capsysbinary, "join", server.url, "--invite", out.decode().strip(),
                       "--handle", "ann", "--store", str(stores["ann"]))  # fmt: skip
    assert code == 0, err
    replicas = {h: Replica(p) for h, p in stores.items()}

    def work(handle: str, start: int, count: int) -> None:
        replicas[handle].refresh()
        _posts(replicas[handle], handle, start, count)

    def sync(handle: str) -> None:
        code, _, err = cli(capsysbinary, "sync", "--store", str(stores[handle]))
        assert code == 0, err

    work("fay", 0, 3)
    work("ann", 0, 3)
    for h in ("fay", "ann", "fay"):
        sync(h)
    # The operator's backup: SQLite's online backup of the live database.
    backup = tmp_path / "backup.db"
    with sqlite3.connect(server.db) as live, sqlite3.connect(backup) as copy:
        live.backup(copy)
    work("fay", 3, 4)
    work("ann", 3, 5)
    for h in ("fay", "ann", "fay"):
        sync(h)  # all acknowledged, and each replica has the other's
    work("ann", 8, 2)
    sync("ann")  # acknowledged, pulled by nobody
    # Disaster, then the restore: stop, put the backup in place, start.
    server.stop()
    for suffix in ("", "-wal", "-shm"):
        Path(str(server.db) + suffix).unlink(missing_ok=True)
    shutil.copy(backup, server.db)
    server.start()
    work("fay", 7, 1)  # fay writes on and syncs first, reusing cursors ann has seen
    for h in ("fay", "ann", "fay"):
        sync(h)
    everything = set()
    for replica in replicas.values():
        replica.refresh()
        everything |= _log_ids(replica)
    token = next(iter(load_credentials(stores["fay"]).values())).token
    cohort = replicas["fay"].config.cohort
    on_server = _every_server_id(server.url, cohort, token)
    assert len(on_server) == len(set(on_server))
    assert set(on_server) == everything
    for replica in replicas.values():
        assert _log_ids(replica) == everything
    assert export_json(replicas["fay"].state) == export_json(replicas["ann"].state)
    assert len(replicas["fay"].state.threads) == 3 + 4 + 1 + 3 + 5 + 2


def test_the_live_follower_never_resumes_a_lost_history(
    api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stream reconnecting to a restored server starts from the beginning (and leaves
    the re-push to the pusher) instead of following cursors of the lost history."""
    from cohort_tui.sync.engine import follow

    ann = _join(api, tmp_path / "ann", "ann")
    ben = _join(api, tmp_path / "ben", "ben")
    backup_seq = api.storage.last_seq(api.cohort)
    _posts(ben, "ben", 0, 3)
    _sync(api, ben)
    _sync(api, ann)
    assert SyncState.load(ann.root).cursor > backup_seq
    _roll_back(api, backup_seq)
    # The founder writes first after the restore: the cursors ann has seen now hold
    # other ops (ben's sync then re-pushes his behind it).
    founder_op = wire(api.founder, k.ThreadCreate(thread="tf", post="pf", title="f", body="b"))
    r = api.client.post(
        f"/v1/cohorts/{api.cohort}/ops", json={"ops": [founder_op]}, headers=api.auth()
    )
    assert r.json()["accepted"] == 1
    _sync(api, ben)
    client = _client(api)
    asked: list[int] = []

    def stream(cohort: str, token: str, after: int) -> Iterator[object]:
        asked.append(after)
        return iter(())

    monkeypatch.setattr(client, "stream", stream)
    assert list(follow(ann, load_credentials(ann.root), client)) == []
    assert asked == [0]
    assert SyncState.load(ann.root).recovering
