"""bench_scale's start-up section: start time and memory of one instance over big databases.

Run through ``bench/bench_scale.py`` (``--start-cohorts 10,50 --ops 100000``), or alone:
``.venv/bin/python bench/_scale_start.py [--cohorts 10,50] [--ops 100000]``.

Start-up section: databases of N cohorts x 100k ops (10 x 100k = 1M, 50 x 100k = 5M by
default), generated once by bulk insert and cached under the user's cache directory
(``$COHORT_BENCH_CACHE``, else ``~/.cache/cohort-bench``), never in the repository. For
each, one ``cohort serve`` is started the same way as a baseline on an empty database:
time until ``/v1/health`` answers, resident memory then, the first permission check in
each cohort (which builds that cohort's view), and the peak resident memory once every
cohort was used twice (views beyond the budget are evicted and rebuilt). Targets: start
<= 2 s and peak <= 300 MiB, both flat between 1M and 5M.

The other sections (several instances, streams through the database, push and pull through
the load balancer) are in ``bench_scale.py``, which runs this one last.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from cohort_tui.domain.ops import encode_op
from cohort_tui.server.storage import SqliteStorage, digest

GENERATOR_VERSION = 1
"""Bump when the generated data changes, so cached databases are rebuilt."""
TOKEN = "bench-token-"
"""Each cohort's founder gets the token TOKEN + cohort id (written straight to the db)."""
MIB = 1024 * 1024


def cache_dir() -> Path:
    """Where generated databases are kept between runs (outside the repository)."""
    root = os.environ.get("COHORT_BENCH_CACHE") or Path.home() / ".cache" / "cohort-bench"
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cohort_id(n: int) -> str:
    return f"c_bench{n:03d}"


def generate_db(cohorts: int, ops_per_cohort: int) -> Path:
    """A database of ``cohorts`` copies of the generated cohort (ids are per cohort, so one
    set of op bodies serves them all); made once, then reused."""
    path = cache_dir() / f"scale-v{GENERATOR_VERSION}-{cohorts}x{ops_per_cohort}.db"
    if path.exists():
        return path
    from generate import big_cohort_ops

    t0 = time.perf_counter()
    ops = big_cohort_ops()[:ops_per_cohort]
    rows = [(op.id, op.author, encode_op(op)) for op in ops]
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    SqliteStorage(partial).close()  # the schema, as the server makes it
    db = sqlite3.connect(partial, isolation_level=None)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("BEGIN")
    for n in range(cohorts):
        cohort = cohort_id(n)
        db.execute("INSERT INTO cohorts (id, name, created_at) VALUES (?, ?, 0)", (cohort, cohort))
        db.execute(
            "INSERT INTO tokens (hash, cohort, member, created_at) VALUES (?, ?, 'm_0', 0)",
            (digest(TOKEN + cohort), cohort),
        )
        db.executemany(
            "INSERT INTO ops (cohort, seq, id, author, body) VALUES (?, ?, ?, ?, ?)",
            ((cohort, seq, i, a, b) for seq, (i, a, b) in enumerate(rows, start=1)),
        )
    db.execute("COMMIT")
    db.close()
    partial.rename(path)
    size = path.stat().st_size / MIB
    print(
        f"  generated {cohorts * len(rows):,} ops in {time.perf_counter() - t0:.0f} s "
        f"({size:,.0f} MiB, cached at {path})"
    )
    return path


def start_instance(db: Path, port: int) -> tuple[subprocess.Popen[bytes], float]:
    """A ``cohort serve`` on ``db``, and the seconds until its health check answered."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "cohort_tui", "serve", "--db", str(db), "--port", str(port),
         "--rate", "100000", "--no-access-log"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    while time.perf_counter() - t0 < 120:
        try:
            httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=1)
            return proc, time.perf_counter() - t0
        except httpx.TransportError:
            if proc.poll() is not None:
                raise SystemExit("the server exited at start") from None
            time.sleep(0.02)
    raise SystemExit("the server did not start")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def memory_mib(pid: int, field: str = "VmRSS") -> float:
    """Resident memory (``VmRSS``) or its peak so far (``VmHWM``) of a process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU a process used so far: unlike wall time, not inflated by other
    processes on a loaded machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def check_permissions(url: str, cohort: str) -> float:
    """Seconds one permission check takes (an invite: the facilitator check)."""
    t0 = time.perf_counter()
    r = httpx.post(
        f"{url}/v1/cohorts/{cohort}/invites",
        json={"role": "learner"},
        headers={"Authorization": f"Bearer {TOKEN}{cohort}"},
        timeout=120,
    )
    r.raise_for_status()
    return time.perf_counter() - t0


def spread(values: list[float]) -> str:
    ordered = sorted(values)
    return (
        f"median {statistics.median(ordered) * 1000:.0f} ms, "
        f"min {ordered[0] * 1000:.0f}, max {ordered[-1] * 1000:.0f}"
    )


def measure_start(db: Path) -> tuple[float, float, float]:
    """One start over ``db``: wall seconds to a health answer, CPU seconds, MiB resident."""
    proc, wall = start_instance(db, free_port())
    try:
        return wall, cpu_seconds(proc.pid), memory_mib(proc.pid)
    finally:
        stop(proc)


class Checks:
    """Permission checks one instance answered: wall and CPU seconds of each, per pass."""

    def __init__(self) -> None:
        self.wall: list[list[float]] = []
        self.cpu: list[list[float]] = []
        self.peak = 0.0
        """The instance's peak resident MiB at the end."""

    def line(self, index: int) -> str:
        cpu = sorted(self.cpu[index])
        return f"{spread(self.wall[index])}; CPU median {statistics.median(cpu) * 1000:.0f} ms"


def use_cohorts(db: Path, cohorts: int, passes: int = 2) -> Checks:
    """One instance answers a permission check in each of the first ``cohorts`` cohorts,
    ``passes`` times over."""
    port = free_port()
    proc, _ = start_instance(db, port)
    checks = Checks()
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(passes):
            walls, cpus = [], []
            for n in range(cohorts):
                before = cpu_seconds(proc.pid)
                walls.append(check_permissions(url, cohort_id(n)))
                cpus.append(cpu_seconds(proc.pid) - before)
            checks.wall.append(walls)
            checks.cpu.append(cpus)
        checks.peak = memory_mib(proc.pid, "VmHWM")
        return checks
    finally:
        stop(proc)


def bench_start(sizes: list[int], ops_per_cohort: int, rounds: int) -> None:
    """Start time and peak memory of one instance, flat in history."""
    print("== one instance over big databases (SQLite) ==")
    empty = cache_dir() / "scale-empty.db"
    empty.unlink(missing_ok=True)
    SqliteStorage(empty).close()
    dbs = {0: empty} | {n: generate_db(n, ops_per_cohort) for n in sizes}
    starts: dict[int, list[tuple[float, float, float]]] = {n: [] for n in dbs}
    for _ in range(rounds):  # interleaved, so load from others hits every size alike
        for n, db in dbs.items():
            starts[n].append(measure_start(db))
    base_wall = statistics.median(w for w, _, _ in starts[0])
    base_cpu = statistics.median(c for _, c, _ in starts[0])
    for n, runs in starts.items():
        walls, cpus = sorted(w for w, _, _ in runs), sorted(c for _, c, _ in runs)
        wall, cpu = statistics.median(walls), statistics.median(cpus)
        label = "empty database" if n == 0 else f"{n * ops_per_cohort:,} ops ({n} cohorts)"
        print(
            f"{label:>26}: start {wall:.2f} s (range {walls[0]:.2f}-{walls[-1]:.2f}, "
            f"x{wall / base_wall:.2f} of empty), CPU {cpu:.2f} s (x{cpu / base_cpu:.2f}), "
            f"{statistics.median(m for _, _, m in runs):.0f} MiB resident"
        )
    small = min(sizes)
    peaks: dict[int, float] = {}
    for n in sizes:
        total = f"{n * ops_per_cohort:>10,} ops"
        if n != small:  # the same work as on the smallest database: flat in history?
            same = use_cohorts(dbs[n], small, passes=1)
            print(f"{total}: peak {same.peak:.0f} MiB after a check in {small} cohorts")
        checks = use_cohorts(dbs[n], n)
        peaks[n] = checks.peak
        print(f"{total}: peak {checks.peak:.0f} MiB after a check in all {n} cohorts, twice")
        print(f"    first check per cohort (builds its view): {checks.line(0)}")
        print(f"    second pass (views kept, or rebuilt if evicted): {checks.line(1)}")
    if len(sizes) > 1:
        big = max(sizes)
        wall = statistics.median(w for w, _, _ in starts[big]) / statistics.median(
            w for w, _, _ in starts[small]
        )
        cpu = statistics.median(c for _, c, _ in starts[big]) / statistics.median(
            c for _, c, _ in starts[small]
        )
        print(
            f"{big} vs {small} cohorts: start x{wall:.2f} (CPU x{cpu:.2f}); "
            f"targets 2 s and 300 MiB, flat in history"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cohorts", default="10,50", help="database sizes in cohorts, comma-separated"
    )
    parser.add_argument("--ops", type=int, default=100_000, help="ops per cohort (<= 100k)")
    parser.add_argument("--rounds", type=int, default=3, help="starts per database")
    args = parser.parse_args()
    bench_start([int(n) for n in args.cohorts.split(",")], args.ops, args.rounds)


if __name__ == "__main__":
    main()
