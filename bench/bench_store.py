"""Log replay, snapshot load, peak memory at 100k ops, and ``cohort status --tmux``."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _common import CACHE, fmt_ms, median, python, timed_runs
from generate import big_store

# VmHWM is this process image's own peak; ru_maxrss would carry the parent's peak
# across fork and exec and overstate it.
MEMORY = """
import sys
from pathlib import Path
from cohort_tui.store.workspace import Replica
Replica(Path(sys.argv[1]))
for line in open("/proc/self/status"):
    if line.startswith("VmHWM:"):
        print(int(line.split()[1]))
"""


def main() -> None:
    from cohort_tui.demo.seed import write_demo_store
    from cohort_tui.domain.reduce import fold_ops
    from cohort_tui.store.log import LogPosition, OpLog
    from cohort_tui.store.snapshot import load_snapshot

    big = big_store(CACHE / "big100k")
    log = OpLog(big)
    t = time.perf_counter()
    ops, _ = log.read_from(LogPosition())
    decoded = time.perf_counter() - t
    t = time.perf_counter()
    state = fold_ops(ops)
    folded = time.perf_counter() - t
    print(
        f"100k-op log: {len(ops)} ops, {log.size() / 1e6:.1f} MB, "
        f"{len(state.members)} members, {len(state.posts)} posts, "
        f"{len(state.submissions)} submissions"
    )
    print(
        f"log replay: decode {fmt_ms(decoded)} + fold {fmt_ms(folded)} = {fmt_ms(decoded + folded)}"
    )
    del ops, state
    loads = []
    for _ in range(5):
        t = time.perf_counter()
        assert load_snapshot(big / "snapshot.msgpack", log.path) is not None
        loads.append(time.perf_counter() - t)
    size = (big / "snapshot.msgpack").stat().st_size / 1e6
    print(f"snapshot load: {fmt_ms(median(loads))} ({size:.1f} MB)")
    out = subprocess.run(
        [python(), "-c", MEMORY, str(big)], capture_output=True, text=True, check=True
    )
    print(f"peak memory opening the 100k-op store: {int(out.stdout) / 1024:.0f} MB (target 150 MB)")
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("store.toml", "ops.jsonl"):
            shutil.copy(big / name, Path(tmp) / name)
        out = subprocess.run(
            [python(), "-c", MEMORY, tmp], capture_output=True, text=True, check=True
        )
    print(
        f"peak memory with no snapshot (full replay, then snapshot written): "
        f"{int(out.stdout) / 1024:.0f} MB"
    )
    demo = CACHE / "demo"
    if not (demo / "store.toml").exists():
        write_demo_store(demo)
    status = median(
        timed_runs([python(), "-m", "cohort_tui", "status", "--tmux", "--store", str(demo)], runs=7)
    )
    print(f"cohort status --tmux on the demo store: {fmt_ms(status)} (target 150 ms)")
    argv = [python(), "-m", "cohort_tui", "status", "--tmux", "--store", str(big)]
    cache = big / "local" / "status-tmux.json"
    fresh: list[float] = []
    for _ in range(5):  # as after a new op: the line is made from the store
        fresh.extend(_one(argv, cache))
    again = timed_runs(argv, runs=7)  # as a status bar finds it: the log unchanged
    print(
        f"cohort status --tmux on the 100k-op store: {fmt_ms(median(again))} "
        f"(min {fmt_ms(min(again))}; target 150 ms); after a change, "
        f"{fmt_ms(median(fresh))} (min {fmt_ms(min(fresh))})"
    )


def _one(argv: list[str], cache: Path) -> list[float]:
    cache.unlink(missing_ok=True)
    t = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True)
    return [time.perf_counter() - t]


if __name__ == "__main__":
    main()
