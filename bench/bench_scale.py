"""The server past one machine: 3 instances on PostgreSQL vs 1 on SQLite, in one run.

Both sides are real ``cohort serve`` processes on loopback, started the same way; the
PostgreSQL side sits behind HAProxy running ``deploy/haproxy.cfg`` when haproxy is
installed (else each client process talks to one instance in turn). Prints, side by side:

Three sides: SQLite, PostgreSQL (durable commits, the default), PostgreSQL with
``synchronous_commit=off`` (SQLite's own trade, see :func:`postgres_side`).

1. ops/s with 50 concurrent writers (1 and 10 ops per push);
2. a new post to 200 stream listeners: p50/p99 (target p99 <= 250 ms); on PostgreSQL the
   listeners are spread over the 3 instances and the post goes to the first one, so most
   deliveries cross instances (LISTEN/NOTIFY);
3. push + pull of 10k ops through the entry point (target <= 2 s).

The machine is shared: read the ratios and ranges, not one figure. PostgreSQL is the one at
``COHORT_BENCH_PG`` (default ``postgresql://postgres@127.0.0.1:5432/test``); the bench makes
a database of its own there and drops it at the end.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx
import psycopg
from bench_sync import (
    LISTENER_PROCESSES,
    LISTENERS,
    POSTS,
    PROCESSES,
    WRITERS,
    cpu_seconds,
    free_port,
    listener_process,
    new_cohort,
    writer_process,
)

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.clock import HybridClock, new_ulid
from cohort_tui.domain.ops import Op, encode_op
from cohort_tui.store.workspace import Replica
from cohort_tui.sync.client import ServerClient
from cohort_tui.sync.credentials import load_credentials
from cohort_tui.sync.engine import sync_once
from cohort_tui.sync.join import join_store

SRC = Path(__file__).resolve().parents[1] / "src"
CLUSTER = os.environ.get("COHORT_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
PUSH_PULL_ONLY = False
"""``--push-pull-only``: leave out the writers and stream sections."""
EXAMPLE = Path(__file__).resolve().parents[1] / "deploy" / "haproxy.cfg"


@dataclass
class Side:
    """One deployment under test and what it measured."""

    name: str
    entry: str
    """The URL clients use (the balancer, or the one instance)."""
    instances: list[str]
    pids: list[int]
    figures: dict[str, str] = field(default_factory=dict)
    database: str = ""
    """The PostgreSQL database's name (its backends' CPU is counted too), if any."""


def start_instance(db: str, port: int) -> subprocess.Popen[bytes]:
    # The servers run this checkout's code, as the clients here do (not an installed copy).
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")])),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "cohort_tui", "serve", "--db", db, "--port", str(port),
         "--rate", "100000", "--no-access-log"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )  # fmt: skip
    wait_healthy(f"http://127.0.0.1:{port}")
    return proc


def wait_healthy(url: str) -> None:
    for _ in range(600):
        try:
            if httpx.get(f"{url}/v1/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise SystemExit(f"{url} did not start")


def start_balancer(ports: list[int], root: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    backends = iter(ports)
    config = EXAMPLE.read_text().replace("bind 127.0.0.1:8080", f"bind 127.0.0.1:{port}")
    config = re.sub(
        r"server (\w+) 127\.0\.0\.1:\d+",
        lambda m: f"server {m.group(1)} 127.0.0.1:{next(backends)}",
        config,
    )
    (root / "haproxy.cfg").write_text(config)
    proc = subprocess.Popen(
        ["haproxy", "-db", "-f", str(root / "haproxy.cfg")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url)
    return proc, url


def push_pull(side: Side, tmp: Path, founder_invite: str) -> tuple[str, str, str, str]:
    """10k ops made offline, pushed by one store and pulled by another, via the entry."""
    client = ServerClient(side.entry, timeout=60)
    a_root, b_root = tmp / "a", tmp / "b"
    join_store(a_root, client, founder_invite, "fay")
    a = Replica(a_root)
    sync_once(a, load_credentials(a_root), client)
    me = a.resolve_member("fay").id
    token = load_credentials(a_root)[me].token
    cohort = a.config.cohort
    assert cohort is not None
    invite = client.invite(cohort, token, role="learner", uses=WRITERS + 1, expires_days=1)
    join_store(b_root, client, invite["invite"], "ben")
    b = Replica(b_root)
    sync_once(b, load_credentials(b_root), client)
    items: list[k.Data] = [k.ThreadCreate(thread="t0", post="p0", title="Bench", body="start")]
    items += [
        k.PostCreate(post=f"p{i}", thread="t0", body=f"post {i} " * 8) for i in range(1, 10_000)
    ]
    a.write_many(items, author=me)
    servers0, client0 = sum(cpu_seconds(pid) for pid in side.pids), time.process_time()
    backends0 = backends_cpu(side.database)
    t0 = time.perf_counter()
    pushed = sync_once(a, load_credentials(a_root), client)
    t1 = time.perf_counter()
    pulled = sync_once(b, load_credentials(b_root), client)
    t2 = time.perf_counter()
    servers = sum(cpu_seconds(pid) for pid in side.pids) - servers0
    here = time.process_time() - client0
    backends = backends_cpu(side.database) - backends0
    assert pushed.pushed == 10_000 and pulled.pulled == 10_000, (pushed, pulled)
    client.close()
    side.figures["push 10k"] = f"{t1 - t0:.2f} s"
    side.figures["pull 10k"] = f"{t2 - t1:.2f} s"
    side.figures["push+pull 10k (target 2 s)"] = f"{t2 - t0:.2f} s"
    # CPU time moves far less than wall time with the load of a shared machine.
    side.figures["push+pull 10k CPU"] = (
        f"servers {servers:.2f} s, clients {here:.2f} s, database {backends:.2f} s"
    )
    return cohort, invite["invite"], token, me


def backends_cpu(database: str) -> float:
    """CPU seconds of the PostgreSQL backends connected to ``database`` (Linux; 0 for
    SQLite, whose work is in the server process)."""
    if not database:
        return 0.0
    total = 0.0
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes()
            except OSError:
                continue
            if cmdline.startswith(b"postgres: ") and database.encode() in cmdline:
                total += cpu_seconds(int(proc.name))
    return total


def writers(side: Side, cohort: str, invite: str) -> None:
    """50 writers in 5 processes; process i talks to the entry (or instance i mod n)."""
    client = ServerClient(side.entry)
    creds = [client.join(invite, f"w{i}") for i in range(WRITERS)]
    client.close()
    pairs = [(j.member, j.token) for j in creds]
    per = WRITERS // PROCESSES
    for batch in (1, 10):
        q: mp.Queue = mp.Queue()  # type: ignore[type-arg]
        urls = [side.entry] * PROCESSES
        procs = [
            mp.Process(
                target=writer_process,
                args=(urls[i], cohort, pairs[i * per : (i + 1) * per], batch, q),
            )
            for i in range(PROCESSES)
        ]
        cpu0 = sum(cpu_seconds(pid) for pid in side.pids)
        t0 = time.perf_counter()
        for p in procs:
            p.start()
        total = sum(q.get() for _ in procs)
        for p in procs:
            p.join()
        elapsed = time.perf_counter() - t0
        busy = (sum(cpu_seconds(pid) for pid in side.pids) - cpu0) / elapsed
        side.figures[f"50 writers, {batch} op/push"] = (
            f"{total / elapsed:,.0f} ops/s (servers {busy:.0%} of a core)"
        )


def stream(side: Side, cohort: str, token: str, member: str) -> None:
    """200 listeners (each its own member), listener process i on instance i mod n; 20
    posts sent to the first instance."""
    ready: mp.Queue = mp.Queue()  # type: ignore[type-arg]
    out: mp.Queue = mp.Queue()  # type: ignore[type-arg]
    per = LISTENERS // LISTENER_PROCESSES
    client = ServerClient(side.entry)
    invite = client.invite(cohort, token, role="learner", uses=LISTENERS, expires_days=1)
    tokens = [client.join(invite["invite"], f"l{i}").token for i in range(LISTENERS)]
    client.close()
    urls = [side.instances[i % len(side.instances)] for i in range(LISTENER_PROCESSES)]
    procs = [
        mp.Process(
            target=listener_process,
            args=(urls[i], cohort, tokens[i * per : (i + 1) * per], ready, out),
        )
        for i in range(LISTENER_PROCESSES)
    ]
    for p in procs:
        p.start()
    for _ in range(LISTENERS):
        ready.get(timeout=180)
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
                f"{side.instances[0]}/v1/cohorts/{cohort}/ops",
                content=b'{"ops":[' + encode_op(op) + b"]}",
                headers={"Authorization": f"Bearer {token}"},
            ).raise_for_status()
            time.sleep(0.1)
    latencies: list[float] = []
    for _ in procs:
        for post, times in out.get(timeout=240).items():
            latencies += [t - sent[post] for t in times]
    for p in procs:
        p.join()
    latencies.sort()
    p50 = latencies[len(latencies) // 2] * 1000
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    side.figures["post to 200 listeners p50/p99 (target p99 250 ms)"] = (
        f"{p50:.0f} / {p99:.0f} ms (max {latencies[-1] * 1000:.0f}, n={len(latencies)})"
    )


def run_side(side: Side, tmp: Path, founder_invite: str) -> None:
    cohort, invite, token, member = push_pull(side, tmp, founder_invite)
    if not PUSH_PULL_ONLY:
        writers(side, cohort, invite)
        stream(side, cohort, token, member)
    for key, value in side.figures.items():
        print(f"  {side.name}: {key}: {value}", flush=True)


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


def sqlite_side(tmp: Path) -> Side:
    db = str(tmp / "server.db")
    founder = new_cohort(Path(db))
    port = free_port()
    proc = start_instance(db, port)
    url = f"http://127.0.0.1:{port}"
    side = Side("1 x SQLite", url, [url], [proc.pid])
    try:
        run_side(side, tmp, founder)
    finally:
        stop([proc])
    return side


def postgres_side(tmp: Path, *, durable: bool = True) -> Side | None:
    """Three instances on a new database; ``durable=False`` turns synchronous_commit off
    (no WAL flush per commit: the trade SQLite's synchronous=NORMAL makes, except that a
    PostgreSQL crash, not only a power cut, may lose the last fraction of a second)."""
    database = "cohort_bench_" + secrets.token_hex(4)
    try:
        with psycopg.connect(CLUSTER, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{database}"'.encode())
    except psycopg.Error as exc:
        print(f"PostgreSQL side skipped: {CLUSTER} unreachable ({exc})")
        return None
    url = CLUSTER.rsplit("/", 1)[0] + "/" + database
    if not durable:
        url += "?options=-csynchronous_commit%3Doff"
    procs: list[subprocess.Popen[bytes]] = []
    try:
        founder = new_cohort(url)  # type: ignore[arg-type]  # a URL, as --db takes it
        ports = [free_port() for _ in range(3)]
        procs = [start_instance(url, port) for port in ports]
        instances = [f"http://127.0.0.1:{port}" for port in ports]
        pids = [proc.pid for proc in procs]
        if shutil.which("haproxy"):
            balancer, entry = start_balancer(ports, tmp)
            name = "3 x PostgreSQL + HAProxy"
        else:
            balancer, entry = None, instances[0]
            name = "3 x PostgreSQL (entry: instance 1)"
        if not durable:
            name += ", async commit"
        side = Side(name, entry, instances, pids, database=database)
        try:
            run_side(side, tmp, founder)
        finally:
            if balancer is not None:
                stop([balancer])
        return side
    finally:
        stop(procs)
        with psycopg.connect(CLUSTER, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'.encode())


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--start-cohorts",
        default="10,50",
        help="start-up section: database sizes in cohorts of --ops ops, comma-separated",
    )
    parser.add_argument("--ops", type=int, default=100_000, help="ops per cohort (<= 100k)")
    parser.add_argument("--rounds", type=int, default=3, help="starts per database")
    parser.add_argument("--skip-start", action="store_true", help="leave out the start-up section")
    parser.add_argument(
        "--push-pull-only",
        action="store_true",
        help="only the push + pull section, on SQLite and durable PostgreSQL (no start-up)",
    )
    args = parser.parse_args()
    global PUSH_PULL_ONLY
    PUSH_PULL_ONLY = args.push_pull_only
    print(f"{os.cpu_count()} cores, shared with the load generators and other work")
    sides: list[Side] = []
    with tempfile.TemporaryDirectory() as a:
        sides.append(sqlite_side(Path(a)))
    for durable in (True,) if PUSH_PULL_ONLY else (True, False):
        with tempfile.TemporaryDirectory() as b:
            side = postgres_side(Path(b), durable=durable)
        if side is None:
            break
        sides.append(side)
    width = max(len(key) for key in sides[0].figures)
    print()
    for side in sides:
        print(f"{side.name}:")
        for key, value in side.figures.items():
            print(f"  {key:{width}}  {value}")
    if not args.skip_start and not PUSH_PULL_ONLY:
        from _scale_start import bench_start

        print()
        bench_start([int(n) for n in args.start_cohorts.split(",")], args.ops, args.rounds)


if __name__ == "__main__":
    main()
