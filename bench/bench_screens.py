"""Opening each main screen of ``cohort`` on the 100k-op store, in a real terminal.

``cohort --store COPY`` runs in a pseudo-terminal (100x30) as in bench_startup. Once Home
is complete and the app has been idle for a second (a person reading Home), each screen's
key is pressed and timed until that screen is complete on the emulated screen; then each
is visited again. A fresh copy of the store per round: opening Reviews hands on stale
review assignments (it writes ops), and every round should start alike.

It runs as ``--as u2`` (a learner): the generated cohort's clock starts in September, so
for a mentor (the store's default member, u1) all 1,800 open assignments are stale and
the first visit to Reviews writes 1,800 reassignments, a one-off no real cohort meets
(``--as u1`` shows it).

Targets: every main screen opens in <= 150 ms; back to a visited screen in <= 50 ms.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _common import CACHE, python
from _term import Term, term_env
from bench_startup import CURRICULUM_PARTS, HOME_PARTS, all_of, stores

SCREENS = {
    "2": ("curriculum", CURRICULUM_PARTS),
    "3": (
        "discussions",
        (r" · Discussions ", r"╭─ Threads \(\d+\)", r"●\d+ ", r"Pick a thread|╭─ Thread"),
    ),
    "4": (
        "reviews",
        (r" · Reviews ", r"To review \(\d+\)", r"My submissions \(\d+\)", r"╭─ Details"),
    ),
    "5": ("milestones", (r" · Milestones ", r"m Milestones", r"Milestone 0", r"╭─ Details")),
    "1": ("home", HOME_PARTS),
}


def one_round(
    big: Path, env: dict[str, str], tmp: Path, member: str
) -> dict[str, tuple[float, float, float, float]]:
    root = tmp / "big"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir()
    for name in ("store.toml", "ops.jsonl", "snapshot.msgpack"):
        shutil.copy(big / name, root / name)
    cohort = str(Path(python()).with_name("cohort"))
    term = Term([cohort, "--store", str(root), "--as", member], env)
    times: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    try:
        term.wait_for(all_of(*HOME_PARTS))
        term.settle(quiet=1.0)
        for visit in range(2):
            for key, (name, parts) in SCREENS.items():
                if visit == 0 and key == "1":
                    continue  # Home is where it started
                before = term.cpu_seconds()
                sent = term.press(key)
                times.setdefault(name, []).append(term.wait_for(all_of(*parts), since=sent))
                cpu.setdefault(name, []).append(term.cpu_seconds() - before)
                term.settle(quiet=0.3)
    finally:
        term.close()
    return {name: (t[0], t[-1], cpu[name][0], cpu[name][-1]) for name, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--as", dest="member", default="u2", help="act as (default: u2)")
    args = parser.parse_args()
    _, big = stores(CACHE)
    first: dict[str, list[float]] = {}
    again: dict[str, list[float]] = {}
    first_cpu: dict[str, list[float]] = {}
    again_cpu: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "config"
        config.mkdir()
        env = term_env(COHORT_CONFIG_DIR=str(config))
        for _ in range(args.rounds):
            for name, row in one_round(big, env, Path(tmp), args.member).items():
                opened, back, opened_cpu, back_cpu = row
                if name != "home":  # Home's first visit is the start
                    first.setdefault(name, []).append(opened)
                    first_cpu.setdefault(name, []).append(opened_cpu)
                again.setdefault(name, []).append(back)
                again_cpu.setdefault(name, []).append(back_cpu)
    print(
        f"key press until the screen is complete, 100k-op store, as {args.member}, "
        f"{args.rounds} rounds"
    )
    print(f"{'':12} {'first visit':>26}   {'visited again':>26}")
    print(f"{'':12} {'median':>9} {'min':>4} {'max':>5} {'cpu':>5}   " * 2)
    for name in again:
        a, b = first.get(name, []), again[name]
        if a:
            cells = (
                f"{statistics.median(a) * 1000:6.0f} ms {min(a) * 1000:4.0f} "
                f"{max(a) * 1000:5.0f} {statistics.median(first_cpu[name]) * 1000:5.0f}"
            )
        else:
            cells = f"{'(the start)':>26}"
        print(
            f"{name:12} {cells}   "
            f"{statistics.median(b) * 1000:6.0f} ms {min(b) * 1000:4.0f} {max(b) * 1000:5.0f} "
            f"{statistics.median(again_cpu[name]) * 1000:5.0f}"
        )
    print("cpu = the app's CPU time from the key to the screen (less moved by a busy machine)")
    print("targets: first visit <= 150 ms, visited again <= 50 ms")


if __name__ == "__main__":
    main()
