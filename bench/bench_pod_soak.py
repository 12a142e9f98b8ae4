"""A pod under sustained live traffic: the soak of issue 17, replayed and measured.

Two parts:

1. **Per-batch cost** (in process, headless): the CPU time to fold in and redraw a batch
   of 10 posts another process appended, on Home and on Discussions with the receiving
   thread open, on a 1k-op store, the 100k-op store, and the 100k-op store whose open
   thread holds 10,000 posts. Target: the same within 20% whatever the history.

2. **The soak** (real processes): a `cohort serve`, one pod store joined to it, four
   `cohort` processes on that store in pseudo-terminals (Home, which holds the live sync;
   a thread open in Discussions; the curriculum map; Reviews), a remote member writing
   5 posts/s plus a 500-post burst every 30 s from a store of their own, and this script
   writing a probe post on the pod store every 3 s (another process of the pod).
   Figures: post -> visible in the thread pane (p50/p95, first and last third of the
   run; from the remote write, and from the op's arrival in the pod's log), local write
   -> on the server (p50/p95), read markers the pod wrote, key response (help opened with
   ``?`` and closed with ``q`` in the Home pane, p50/p99), CPU per pane per window, RSS
   per pane against a fresh app on the same store, and whether the two stores agree at
   the end.

Usage: ``python bench/bench_pod_soak.py [--duration 90] [--skip-batch] [--skip-soak]``.
The issue's figures are for ``--duration 600``. The machine is shared: read ratios and
ranges, and run it twice before believing one number.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import itertools

from _common import CACHE, python
from _term import Term, term_env

BATCH = 10
BATCHES = 20


# -- part 1: per-batch cost ------------------------------------------------------------


def small_store(root: Path) -> Path:
    """About 1k ops of the same shape as the 100k-op store."""
    from generate import big_cohort_ops, write_store

    from cohort_tui.domain import op_kinds as k
    from cohort_tui.store.workspace import Replica

    if not (root / "store.toml").exists():
        ops = big_cohort_ops(
            members=30, posts=300, threads=30, submissions=20, modules=2, per_module=5
        )
        # The generator pads to 100k ops with read markers: leave those out.
        ops = [
            op for op in ops if not (isinstance(op.data, k.ThreadRead) and op.data.upto[2] == "n")
        ]
        write_store(root, ops)
        Replica(root).save_snapshot()
    return root


def long_thread_store(root: Path, big: Path) -> Path:
    """The 100k-op store plus one thread of 10,000 posts."""
    from cohort_tui.domain import op_kinds as k
    from cohort_tui.store.workspace import Replica

    if not (root / "store.toml").exists():
        shutil.copytree(big, root)
        replica = Replica(root)
        items: list[k.Data] = [
            k.ThreadCreate(thread="t_long", post="p_long0", title="Long", body="start")
        ]
        items += [
            k.PostCreate(post=f"p_long{i}", thread="t_long", body=f"post {i} " * 12)
            for i in range(1, 10_000)
        ]
        replica.write_many(items, author="m_1")
        replica.save_snapshot()
    return root


def busiest_thread(root: Path) -> str:
    from cohort_tui.store.workspace import Replica

    state = Replica(root).state
    if "t_long" in state.threads:
        return "t_long"
    return max(state.threads.values(), key=lambda t: t.last_activity).id


async def batch_cost(root: Path, screen: str) -> list[float]:
    """CPU ms per batch of 10 posts, folded and redrawn, on one screen."""
    from cohort_tui.config import UserConfig
    from cohort_tui.domain import op_kinds as k
    from cohort_tui.store.workspace import Replica
    from cohort_tui.ui.app import CohortApp

    thread = busiest_thread(root)
    target = f"thread:{thread}" if screen == "thread" else screen
    app = CohortApp(
        Replica(root),
        "m_1",
        open_target=target,
        config=UserConfig(),
        poll_interval=0,
        save_settings=False,
    )
    other = Replica(root)
    costs: list[float] = []
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(20):
            await pilot.pause()
        if screen == "thread":
            await pilot.press("end")  # follow the thread's tail, as a reader does
        await pilot.pause(0.5)
        for b in range(BATCHES + 3):
            other.write_many(
                [
                    k.PostCreate(post=f"bp{b}_{i}_{time.time_ns()}", thread=thread, body="hi " * 20)
                    for i in range(BATCH)
                ],
                author="m_2",
            )
            await pilot.pause(0.05)  # nothing else pending
            start = time.process_time()
            app.poll_store()
            await pilot.pause()
            await pilot.pause()  # the refresh and the frame it asks for
            if b >= 3:  # the first batches warm caches
                costs.append((time.process_time() - start) * 1000)
    return costs


def part_batch_cost() -> None:
    from generate import big_store

    work = Path(tempfile.mkdtemp(prefix="cohort-soak-batch-"))
    try:
        big = big_store(CACHE / "big")
        stores = {
            "1k ops": small_store(CACHE / "soak-small"),
            "100k ops": big,
            "100k ops, 10k-post thread": long_thread_store(CACHE / "soak-long", big),
        }
        print(f"Per-batch cost: CPU ms to fold and redraw {BATCH} new posts (median, p90)")
        base: dict[str, float] = {}
        for name, root in stores.items():
            copy = work / name.replace(" ", "_").replace(",", "")
            shutil.copytree(root, copy)
            for screen in ("home", "thread"):
                costs = asyncio.run(batch_cost(copy, screen))
                med = statistics.median(costs)
                p90 = sorted(costs)[int(len(costs) * 0.9) - 1]
                base.setdefault(screen, med)
                print(
                    f"  {name:<28} {screen:<7} {med:6.1f} ms  p90 {p90:6.1f} ms  "
                    f"x{med / base[screen]:.2f} of 1k"
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)


# -- part 2: the soak ------------------------------------------------------------------

WRITER = r"""
import sys, time
from pathlib import Path
from cohort_tui.domain import op_kinds as k
from cohort_tui.store.workspace import Replica
from cohort_tui.sync.client import ServerClient
from cohort_tui.sync.credentials import load_credentials
from cohort_tui.sync.engine import sync_once

root, thread, seconds, out = Path(sys.argv[1]), sys.argv[2], float(sys.argv[3]), sys.argv[4]
replica = Replica(root)
me = replica.resolve_member(None).id
creds = load_credentials(root)
client = ServerClient(replica.config.remote, timeout=60)
log = open(out, "a", buffering=1)
start = time.time()
n = 0
next_burst = start + 15
filler = "streaming along with the pod " * 3
while time.time() - start < seconds:
    tick = time.time()
    if tick >= next_burst:
        items = [k.PostCreate(post=f"p_burst{n}_{i}", thread=thread, body=f"burst {i} {filler}")
                 for i in range(500)]
        replica.write_many(items, author=me)
        log.write(f"burst {time.time()}\n")
        next_burst += 30
    n += 1
    written = time.time()
    replica.write(k.PostCreate(post=f"p_soak{n}", thread=thread, body=f"soak#{n}# {filler}"),
                  author=me)
    log.write(f"{n} {written}\n")
    sync_once(replica, creds, client)
    time.sleep(max(0.0, 0.2 - (time.time() - tick)))
client.close()
"""


PROBER = r"""
import sys, time
from pathlib import Path
from cohort_tui.domain import op_kinds as k
from cohort_tui.store.workspace import Replica

root, member, seconds, out = Path(sys.argv[1]), sys.argv[2], float(sys.argv[3]), sys.argv[4]
log = open(out, "a", buffering=1)
start = time.time()
n = 0
while time.time() - start + 3 < seconds:
    time.sleep(max(0.0, start + 3 * (n + 1) - time.time()))
    n += 1
    replica = Replica(root)  # opened afresh for each post, like `cohort post`
    written = time.time()
    replica.write(
        k.PostCreate(post=f"p_probe{n}", thread="t_soak", body=f"probe#{n}# from the pod"),
        author=member,
    )
    log.write(f"{n} {written}\n")
"""


def cohort(*args: str, check: bool = True) -> str:
    out = subprocess.run(
        [python(), "-m", "cohort_tui", *args], capture_output=True, text=True, check=False
    )
    if check and out.returncode:
        raise SystemExit(f"cohort {' '.join(args)} failed: {out.stderr}")
    return out.stdout


def start_server(db: Path) -> tuple[subprocess.Popen[bytes], str]:
    import socket

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    proc = subprocess.Popen(
        [python(), "-m", "cohort_tui", "serve", "--db", str(db), "--port", str(port),
         "--rate", "100000", "--no-access-log"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(400):
        try:
            httpx.get(f"{url}/v1/health", timeout=1)
            return proc, url
        except httpx.TransportError:
            time.sleep(0.05)
    raise SystemExit("the server did not start")


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def summary(values: list[float]) -> str:
    if not values:
        return "no samples"
    return (
        f"p50 {pct(values, 50) * 1000:.0f} ms, p95 {pct(values, 95) * 1000:.0f} ms, "
        f"max {max(values) * 1000:.0f} ms (n={len(values)})"
    )


TRACE_HOOK = """
import os, signal, tracemalloc
_dir = os.environ.get("COHORT_TRACE_DIR")
if _dir:
    tracemalloc.start(int(os.environ.get("COHORT_TRACE_FRAMES", "10")))
    _taken = [0]
    def _dump(signum, frame):
        _taken[0] += 1
        tracemalloc.take_snapshot().dump(f"{_dir}/snap{_taken[0]}.pickle")
    signal.signal(signal.SIGUSR1, _dump)
"""


def pane_env(store: Path, trace_dir: Path | None = None) -> dict[str, str]:
    """A pane's environment: this checkout's ``src`` first on PYTHONPATH (it must win over
    the venv's editable install, or the panes run another checkout's code), and with
    ``trace_dir`` a ``sitecustomize`` that dumps tracemalloc snapshots on SIGUSR1."""
    env = term_env(COHORT_STORE=str(store))
    paths = env["PYTHONPATH"].split(os.pathsep)  # this checkout's src first (term_env)
    if trace_dir is not None:
        hook = trace_dir / "hook"
        hook.mkdir(parents=True, exist_ok=True)
        (hook / "sitecustomize.py").write_text(TRACE_HOOK)
        paths.insert(0, str(hook))
    if paths:
        env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


class Pod:
    """The panes, read by one loop: the thread and Home panes through the terminal
    emulator (what they show is measured), the others drained."""

    def __init__(
        self, store: Path, thread: str, timings: Path, trace_dir: Path | None = None
    ) -> None:
        env = pane_env(store, trace_dir)
        env["HOME"] = str(store.parent / "home")  # a clean config: default theme, no keymap
        argv = [str(Path(python()).parent / "cohort"), "--store", str(store)]
        self.panes: dict[str, Term] = {}
        self.home_timings = timings.with_name("home-timings.txt")
        home_env = {**env, "COHORT_TIMINGS": str(self.home_timings)}
        if trace_dir is not None:  # only the pane that syncs is traced
            home_env["COHORT_TRACE_DIR"] = str(trace_dir)
        self.panes["home"] = Term([*argv, "--open", "home"], home_env)
        self.panes["home"].wait_for("Today", timeout=60)
        # The thread pane logs when it draws each post (ui/timings.py): parsing its
        # screen here cost this script more CPU than the pane itself.
        self.panes["thread"] = Term(
            [*argv, "--open", f"thread:{thread}"], {**env, "COHORT_TIMINGS": str(timings)}
        )
        self.panes["curriculum"] = Term([*argv, "--open", "curriculum"], env)
        self.panes["reviews"] = Term([*argv, "--open", "reviews"], env)
        # `--open thread:ID` lands on the list with the thread highlighted when the
        # app starts in a terminal (see the note): open it with Enter.
        self.panes["thread"].wait_for("Live", timeout=60)
        if "soak#" not in self.panes["thread"].text():
            self.panes["thread"].press("\r")
        self.panes["thread"].wait_for("soak#", timeout=60)
        self.panes["thread"].press("\x1b[F")  # End: the cursor on the last post follows
        self.watched = {"home"}  # for the key probes
        self.arrived: dict[str, float] = {}
        """When the last output of a watched pane arrived (read, before the emulator
        parsed it: a terminal draws in a millisecond, pyte takes tens of them)."""

    def pump(self, timeout: float) -> None:
        fds = {term.fd: name for name, term in self.panes.items() if term.status is None}
        ready, _, _ = select.select(list(fds), [], [], timeout)
        for fd in ready:
            name = fds[fd]
            term = self.panes[name]
            if name in self.watched:
                arrived = term._pump(0)
                if arrived is not None:
                    self.arrived[name] = arrived
            else:
                try:
                    while os.read(fd, 1 << 16):
                        pass
                except (BlockingIOError, OSError):
                    pass

    def close(self) -> None:
        for term in self.panes.values():
            term.close()


CLOSE_KEY = "q"
"""Help closes with ``q`` (also Esc and ``?``). Not Esc: a lone ESC byte is held by
Textual for ``ESCDELAY`` (100 ms) in case an escape sequence follows, so every Esc
measures that wait. A bare Textual app closes a modal with Esc in 113 ms (p50, pty)."""


def key_probe(pod: Pod, rounds: int) -> list[float]:
    """Open and close help on the Home pane ``rounds`` times; seconds per key."""
    home = pod.panes["home"]
    found: list[float] = []
    for _ in range(rounds):
        for key, shown in (("?", True), (CLOSE_KEY, False)):
            pressed = time.perf_counter()
            home.press(key)
            while ("· keys" in home.text()) != shown:
                pod.pump(0.02)
                if time.perf_counter() - pressed > 30:
                    return found
            found.append(pod.arrived["home"] - pressed)
        deadline = time.perf_counter() + 0.5
        while time.perf_counter() < deadline:
            pod.pump(0.02)
    return found


def tail_times(log: Path, pattern: re.Pattern[bytes], found: dict[int, float]) -> int:
    """Note when lines matching ``pattern`` (a number group) arrive in ``log``."""
    offset = 0
    stop = threading.Event()

    def run() -> None:
        nonlocal offset
        while not stop.is_set():
            try:
                with log.open("rb") as f:
                    f.seek(offset)
                    chunk = f.read()
            except OSError:
                chunk = b""
            now = time.time()
            end = chunk.rfind(b"\n")
            if end >= 0:
                for match in pattern.finditer(chunk[: end + 1]):
                    found.setdefault(int(match.group(1)), now)
                offset += end + 1
            time.sleep(0.01)

    threading.Thread(target=run, daemon=True).start()
    tail_times.stops.append(stop)  # type: ignore[attr-defined]
    return 0


tail_times.stops = []  # type: ignore[attr-defined]


def server_watch(url: str, cohort_id: str, token: str, found: dict[int, float]) -> None:
    """Note when probe posts reach the server (pulled every 50 ms)."""
    from cohort_tui.sync.client import ServerClient

    stop = threading.Event()

    def run() -> None:
        client = ServerClient(url, timeout=30)
        cursor = 0
        while not stop.is_set():
            try:
                page = client.pull(cohort_id, token, cursor, limit=1000)
            except Exception:
                time.sleep(0.2)
                continue
            now = time.time()
            for op in page.ops:
                body = getattr(op.data, "body", "")
                match = re.match(r"probe#(\d+)#", body)
                if match:
                    found.setdefault(int(match.group(1)), now)
            cursor = page.cursor
            if not page.more:
                time.sleep(0.05)
        client.close()

    threading.Thread(target=run, daemon=True).start()
    tail_times.stops.append(stop)  # type: ignore[attr-defined]


def trace_report(trace_dir: Path, top: int = 25) -> None:
    """The allocations that grew in the Home pane between the first and last snapshot."""
    import tracemalloc

    for _ in range(600):  # the pane writes them in its own time
        if (trace_dir / "snap2.pickle").exists():
            break
        time.sleep(0.1)
    time.sleep(2)
    first = tracemalloc.Snapshot.load(str(trace_dir / "snap1.pickle"))
    last = tracemalloc.Snapshot.load(str(trace_dir / "snap2.pickle"))
    total = sum(s.size for s in last.statistics("filename")) - sum(
        s.size for s in first.statistics("filename")
    )
    print(f"  Home pane, traced memory growth from the first to the last snapshot: "
          f"{total / 2**20:+.1f} MiB; the biggest by line:")  # fmt: skip
    for stat in last.compare_to(first, "lineno")[:top]:
        frame = stat.traceback[0]
        print(f"    {stat.size_diff / 2**10:+9.0f} KiB {stat.count_diff:+8d}  "
              f"{frame.filename.split('site-packages/')[-1]}:{frame.lineno}")  # fmt: skip


def part_soak(duration: float, trace_dir: Path | None = None) -> None:
    from cohort_tui.domain import op_kinds as k
    from cohort_tui.store.log import LogPosition
    from cohort_tui.store.workspace import Replica
    from cohort_tui.sync.credentials import load_credentials

    work = Path(tempfile.mkdtemp(prefix="cohort-soak-"))
    server, url = start_server(work / "server.db")
    pod: Pod | None = None
    writer: subprocess.Popen[bytes] | None = None
    try:
        invite = json.loads(cohort("server", "new-cohort", "--db", str(work / "server.db"),
                                   "--name", "Soak"))["invite"]  # fmt: skip
        pod_root, remote_root = work / "pod", work / "remote"
        cohort("join", url, "--invite", invite, "--handle", "pod", "--store", str(pod_root))
        second = cohort("invite", "--store", str(pod_root), "--uses", "2").strip()
        cohort("join", url, "--invite", second, "--handle", "rw", "--store", str(remote_root))
        remote = Replica(remote_root)
        remote.write(
            k.ThreadCreate(thread="t_soak", post="p_soak0", title="Live", body="soak#0# start"),
            author=remote.resolve_member(None).id,
        )
        cohort("sync", "--store", str(remote_root))
        cohort("sync", "--store", str(pod_root))
        timings = work / "timings.txt"
        pod = Pod(pod_root, "t_soak", timings, trace_dir)
        pod_member = Replica(pod_root).resolve_member(None)
        creds = load_credentials(pod_root)[pod_member.id]

        in_log: dict[int, float] = {}
        on_server: dict[int, float] = {}
        tail_times(pod_root / "ops.jsonl", re.compile(rb"soak#(\d+)#"), in_log)
        server_watch(url, creds.cohort, creds.token, on_server)
        # The baseline: the same key probe on the same pane before any traffic, so a
        # machine loaded by others shows in both figures alike.
        idle_keys = key_probe(pod, rounds=10)
        times_file = work / "writes.txt"
        load_before = os.getloadavg()[0]
        writer = subprocess.Popen(
            [python(), "-c", WRITER, str(remote_root), "t_soak", str(duration), str(times_file)]
        )
        started = time.time()
        own_cpu = time.process_time()
        # Another process of the pod writes a probe post every 3 s, as `cohort post`
        # would (its own process: opening the store here stalled the key probe).
        probes_file = work / "probes.txt"
        prober = subprocess.Popen(
            [python(), "-c", PROBER, str(pod_root), pod_member.id, str(duration), str(probes_file)]
        )
        keys: list[tuple[float, float, str]] = []  # (when, seconds, which key)
        cpu: dict[str, list[tuple[float, float]]] = {n: [] for n in pod.panes}
        next_key, next_cpu = started + 2, started
        # The first snapshot once the traffic runs (a burst in), the second at the end.
        next_trace = started + min(40.0, duration / 3) if trace_dir is not None else None
        key_state: tuple[str, float] | None = None
        home = pod.panes["home"]
        while time.time() - started < duration:
            pod.pump(0.02)
            now = time.time()
            if next_trace is not None and now >= next_trace:
                os.kill(pod.panes["home"].pid, signal.SIGUSR1)
                next_trace = None
            if now >= next_cpu:
                for name, term in pod.panes.items():
                    cpu[name].append((now, term.cpu_seconds()))
                next_cpu += 10
            if key_state is None and now >= next_key:
                key_state = ("open", time.perf_counter())
                home.press("?")
            elif key_state is not None:
                phase, pressed = key_state
                shown = "· keys" in home.text()
                if phase == "open" and shown:
                    keys.append((now, pod.arrived["home"] - pressed, "open"))
                    key_state = ("close", time.perf_counter())
                    home.press(CLOSE_KEY)
                elif phase == "close" and not shown:
                    keys.append((now, pod.arrived["home"] - pressed, "close"))
                    key_state = None
                    next_key = now + 2
        for name, term in pod.panes.items():
            cpu[name].append((time.time(), term.cpu_seconds()))
        writer.wait(timeout=120)
        prober.wait(timeout=120)
        probes = {
            int(n): float(at)
            for n, at in (line.split() for line in probes_file.read_text().splitlines())
        }
        probe_n = len(probes)
        # Let everything arrive, then look at the panes against fresh apps.
        settle_until = time.time() + 10
        while time.time() < settle_until:
            pod.pump(0.05)

        written = {}
        for line in times_file.read_text().splitlines():
            first, second_field = line.split()
            if first != "burst":
                written[int(first)] = float(second_field)
        third = duration / 3
        early = [n for n, t in written.items() if t - started < third]
        late = [n for n, t in written.items() if t - started > duration - third]

        seen: dict[int, float] = {}
        for line in timings.read_text().splitlines():
            post_id, _, at = line.partition(" ")
            if post_id.startswith("p_soak"):
                seen[int(post_id.removeprefix("p_soak"))] = float(at)

        def lat(numbers: list[int], origin: dict[int, float]) -> list[float]:
            return [seen[n] - origin[n] for n in numbers if n in seen and n in origin]

        print(f"\nSoak: {duration:.0f} s, {len(written)} posts at 5/s + bursts of 500 "
              f"every 30 s, {probe_n} probe posts from another process of the pod")  # fmt: skip
        seen_share = len([n for n in written if n in seen]) / max(1, len(written))
        print(f"  posts drawn on the thread pane: {seen_share:.0%} (a burst scrolls past)")
        share = (time.process_time() - own_cpu) / duration * 100
        print(f"  this script's own CPU: {share:.0f}% of a core (the panes share the machine)")
        print(f"  remote write -> visible, first third: {summary(lat(early, written))}")
        print(f"  remote write -> visible, last third:  {summary(lat(late, written))}")
        print(f"  in pod log -> visible, first third:   {summary(lat(early, in_log))}")
        print(f"  in pod log -> visible, last third:    {summary(lat(late, in_log))}")
        pushed = [on_server[n] - probes[n] for n in probes if n in on_server]
        print(f"  local write (other process) -> server: {summary(pushed)}; "
              f"{len(probes) - len(pushed)} never arrived")  # fmt: skip
        ops, _ = Replica(pod_root).log.read_from(LogPosition())
        reads = [op for op in ops if op.kind == "thread.read" and op.author == pod_member.id]
        refolds = {
            name: sum(1 for line in path.read_text().splitlines() if line.startswith("refold"))
            for name, path in (("home", pod.home_timings), ("thread", timings))
            if path.exists()
        }
        print(f"  whole-log refolds: {refolds} (late ops not folded in place)")
        print(f"  thread.read ops written by the pod: {len(reads)} "
              f"(target <= {int(duration / 10) + 2}: one per 10 s + leaving)")  # fmt: skip
        key_times = [s for _, s, _ in keys]
        print(f"  machine load average: {load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
        if idle_keys:
            print(f"  key, same pane before the traffic: p50 {pct(idle_keys, 50) * 1000:.0f} ms, "
                  f"p99 {pct(idle_keys, 99) * 1000:.0f} ms (n={len(idle_keys)})")  # fmt: skip
        if os.environ.get("SOAK_DEBUG"):
            for when, took, which in keys:
                if took > 0.15:
                    print(f"    slow {which} at {when - started:6.1f} s: {took * 1000:.0f} ms")
            logged = pod.home_timings.read_text() if pod.home_timings.exists() else ""
            for line in logged.splitlines():
                if line.startswith(("gc", "refold")):
                    what, _, at = line.rpartition(" ")
                    print(f"    home: {what} at {float(at) - started:6.1f} s")
        if key_times:
            print(f"  key (help open/close on Home): p50 {pct(key_times, 50) * 1000:.0f} ms, "
                  f"p99 {pct(key_times, 99) * 1000:.0f} ms, max {max(key_times) * 1000:.0f} ms "
                  f"(n={len(key_times)}; target p99 <= 150 ms)")  # fmt: skip
            for which in ("open", "close"):
                times = [s for _, s, w in keys if w == which]
                print(f"    {which}: p50 {pct(times, 50) * 1000:.0f} ms, "
                      f"p99 {pct(times, 99) * 1000:.0f} ms")  # fmt: skip
        print("  CPU per pane, % of a core per 10 s window (first, middle, last):")
        for name, samples in cpu.items():
            shares = [
                (c2 - c1) / (t2 - t1) * 100
                for (t1, c1), (t2, c2) in itertools.pairwise(samples)
                if t2 - t1 > 1
            ]
            if shares:
                mid = shares[len(shares) // 2]
                print(f"    {name:<11} {shares[0]:5.1f}  {mid:5.1f}  {shares[-1]:5.1f}")
        rss = {name: rss_mib(term.pid) for name, term in pod.panes.items()}
        if trace_dir is not None:
            os.kill(pod.panes["home"].pid, signal.SIGUSR1)
            trace_report(trace_dir)
        unread_old = re.findall(r"(\d+) unread|✉ (\d+)", home.text())
        pod.close()
        pod = None
        print("  RSS after the run vs a fresh app on the same store (MiB):")
        env = pane_env(pod_root)
        env["HOME"] = str(work / "home")
        argv = [str(Path(python()).parent / "cohort"), "--store", str(pod_root)]
        targets = {"home": "home", "thread": "thread:t_soak", "curriculum": "curriculum",
                   "reviews": "reviews"}  # fmt: skip
        # As in the pod, the fresh Home (first) holds the live sync while the others
        # are measured: they say "synced by another pane" and hold no second replica.
        fresh_home: Term | None = None
        for name, target in targets.items():
            fresh = Term([*argv, "--open", target], env)
            fresh.wait_for("cohort|Home|Threads", timeout=60)
            fresh.settle(quiet=1.0, timeout=20)
            if name == "thread":
                if "soak#" not in fresh.text():
                    fresh.press("\r")  # see Pod: `--open thread:ID` lands on the list
                    fresh.settle(quiet=1.0, timeout=10)
                fresh.press("\x1b[F")
                fresh.settle(quiet=1.0, timeout=10)
            if name == "home":
                unread_new = re.findall(r"(\d+) unread|✉ (\d+)", fresh.text())
            fresh_rss = rss_mib(fresh.pid)
            if name == "home":
                fresh_home = fresh
            else:
                fresh.close()
            print(f"    {name:<11} pane {rss[name]:6.1f}  fresh {fresh_rss:6.1f}  "
                  f"diff {rss[name] - fresh_rss:+6.1f} (target <= +15)")  # fmt: skip
        if fresh_home is not None:
            fresh_home.close()
        print(f"  Home pane's unread figures: {unread_old} ; fresh app: {unread_new}")
        cohort("sync", "--store", str(remote_root))
        same = cohort("export", "--store", str(pod_root)) == cohort(
            "export", "--store", str(remote_root)
        )
        print(f"  the pod's and the remote store's exports are identical: {same}")
    finally:
        for stop in tail_times.stops:  # type: ignore[attr-defined]
            stop.set()
        if writer is not None and writer.poll() is None:
            writer.kill()
        if pod is not None:
            pod.close()
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=90.0, help="soak seconds (600: issue)")
    parser.add_argument("--skip-batch", action="store_true", help="skip the per-batch part")
    parser.add_argument("--skip-soak", action="store_true", help="skip the soak")
    parser.add_argument(
        "--trace-memory",
        type=Path,
        metavar="DIR",
        help="trace the Home pane's allocations (tracemalloc, slow) into DIR and list growth",
    )
    args = parser.parse_args()
    # The server, the writer and the CLI calls run this checkout's code too.
    os.environ["PYTHONPATH"] = term_env()["PYTHONPATH"]
    if not args.skip_batch:
        part_batch_cost()
    if not args.skip_soak:
        part_soak(args.duration, args.trace_memory)


if __name__ == "__main__":
    main()
