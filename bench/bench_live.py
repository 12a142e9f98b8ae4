"""The app's event loop while other processes bring ops, on the 100k-op store.

The app runs (headless, its normal half-second poll) on a copy of the 100k-op store with
a loop-lag probe: a task that asks to wake every 2 ms and records how late it woke. The
longest lateness is the longest the app could not answer a key. Three cases:

- idle (the baseline: the probe and the poll alone);
- another process appends 1,000 ops (posts and read markers): read in a thread, folded
  in slices;
- another process appends one op that sorts before everything folded (offline work
  from a sync): the whole log is refolded in a thread and swapped in.

Target: no stall over 50 ms. Each case is timed until the app has the new ops.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _common import CACHE, python
from generate import big_store

APPEND = """
import sys
from pathlib import Path
from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.ops import Op
from cohort_tui.store.workspace import Replica
root, what = Path(sys.argv[1]), sys.argv[2]
other = Replica(root)
threads = sorted(other.state.threads)[:50]
if what == "batch":
    items = []
    for i in range(1_000):
        thread = threads[i % 50]
        if i % 2:
            items.append(k.PostCreate(post=f"bench_p{i}", thread=thread, body="hello " * 30))
        else:
            items.append(k.ThreadRead(thread=thread, upto=other.state.last_clock))
    other.write_many(items, author="m_2")
else:
    last = other.state.last_clock
    data = k.ThreadCreate(thread="t_offline", post="p_offline", title="Offline", body="x")
    op = Op("op_offline", data.KIND, "m_3", (last[0] - 3_600_000, 0, "n_offline"), data)
    other.import_ops([op])
"""


class LagProbe:
    """Wakes every ``period`` seconds and keeps the worst lateness since :meth:`reset`."""

    def __init__(self, period: float = 0.002) -> None:
        self.period = period
        self.worst = 0.0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    def reset(self) -> None:
        self.worst = 0.0

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            asked = loop.time()
            await asyncio.sleep(self.period)
            self.worst = max(self.worst, loop.time() - asked - self.period)

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()


async def wait_until(condition: object, seconds: float = 60.0) -> float:
    start = time.perf_counter()
    while not condition():  # type: ignore[operator]
        if time.perf_counter() - start > seconds:
            raise TimeoutError("the app never folded the ops")
        await asyncio.sleep(0.01)
    return time.perf_counter() - start


async def measure(root: Path) -> list[tuple[str, float, float]]:
    from cohort_tui.config import UserConfig
    from cohort_tui.store.workspace import Replica
    from cohort_tui.ui.app import CohortApp

    app = CohortApp(Replica(root), "m_1", config=UserConfig(), save_settings=False)
    rows = []
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(1.0)  # started and idle, as a person would find it
        probe = LagProbe()
        probe.start()
        await asyncio.sleep(2.0)
        rows.append(("idle, 2 s", probe.worst, 0.0))
        for what, label, done in (
            ("batch", "1,000 ops from another process", lambda: "bench_p999" in state().posts),
            ("refold", "an op that forces a refold", lambda: "t_offline" in state().threads),
        ):

            def state() -> object:
                return app.replica.state

            probe.reset()
            start = time.perf_counter()
            # In a thread: this process's loop must keep running while the other writes.
            argv = [python(), "-c", APPEND, str(root), what]
            await asyncio.to_thread(subprocess.run, argv, check=True)
            await wait_until(lambda done=done: done() and not app.folding)  # type: ignore[misc]
            rows.append((label, probe.worst, time.perf_counter() - start))
        probe.stop()
    return rows


def main() -> None:
    big = big_store(CACHE / "big100k")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "big"
        root.mkdir()
        for name in ("store.toml", "ops.jsonl", "snapshot.msgpack"):
            shutil.copy(big / name, root / name)
        rows = asyncio.run(measure(root))
    print("event loop while other processes bring ops (100k-op store, headless app)")
    print(f"{'':34} {'max stall':>9} {'until folded':>12}")
    for label, worst, took in rows:
        print(f"{label:34} {worst * 1000:6.0f} ms {took * 1000:9.0f} ms")
    print("target: no stall over 50 ms (folded off the event loop; the screen updates after)")


if __name__ == "__main__":
    main()
