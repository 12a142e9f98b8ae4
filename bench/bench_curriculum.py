"""The curriculum map on 50 modules x 20 lessons with 300 members.

Prints the time to open the map (switching to it until it has drawn) and the time to
move the cursor one lesson (the key handler, and the key-to-idle round trip).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _common import CACHE, fmt_ms
from generate import Gen, curriculum, write_store

from cohort_tui.domain import op_kinds as k


def big_curriculum_store(root: Path) -> Path:
    if (root / "store.toml").exists():
        return root
    g = Gen(seed=3)
    lessons = curriculum(g, 50, 20)
    people = [f"m_{i}" for i in range(300)]
    for i, mid in enumerate(people[1:], start=1):
        g.op("m_0", k.MemberAdd(member=mid, handle=f"u{i}", display_name=f"User {i}"))
    for m in people:
        done = g.rng.randint(0, 120)
        for lesson in lessons[:done]:
            g.op(m, k.ProgressSet(lesson=lesson, status="done"))
        g.op(m, k.ProgressSet(lesson=lessons[done], status="doing"))
    return write_store(root, g.ops, member="m_1")


async def measure(root: Path) -> None:
    from cohort_tui.config import UserConfig
    from cohort_tui.store.workspace import Replica
    from cohort_tui.ui.app import CohortApp
    from cohort_tui.ui.screens.curriculum import CurriculumScreen

    replica = Replica(root)
    app = CohortApp(replica, "m_1", config=UserConfig(), poll_interval=0, save_settings=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.5)  # as a person would: the app is idle after its first frame
        start = time.perf_counter()
        await app.switch_mode("curriculum")
        await pilot.pause()
        opened = time.perf_counter() - start
        screen = app.screen
        assert isinstance(screen, CurriculumScreen)
        await pilot.pause(0.3)
        handler, trip = [], []
        for _ in range(40):
            t = time.perf_counter()
            screen.action_cursor(1)
            handler.append(time.perf_counter() - t)
            t = time.perf_counter()
            await pilot.press("j")
            trip.append(time.perf_counter() - t)
        t = time.perf_counter()
        screen.refresh_view()
        refresh = time.perf_counter() - t
        await app.switch_mode("home")
        await pilot.pause()
        screen._seen_applied = (0, -1)  # force a full redraw on return, as after a store change
        start = time.perf_counter()
        await app.switch_mode("curriculum")
        await pilot.pause()
        reopened = time.perf_counter() - start
    rows = len(screen.lessons.row_ids)
    print(f"curriculum map, {rows} rows (50 modules x 20 lessons, 300 members)")
    print(
        f"open the map, first time (imports the screen, parses its CSS): {fmt_ms(opened)} "
        "(target 150 ms)"
    )
    print(f"open the map again, redrawn from the state: {fmt_ms(reopened)}")
    print(
        f"move the cursor: handler {statistics.median(handler) * 1000:.2f} ms "
        "(target: one frame, 16 ms); "
        f"key to idle {statistics.median(trip) * 1000:.1f} ms, which includes the 80 ms "
        "pause before the lesson pane is redrawn"
    )
    print(f"full refresh after a store change: {fmt_ms(refresh)}")


def main() -> None:
    root = big_curriculum_store(CACHE / "curriculum-50x20")
    asyncio.run(measure(root))


if __name__ == "__main__":
    main()
