"""Two ``cohort serve`` processes on one SQLite file; one is killed (-9) mid-push."""

from __future__ import annotations

import json
import signal
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from cohort_tui.domain import op_kinds as k
from cohort_tui.store.workspace import Replica, read_config
from cohort_tui.sync import engine
from cohort_tui.sync.client import SyncError
from cohort_tui.sync.credentials import load_credentials
from cohort_tui.sync.outbox import fresh_state, pending_count
from tests.sync.test_end_to_end import ServerProcess, _free_port, cli


def _stored_ids(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [row[0] for row in conn.execute("SELECT id FROM ops")]


def test_a_killed_instance_loses_and_doubles_nothing_while_clients_fail_over(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "BATCH_OPS", 20)
    db = tmp_path / "server.db"
    first = ServerProcess(db, _free_port(), tmp_path / "first.log")
    second = ServerProcess(db, _free_port(), tmp_path / "second.log")
    first.start()
    second.start()
    try:
        _, out, _ = cli(capsysbinary, "server", "new-cohort", "--db", str(db), "--name", "K")
        invite = json.loads(out)["invite"]
        roots = [tmp_path / "a", tmp_path / "b"]
        urls = [first.url, second.url]  # both prefer the instance about to die
        code, _, err = cli(
            capsysbinary, "join", *urls, "--invite", invite, "--handle", "fay",
            "--store", str(roots[0]),
        )  # fmt: skip
        assert code == 0, err
        assert read_config(roots[0]).urls == urls
        _, out, _ = cli(capsysbinary, "invite", "--store", str(roots[0]))
        code, _, err = cli(
            capsysbinary, "join", *urls, "--invite", out.decode().strip(), "--handle", "bo",
            "--store", str(roots[1]),
        )  # fmt: skip
        assert code == 0, err
        replicas = [Replica(root) for root in roots]
        for n, (replica, handle) in enumerate(zip(replicas, ("fay", "bo"), strict=True)):
            me = replica.resolve_member(handle).id
            start = k.ThreadCreate(thread=f"t{n}", post=f"p{n}_0", title="T", body="x")
            replica.write(start, author=me)
            replica.write_many(
                [k.PostCreate(post=f"p{n}_{i}", thread=f"t{n}", body="y") for i in range(1, 800)],
                author=me,
            )
        failures: list[BaseException] = []

        def push(replica: Replica) -> None:
            try:
                engine.sync_once(replica, load_credentials(replica.root), wait=60)
            except SyncError as exc:
                failures.append(exc)

        pushers = [threading.Thread(target=push, args=(r,)) for r in replicas]
        for pusher in pushers:
            pusher.start()
        deadline = time.monotonic() + 30
        while len(_stored_ids(db)) < 300 and time.monotonic() < deadline:
            time.sleep(0.02)
        first.stop(signal.SIGKILL)  # mid-push: some batches were in flight
        assert len(_stored_ids(db)) < 1_600  # the kill did land mid-push
        for pusher in pushers:
            pusher.join(120)
        assert not failures, failures  # the pushes went on through the other instance
        assert all(pending_count(r) == 0 for r in replicas)  # everything acknowledged
        ids = _stored_ids(db)
        assert len(ids) == len(set(ids))  # nothing doubled
        assert not any(fresh_state(r).rejected for r in replicas)
        local = {
            json.loads(line)["id"]
            for root in roots
            for line in (root / "ops.jsonl").read_text().splitlines()
        }
        assert local <= set(ids)  # nothing acknowledged is missing
        for root in roots:
            code, _, err = cli(capsysbinary, "sync", "--store", str(root))
            assert code == 0, err
        exports = [cli(capsysbinary, "export", "--store", str(r))[1] for r in roots]
        assert exports[0] == exports[1]
        assert len(Replica(roots[1]).state.posts) == 1_600
    finally:
        for server in (first, second):
            if server.proc is not None:
                server.stop(signal.SIGKILL)
