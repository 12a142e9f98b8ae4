"""A real server process, three replicas working offline, restarts, one final state."""

from __future__ import annotations

import json
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from cohort_tui.cli import main
from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.clock import Clock, HybridClock
from cohort_tui.store.workspace import Replica
from cohort_tui.sync.credentials import load_credentials
from cohort_tui.sync.engine import follow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerProcess:
    """``cohort serve`` in a child process on 127.0.0.1."""

    def __init__(self, db: Path | str, port: int, log: Path) -> None:
        self.db, self.port, self.log = db, port, log
        self.url = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "cohort_tui", "serve", "--db", str(self.db),
                 "--port", str(self.port), "--rate", "1000"],
                stdout=out,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.05)
        raise AssertionError("the server did not start: " + self.log.read_text())

    def stop(self, sig: int = signal.SIGTERM) -> int:
        assert self.proc is not None
        self.proc.send_signal(sig)
        code = self.proc.wait(timeout=15)
        self.proc = None
        return code


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    srv = ServerProcess(tmp_path / "server.db", _free_port(), tmp_path / "server.log")
    srv.start()
    yield srv
    if srv.proc is not None:
        srv.stop(signal.SIGKILL)


def cli(capsysbinary: pytest.CaptureFixture[bytes], *argv: str) -> tuple[int, bytes, bytes]:
    code = main(list(argv))
    out, err = capsysbinary.readouterr()
    return code, out, err


class SkewedClock(HybridClock):
    """A replica whose wall clock is wrong by ``skew_ms``."""

    def __init__(self, node: str, skew_ms: int) -> None:
        super().__init__(node)
        self.skew_ms = skew_ms

    def now(self, wall_ms: int | None = None) -> Clock:
        wall = int(time.time() * 1000) if wall_ms is None else wall_ms
        return super().now(wall + self.skew_ms)


def random_ops(rng: random.Random, replica: Replica, handle: str, count: int) -> None:
    replica.refresh()
    me = replica.resolve_member(handle).id
    for _ in range(count):
        state = replica.state
        threads = sorted(state.threads)
        posts = sorted(state.posts)
        mine = sorted(p for p, post in state.posts.items() if post.author == me)
        choice = rng.randrange(6)
        n = rng.randrange(10**9)
        data: k.Data
        if choice == 0 or not threads:
            data = k.ThreadCreate(thread=f"t{n}", post=f"p{n}", title=f"T{n}", body="b")
        elif choice == 1:
            data = k.PostCreate(post=f"p{n}", thread=rng.choice(threads), body=f"reply {n}")
        elif choice == 2:
            data = k.PostReact(post=rng.choice(posts), emoji="+1", on=rng.random() < 0.7)
        elif choice == 3 and mine:
            data = k.PostEdit(post=rng.choice(mine), body=f"edited {n}")
        elif choice == 4:
            data = k.ProgressSet(
                lesson=rng.choice(["l1", "l2"]), status=rng.choice(["doing", "done", "todo"])
            )
        else:
            data = k.ThreadRead(thread=rng.choice(threads), upto=(n, 0, "x"))
        replica.write(data, author=me)


def test_three_replicas_converge_through_a_real_server_with_restarts(
    server: ServerProcess, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    rng = random.Random(7)
    code, out, _ = cli(
        capsysbinary, "server", "new-cohort", "--db", str(server.db), "--name", "E2E"
    )
    assert code == 0
    founder_invite = json.loads(out)["invite"]
    stores = {h: tmp_path / h for h in ("fay", "ann", "ben")}
    code, _, err = cli(
        capsysbinary, "join", server.url, "--invite", founder_invite, "--handle", "fay",
        "--store", str(stores["fay"]),
    )  # fmt: skip
    assert code == 0, err
    code, out, _ = cli(capsysbinary, "invite", "--store", str(stores["fay"]), "--uses", "2")
    invite = out.decode().strip()
    for handle in ("ann", "ben"):
        code, _, err = cli(
            capsysbinary, "join", server.url, "--invite", invite, "--handle", handle,
            "--store", str(stores[handle]),
        )  # fmt: skip
        assert code == 0, err
    # the facilitator lays out two lessons
    fay = Replica(stores["fay"])
    fac = fay.resolve_member("fay").id
    fay.write_many(
        [
            k.ModuleUpsert(module="m", title="M"),
            k.LessonUpsert(lesson="l1", module="m", title="One"),
            k.LessonUpsert(lesson="l2", module="m", title="Two"),
        ],
        author=fac,
    )
    for handle in ("fay", "ann", "ben", "fay"):
        assert cli(capsysbinary, "sync", "--store", str(stores[handle]))[0] == 0
    replicas = {h: Replica(p) for h, p in stores.items()}
    # clock skew: ann a day behind, ben 40 minutes ahead (within MAX_LEAD_MS; a clock
    # further ahead is refused, see test_push_bounds.py)
    replicas["ann"].clock = SkewedClock(replicas["ann"].clock.node, -86_400_000)
    replicas["ben"].clock = SkewedClock(replicas["ben"].clock.node, 40 * 60_000)

    for round_ in range(3):
        for handle, replica in replicas.items():
            random_ops(rng, replica, handle, rng.randrange(5, 25))
        order = list(replicas)
        rng.shuffle(order)
        for handle in order[:2]:
            code, _, err = cli(capsysbinary, "sync", "--store", str(stores[handle]))
            assert code == 0, err
        if round_ == 0:
            server.stop(signal.SIGKILL)  # a crash
            code, _, err = cli(capsysbinary, "sync", "--store", str(stores[order[2]]))
            assert code == 1 and b"nothing was lost" in err
            server.start()
        elif round_ == 1:
            assert server.stop(signal.SIGTERM) in (0, -signal.SIGTERM)  # a graceful stop
            assert b"Application shutdown complete" in server.log.read_bytes()
            server.start()

    for handle in ("fay", "ann", "ben", "fay", "ann"):
        code, _, err = cli(capsysbinary, "sync", "--store", str(stores[handle]))
        assert code == 0, err
    exports = {h: cli(capsysbinary, "export", "--store", str(p))[1] for h, p in stores.items()}
    assert exports["fay"] == exports["ann"] == exports["ben"]
    state = json.loads(exports["fay"])
    assert len(state["posts"]) > 10 and len(state["members"]) == 3
    # every op exactly once on the server
    token = next(iter(load_credentials(stores["fay"]).values())).token
    ids: list[str] = []
    after, more = 0, True
    while more:
        page = httpx.get(
            f"{server.url}/v1/cohorts/{state['cohort']['id']}/ops",
            params={"after": after},
            headers={"Authorization": f"Bearer {token}"},
        ).json()
        ids += [o["id"] for o in page["ops"]]
        after, more = page["cursor"], page["more"]
    assert len(ids) == len(set(ids))
    local = [
        json.loads(line)["id"] for line in (stores["ann"] / "ops.jsonl").read_text().splitlines()
    ]
    assert sorted(ids) == sorted(set(local))
    assert b"token" not in server.log.read_bytes().lower()


def test_the_stream_brings_a_new_post_to_another_replica(
    server: ServerProcess, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    _code, out, _ = cli(capsysbinary, "server", "new-cohort", "--db", str(server.db), "--name", "S")
    invite = json.loads(out)["invite"]
    a_root, b_root = tmp_path / "a", tmp_path / "b"
    assert (
        cli(
            capsysbinary,
            "join",
            server.url,
            "--invite",
            invite,
            "--handle",
            "fay",
            "--store",
            str(a_root),
        )[0]
        == 0
    )
    _, out, _ = cli(capsysbinary, "invite", "--store", str(a_root))
    assert (
        cli(
            capsysbinary,
            "join",
            server.url,
            "--invite",
            out.decode().strip(),
            "--handle",
            "bo",
            "--store",
            str(b_root),
        )[0]
        == 0
    )
    b = Replica(b_root)
    got = threading.Event()
    failures: list[BaseException] = []

    def listen() -> None:
        try:
            for added in follow(b, load_credentials(b_root), stop=got.is_set):
                if added:
                    got.set()
        except BaseException as exc:  # reported below
            failures.append(exc)

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    time.sleep(0.3)  # let the stream connect; the test does not depend on it
    a = Replica(a_root)
    a.write(
        k.ThreadCreate(thread="t1", post="p1", title="Live", body="hi"),
        author=a.resolve_member("fay").id,
    )
    assert cli(capsysbinary, "sync", "--store", str(a_root))[0] == 0
    assert got.wait(15), failures
    b.refresh()
    assert "t1" in b.state.threads
    server.stop()
    listener.join(10)
    assert not listener.is_alive()


def test_a_server_killed_mid_push_restarts_and_clients_resync_without_gaps(
    server: ServerProcess,
    tmp_path: Path,
    capsysbinary: pytest.CaptureFixture[bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from cohort_tui.sync import engine
    from cohort_tui.sync.client import SyncError

    monkeypatch.setattr(engine, "BATCH_OPS", 20)
    _, out, _ = cli(capsysbinary, "server", "new-cohort", "--db", str(server.db), "--name", "K")
    invite = json.loads(out)["invite"]
    a_root, b_root = tmp_path / "a", tmp_path / "b"
    cli(
        capsysbinary,
        "join",
        server.url,
        "--invite",
        invite,
        "--handle",
        "fay",
        "--store",
        str(a_root),
    )
    _, out, _ = cli(capsysbinary, "invite", "--store", str(a_root))
    cli(
        capsysbinary,
        "join",
        server.url,
        "--invite",
        out.decode().strip(),
        "--handle",
        "bo",
        "--store",
        str(b_root),
    )
    a = Replica(a_root)
    me = a.resolve_member("fay").id
    a.write(k.ThreadCreate(thread="t", post="p0", title="Many", body="x"), author=me)
    a.write_many(
        [k.PostCreate(post=f"p{i}", thread="t", body="y") for i in range(1, 2_000)], author=me
    )
    failures: list[BaseException] = []

    def push() -> None:
        try:
            engine.sync_once(a, load_credentials(a_root))
        except SyncError as exc:
            failures.append(exc)

    pusher = threading.Thread(target=push)
    pusher.start()
    time.sleep(0.15)  # somewhere in the middle, or not: the outcome must not depend on it
    server.stop(signal.SIGKILL)
    pusher.join(30)
    server.start()
    for root in (a_root, b_root, a_root, b_root):
        code, _, err = cli(capsysbinary, "sync", "--store", str(root))
        assert code == 0, err
    b = Replica(b_root)
    assert len(b.state.posts) == 2_000
    exports = [cli(capsysbinary, "export", "--store", str(r))[1] for r in (a_root, b_root)]
    assert exports[0] == exports[1]
    lines = (b_root / "ops.jsonl").read_text().splitlines()
    assert len(lines) == len({json.loads(line)["id"] for line in lines})


def test_live_sync_pushes_follows_survives_an_outage_and_keeps_one_syncer_per_store(
    server: ServerProcess, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    from cohort_tui.sync.live import LiveStatus, LiveSync

    _, out, _ = cli(capsysbinary, "server", "new-cohort", "--db", str(server.db), "--name", "L")
    invite = json.loads(out)["invite"]
    a_root, b_root = tmp_path / "a", tmp_path / "b"
    cli(
        capsysbinary,
        "join",
        server.url,
        "--invite",
        invite,
        "--handle",
        "fay",
        "--store",
        str(a_root),
    )
    _, out, _ = cli(capsysbinary, "invite", "--store", str(a_root))
    cli(
        capsysbinary,
        "join",
        server.url,
        "--invite",
        out.decode().strip(),
        "--handle",
        "bo",
        "--store",
        str(b_root),
    )
    seen: dict[str, list[LiveStatus]] = {"a": [], "b": []}
    live_a = LiveSync(a_root, seen["a"].append, poll=60)
    live_b = LiveSync(b_root, seen["b"].append, poll=60)
    assert live_a.start() and live_b.start()
    second: list[LiveStatus] = []
    assert not LiveSync(b_root, second.append).start()  # another pane already syncs b
    assert second[0].label() == "synced by another pane"

    def wait_for(root: Path, needle: bytes) -> bool:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if needle in (root / "ops.jsonl").read_bytes():
                return True
            time.sleep(0.05)
        return False

    try:
        a = Replica(a_root)
        a.write(
            k.ThreadCreate(thread="t1", post="p1", title="Live", body="one"),
            author=a.resolve_member("fay").id,
        )
        live_a.poke()
        assert wait_for(b_root, b'"post":"p1"')
        server.stop(signal.SIGKILL)
        b = Replica(b_root)
        b.write(
            k.PostCreate(post="p2", thread="t1", body="while away"),
            author=b.resolve_member("bo").id,
        )
        live_b.poke()
        deadline = time.monotonic() + 15
        while not any(s.state == "offline" for s in seen["b"]) and time.monotonic() < deadline:
            time.sleep(0.05)
        offline = [s for s in seen["b"] if s.state == "offline"]
        assert offline and offline[-1].label().startswith("offline")
        server.start()
        assert wait_for(a_root, b'"post":"p2"')
        assert any(s.state == "online" for s in seen["a"])
    finally:
        live_a.stop()
        live_b.stop()


def test_a_local_store_moves_to_a_server_and_others_join_it(
    server: ServerProcess, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    home = str(tmp_path / "home")
    assert cli(capsysbinary, "init", home, "--name", "Started offline", "--handle", "fay")[0] == 0
    code, out, _ = cli(
        capsysbinary, "thread", "new", "--store", home, "--title", "Hi", "--body", "b"
    )
    assert code == 0
    code, out, err = cli(
        capsysbinary, "server", "new-cohort", "--db", str(server.db), "--from-store", home
    )
    assert code == 0, err
    made = json.loads(out)
    assert made["handle"] == "fay" and made["ops"] == 2
    code, _, err = cli(
        capsysbinary,
        "join",
        server.url,
        "--invite",
        made["invite"],
        "--handle",
        "fay",
        "--store",
        home,
    )
    assert code == 0, err
    code, out, _ = cli(capsysbinary, "sync", "--store", home)
    assert code == 0 and out.startswith(b"pushed 0")
    _, out, _ = cli(capsysbinary, "invite", "--store", home)
    bob = str(tmp_path / "bob")
    assert (
        cli(
            capsysbinary,
            "join",
            server.url,
            "--invite",
            out.decode().strip(),
            "--handle",
            "bob",
            "--store",
            bob,
        )[0]
        == 0
    )
    assert (
        cli(
            capsysbinary,
            "post",
            json.loads(cli(capsysbinary, "threads", "--store", bob, "--json")[1])[0]["id"],
            "--store",
            bob,
            "--body",
            "hello fay",
        )[0]
        == 0
    )
    for store in (bob, home):
        assert cli(capsysbinary, "sync", "--store", store)[0] == 0
    assert (
        cli(capsysbinary, "export", "--store", home)[1]
        == cli(capsysbinary, "export", "--store", bob)[1]
    )
    # fay on a new laptop: a claim invite gives her a second token for the same member
    _, out, _ = cli(capsysbinary, "invite", "--store", home, "--claim", "fay")
    laptop = str(tmp_path / "laptop")
    code, _, err = cli(
        capsysbinary,
        "join",
        server.url,
        "--invite",
        out.decode().strip(),
        "--handle",
        "fay",
        "--store",
        laptop,
    )
    assert code == 0, err
    assert (
        cli(capsysbinary, "export", "--store", laptop)[1]
        == cli(capsysbinary, "export", "--store", home)[1]
    )


def test_sync_watch_brings_ops_in_until_interrupted(
    server: ServerProcess, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    _, out, _ = cli(capsysbinary, "server", "new-cohort", "--db", str(server.db), "--name", "W")
    invite = json.loads(out)["invite"]
    a_root, b_root = tmp_path / "a", tmp_path / "b"
    cli(
        capsysbinary,
        "join",
        server.url,
        "--invite",
        invite,
        "--handle",
        "fay",
        "--store",
        str(a_root),
    )
    _, out, _ = cli(capsysbinary, "invite", "--store", str(a_root))
    cli(
        capsysbinary,
        "join",
        server.url,
        "--invite",
        out.decode().strip(),
        "--handle",
        "bo",
        "--store",
        str(b_root),
    )
    watcher = subprocess.Popen(
        [sys.executable, "-m", "cohort_tui", "sync", "--watch", "--store", str(b_root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        cli(capsysbinary, "thread", "new", "--store", str(a_root), "--title", "W", "--body", "x")
        assert cli(capsysbinary, "sync", "--store", str(a_root))[0] == 0
        deadline = time.monotonic() + 20
        while b'"thread.create"' not in (b_root / "ops.jsonl").read_bytes():
            assert time.monotonic() < deadline, "the watcher did not bring the thread in"
            time.sleep(0.05)
    finally:
        watcher.send_signal(signal.SIGINT)
        out_bytes, _ = watcher.communicate(timeout=20)
    assert watcher.returncode == 0, out_bytes
    assert b"online" in out_bytes and b"Traceback" not in out_bytes


def test_live_sync_pushes_what_other_processes_of_the_pod_write_within_a_second(
    server: ServerProcess, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    """``cohort post`` in another pane: the process that syncs sees it in the log and
    pushes it, rather than at its next poll (a minute here)."""
    from cohort_tui.sync.live import LiveSync

    _, out, _ = cli(capsysbinary, "server", "new-cohort", "--db", str(server.db), "--name", "W")
    invite = json.loads(out)["invite"]
    a_root, b_root = tmp_path / "a", tmp_path / "b"
    cli(capsysbinary, "join", server.url, "--invite", invite, "--handle", "fay",
        "--store", str(a_root))  # fmt: skip
    _, out, _ = cli(capsysbinary, "invite", "--store", str(a_root))
    cli(capsysbinary, "join", server.url, "--invite", out.decode().strip(), "--handle", "bo",
        "--store", str(b_root))  # fmt: skip
    live_a = LiveSync(a_root, lambda status: None, poll=60)
    live_b = LiveSync(b_root, lambda status: None, poll=60)
    assert live_a.start() and live_b.start()
    try:
        time.sleep(0.5)  # both have made their first sync
        for n in range(3):
            other_process = Replica(a_root)  # not the syncing one, and no poke
            needle = f'"post":"p_cli{n}"'.encode()
            data = (
                k.ThreadCreate(thread="t_cli", post="p_cli0", title="From the CLI", body="x")
                if n == 0
                else k.PostCreate(post=f"p_cli{n}", thread="t_cli", body="again")
            )
            written = time.monotonic()
            other_process.write(data, author=other_process.resolve_member("fay").id)
            while needle not in (b_root / "ops.jsonl").read_bytes():
                assert time.monotonic() - written < 10, "never pushed"
                time.sleep(0.02)
            # a push within a second, and the stream to the other store
            assert time.monotonic() - written < 3
    finally:
        live_a.stop()
        live_b.stop()
