"""Sync benchmarks against a real ``cohort serve`` process on loopback; prints figures.

1. push + pull of 10k ops made offline (target: 2 s);
2. server ops/s with 50 concurrent writers in several processes (target: 2,000);
3. time for a new post to reach 200 stream listeners (target: p99 250 ms).
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing as mp
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import httpx

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.clock import HybridClock, new_ulid
from cohort_tui.domain.ops import Op, encode_op
from cohort_tui.store.workspace import Replica
from cohort_tui.sync.client import ServerClient
from cohort_tui.sync.credentials import load_credentials
from cohort_tui.sync.engine import sync_once
from cohort_tui.sync.join import join_store

WRITERS = 50
PROCESSES = 5
WRITER_SECONDS = 5.0
LISTENERS = 200
LISTENER_PROCESSES = 4
POSTS = 20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "cohort_tui", "serve", "--db", str(db), "--port", str(port),
         "--rate", "100000", "--no-access-log"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(200):
        try:
            httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=1)
            return proc
        except httpx.TransportError:
            time.sleep(0.05)
    raise SystemExit("the server did not start")


def new_cohort(db: Path) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "cohort_tui", "server", "new-cohort", "--db", str(db),
         "--name", "Bench"],
        check=True,
        capture_output=True,
    ).stdout  # fmt: skip
    invite: str = json.loads(out)["invite"]
    return invite


def bench_push_pull(url: str, tmp: Path, founder_invite: str) -> tuple[str, str, str]:
    client = ServerClient(url, timeout=60)
    a_root, b_root = tmp / "a", tmp / "b"
    join_store(a_root, client, founder_invite, "fay")
    a = Replica(a_root)
    sync_once(a, load_credentials(a_root), client)
    me = a.resolve_member("fay").id
    token = load_credentials(a_root)[me].token
    cohort = a.config.cohort
    invite = client.invite(cohort, token, role="learner", uses=WRITERS + 1, expires_days=1)
    join_store(b_root, client, invite["invite"], "ben")
    b = Replica(b_root)
    sync_once(b, load_credentials(b_root), client)
    items: list[k.Data] = [k.ThreadCreate(thread="t0", post="p0", title="Bench", body="start")]
    items += [
        k.PostCreate(post=f"p{i}", thread="t0", body=f"post {i} " * 8) for i in range(1, 10_000)
    ]
    a.write_many(items, author=me)
    t0 = time.perf_counter()
    pushed = sync_once(a, load_credentials(a_root), client)
    t1 = time.perf_counter()
    pulled = sync_once(b, load_credentials(b_root), client)
    t2 = time.perf_counter()
    assert pushed.pushed == 10_000 and pulled.pulled == 10_000, (pushed, pulled)
    print(
        f"push 10k ops: {t1 - t0:.2f} s; pull 10k ops: {t2 - t1:.2f} s; "
        f"push+pull: {t2 - t0:.2f} s (target 2 s)"
    )
    client.close()
    return cohort, invite["invite"], token


def writer_process(
    url: str, cohort: str, creds: list[tuple[str, str]], batch: int, q: mp.Queue
) -> None:  # type: ignore[type-arg]
    """Several writers (threads) in one process, each pushing batches for a while."""
    import threading

    counts: list[int] = []

    def write(member: str, token: str) -> None:
        # http.client keeps the load generator light: on a small machine httpx's own CPU
        # cost would measure the writers rather than the server.
        import http.client
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
        clock = HybridClock("n_" + member[-8:])
        sent = 0
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        deadline = time.monotonic() + WRITER_SECONDS
        n = 0
        while time.monotonic() < deadline:
            lines = []
            for _ in range(batch):
                n += 1
                stamp = clock.now()
                data = k.ThreadRead(thread="t0", upto=(n, 0, "x"))
                lines.append(encode_op(Op(new_ulid(stamp[0]), data.KIND, member, stamp, data)))
            conn.request(
                "POST",
                f"/v1/cohorts/{cohort}/ops",
                body=b'{"ops":[' + b",".join(lines) + b"]}",
                headers=headers,
            )
            response = conn.getresponse()
            body = response.read()
            if response.status != 200:
                raise SystemExit(f"push failed: {response.status} {body[:200]!r}")
            sent += json.loads(body)["accepted"]
        conn.close()
        counts.append(sent)

    threads = [threading.Thread(target=write, args=c) for c in creds]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    q.put(sum(counts))


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux), 0 elsewhere."""
    import os

    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bench_writers(url: str, cohort: str, invite: str, server_pid: int) -> None:
    client = ServerClient(url)
    creds = []
    for i in range(WRITERS):
        j = client.join(invite, f"w{i}")
        creds.append((j.member, j.token))
    client.close()
    for batch in (1, 10):
        q: mp.Queue = mp.Queue()  # type: ignore[type-arg]
        per = WRITERS // PROCESSES
        procs = [
            mp.Process(
                target=writer_process, args=(url, cohort, creds[i * per : (i + 1) * per], batch, q)
            )
            for i in range(PROCESSES)
        ]
        t0 = time.perf_counter()
        cpu0 = cpu_seconds(server_pid)
        for p in procs:
            p.start()
        total = sum(q.get() for _ in procs)
        for p in procs:
            p.join()
        elapsed = time.perf_counter() - t0
        busy = (cpu_seconds(server_pid) - cpu0) / elapsed
        print(
            f"{WRITERS} concurrent writers, {batch} op(s) per push: {total / elapsed:,.0f} ops/s, "
            f"{total / batch / elapsed:,.0f} pushes/s, server process {busy:.0%} of a core "
            f"({mp.cpu_count()} cores shared with the writers) (target 2,000 ops/s)"
        )


def listener_process(
    url: str, cohort: str, tokens: list[str], ready: mp.Queue, out: mp.Queue
) -> None:  # type: ignore[type-arg]
    """Many listeners (each its own member: the server caps streams per member)."""
    token = tokens[0]
    count = len(tokens)
    from httpx_sse import aconnect_sse

    seen: dict[str, list[float]] = {}

    async def listen(client: httpx.AsyncClient, after: int, mine_token: str) -> None:
        async with aconnect_sse(
            client, "GET", f"{url}/v1/cohorts/{cohort}/stream", params={"after": after},
            headers={"Authorization": f"Bearer {mine_token}"},
        ) as source:  # fmt: skip
            ready.put(1)
            mine = 0
            async for event in source.aiter_sse():
                if event.event != "ops":
                    continue
                now = time.time()
                for op in json.loads(event.data)["ops"]:
                    if op["kind"] == "post.create" and op["data"]["post"].startswith("live"):
                        seen.setdefault(op["data"]["post"], []).append(now)
                        mine += 1
                if mine >= POSTS:
                    return

    async def main() -> None:
        limits = httpx.Limits(max_connections=count + 10)
        async with httpx.AsyncClient(timeout=httpx.Timeout(30, read=120), limits=limits) as client:
            after = int(
                (
                    await client.get(
                        f"{url}/v1/cohorts/{cohort}/ops?after=0&limit=1",
                        headers={"Authorization": f"Bearer {token}"},
                    )
                ).json()["cursor"]
            )
            last = 0
            while True:  # start from the newest op: skip the 10k backlog
                page = (
                    await client.get(
                        f"{url}/v1/cohorts/{cohort}/ops",
                        params={"after": after, "limit": 1000},
                        headers={"Authorization": f"Bearer {token}"},
                    )
                ).json()
                after = page["cursor"]
                if not page["more"] or after == last:
                    break
                last = after
            listeners = asyncio.gather(*(listen(client, after, t) for t in tokens))
            await asyncio.wait_for(listeners, 120)

    asyncio.run(main())
    out.put(seen)


def bench_stream(url: str, cohort: str, token: str, member: str) -> None:
    ready: mp.Queue = mp.Queue()  # type: ignore[type-arg]
    out: mp.Queue = mp.Queue()  # type: ignore[type-arg]
    per = LISTENERS // LISTENER_PROCESSES
    client = ServerClient(url)
    invite = client.invite(cohort, token, role="learner", uses=LISTENERS, expires_days=1)
    tokens = [client.join(invite["invite"], f"l{i}").token for i in range(LISTENERS)]
    client.close()
    procs = [
        mp.Process(
            target=listener_process,
            args=(url, cohort, tokens[i * per : (i + 1) * per], ready, out),
        )
        for i in range(LISTENER_PROCESSES)
    ]
    for p in procs:
        p.start()
    for _ in range(LISTENERS):
        ready.get(timeout=120)
    time.sleep(0.5)
    sent: dict[str, float] = {}
    clock = HybridClock("n_stream")
    with httpx.Client(timeout=30) as http:
        for i in range(POSTS):
            stamp = clock.now()
            data = k.PostCreate(post=f"live{i}", thread="t0", body="live")
            op = Op(new_ulid(stamp[0]), data.KIND, member, stamp, data)
            sent[f"live{i}"] = time.time()
            http.post(
                f"{url}/v1/cohorts/{cohort}/ops",
                content=b'{"ops":[' + encode_op(op) + b"]}",
                headers={"Authorization": f"Bearer {token}"},
            ).raise_for_status()
            time.sleep(0.1)
    latencies: list[float] = []
    for _ in procs:
        for post, times in out.get(timeout=180).items():
            latencies += [t - sent[post] for t in times]
    for p in procs:
        p.join()
    latencies.sort()
    p50 = latencies[len(latencies) // 2] * 1000
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    print(
        f"new post to {LISTENERS} stream listeners: p50 {p50:.0f} ms, p99 {p99:.0f} ms, "
        f"max {latencies[-1] * 1000:.0f} ms over {len(latencies)} deliveries (target p99 250 ms)"
    )


def bench_restart(tmp: Path) -> None:
    """How long a server with a 100k-op cohort takes to start (views are built on first use:
    see bench_scale.py for the first check and big databases)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from generate import big_cohort_ops

    from cohort_tui.server.sqlite_storage import SqliteStorage
    from cohort_tui.server.storage import NewOp

    ops = big_cohort_ops()
    db = tmp / "big.db"
    storage = SqliteStorage(db)
    cohort = ops[0].data.cohort
    storage.create_cohort(cohort, "Big", expires_at=2**50)
    storage.add_ops(cohort, [NewOp(op.id, op.author, encode_op(op)) for op in ops])
    storage.close()
    port = free_port()
    t0 = time.perf_counter()
    server = start_server(db, port)
    elapsed = time.perf_counter() - t0
    server.send_signal(signal.SIGTERM)
    server.wait(15)
    print(f"server start with a {len(ops):,}-op cohort: {elapsed:.2f} s")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        db = tmp / "server.db"
        founder_invite = new_cohort(db)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = start_server(db, port)
        try:
            cohort, invite, token = bench_push_pull(url, tmp, founder_invite)
            bench_writers(url, cohort, invite, server.pid)
            member = Replica(tmp / "a").resolve_member("fay").id
            bench_stream(url, cohort, token, member)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(15)
        bench_restart(tmp)


if __name__ == "__main__":
    main()
