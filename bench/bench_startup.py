"""Time to first frame of ``cohort`` against a bare Textual app started the same way.

Each run is a fresh process: interpreter start, imports, store load, first frame drawn
headless. The child prints the wall time at its first frame; the figure is that minus
the moment the parent started it (process exit, which only frees memory, is left out
for both). Prints medians and the ratios against the targets (1.3x on the demo store,
1.6x on a 100k-op cohort).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _common import CACHE, first_frame_times, fmt_ms, median, python
from generate import big_store

BARE = """
from textual.app import App
from textual.widgets import Footer, Header, Static
class Bare(App):
    def compose(self):
        yield Header(); yield Static("hello"); yield Footer()
async def first_frame(pilot):
    await pilot.pause()
    import time
    print(time.time(), flush=True)
    pilot.app.exit()
Bare().run(headless=True, size=(100, 30), auto_pilot=first_frame)
"""

COHORT = """
import sys
from pathlib import Path
from cohort_tui.store.workspace import Replica
from cohort_tui.ui.app import CohortApp
from cohort_tui.config import UserConfig
replica = Replica(Path(sys.argv[1]))
member = replica.resolve_member(None)
async def first_frame(pilot):
    await pilot.pause()
    import time
    print(time.time(), flush=True)
    pilot.app.exit()
CohortApp(replica, member.id, config=UserConfig(), poll_interval=0, save_settings=False).run(
    headless=True, size=(100, 30), auto_pilot=first_frame)
"""


def main() -> None:
    from cohort_tui.demo.seed import write_demo_store

    demo = CACHE / "demo"
    if not (demo / "store.toml").exists():
        write_demo_store(demo)
    big = big_store(CACHE / "big100k")
    bare = median(first_frame_times([python(), "-c", BARE]))
    on_demo = median(first_frame_times([python(), "-c", COHORT, str(demo)]))
    on_big = median(first_frame_times([python(), "-c", COHORT, str(big)], runs=3))
    print(f"bare textual app, first frame      {fmt_ms(bare)}")
    print(
        f"cohort on demo store, first frame  {fmt_ms(on_demo)}  "
        f"ratio {on_demo / bare:.2f}x (target <= 1.3x)"
    )
    print(
        f"cohort on 100k-op store            {fmt_ms(on_big)}  "
        f"ratio {on_big / bare:.2f}x (target <= 1.6x)"
    )


if __name__ == "__main__":
    main()
