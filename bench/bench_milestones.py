"""The milestone tracker on the 100k-op cohort (300 members, milestones, progress).

Prints the time to open the tracker, to switch to the facilitator's member x milestone
grid (until drawn), to compute the grid alone, and the CPU time of a switch between two
cheap sections (the section widgets swapped).
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _common import CACHE, fmt_ms, median
from generate import big_store


async def measure(root: Path) -> None:
    from cohort_tui.config import UserConfig
    from cohort_tui.domain import milestone_views as mv
    from cohort_tui.domain import queries as q
    from cohort_tui.store.workspace import Replica
    from cohort_tui.ui.app import CohortApp
    from cohort_tui.ui.screens.milestones import MilestonesScreen
    from cohort_tui.ui.widgets.row_list import RowList

    replica = Replica(root)
    state = replica.state
    staff = next(m.id for m in state.members.values() if "facilitator" in m.roles)
    now = int(time.time() * 1000)
    start = time.perf_counter()
    milestones, _ = mv.grid(state, now)
    computed = time.perf_counter() - start
    app = CohortApp(replica, staff, config=UserConfig(), poll_interval=0, save_settings=False)
    # The tab underline slides for ~300 ms after a switch; the list is drawn long before.
    # Without the animation, "until idle" measures the switch itself.
    app.animation_level = "none"
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.5)
        start = time.perf_counter()
        await app.switch_mode("milestones")
        await pilot.pause()
        opened = time.perf_counter() - start
        screen = app.screen
        assert isinstance(screen, MilestonesScreen)
        start = time.perf_counter()
        await pilot.press("g")
        await pilot.pause()
        grid_open = time.perf_counter() - start
        rows = len(screen.query_one(RowList).rows)
        # Switching between two cheap sections measures the section swap itself (the
        # widgets mounted, filled and drawn); process CPU time, steadier under load.
        switches = []
        for key in "ms" * 10:
            start = time.process_time()
            await pilot.press(key)
            await pilot.pause()
            switches.append(time.process_time() - start)
    print(
        f"milestone tracker: {len(state.members)} members, {len(q.learners(state))} learners, "
        f"{len(milestones)} live milestones"
    )
    print(f"open the tracker (milestones section): {fmt_ms(opened)}")
    print(f"switch to the grid, {rows} rows, until drawn: {fmt_ms(grid_open)} (target 200 ms)")
    print(f"the grid computed alone (domain): {fmt_ms(computed)}")
    print(f"switch milestones <-> sessions, CPU (median of 20): {fmt_ms(median(switches))}")


def main() -> None:
    root = big_store(CACHE / "big100k")
    asyncio.run(measure(root))


if __name__ == "__main__":
    main()
