"""Discussions at scale: 20k threads holding 50k posts, one of them 5,000 posts long.

Prints the time to open the thread list (switching to the screen until it has drawn),
to open the 5,000-post thread (Enter until drawn) and scroll to its end, and to search
the 50k posts (first search builds the index; later searches use it).
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

THREADS = 20_000
POSTS = 50_000
BIG_THREAD = 5_000


def discussion_store(root: Path) -> Path:
    if (root / "store.toml").exists():
        return root
    g = Gen(seed=7)
    lessons = curriculum(g, 4, 5)
    people = [f"m_{i}" for i in range(60)]
    for i, mid in enumerate(people[1:], start=1):
        g.op("m_0", k.MemberAdd(member=mid, handle=f"u{i}", display_name=f"User {i}"))
    g.op(
        "m_2",
        k.ThreadCreate(thread="t_big", post="p_big0", title="The long one", body=g.text(40)),
    )
    for i in range(1, BIG_THREAD):
        body = g.text(g.rng.randint(5, 80))
        if i % 50 == 0:
            body += "\n\n```\nfor x in range(3):\n    print(x)\n```"
        g.op(g.rng.choice(people), k.PostCreate(post=f"p_big{i}", thread="t_big", body=body))
    made = BIG_THREAD
    for t in range(THREADS - 1):
        g.op(
            g.rng.choice(people),
            k.ThreadCreate(
                thread=f"t{t}",
                post=f"q{t}",
                title=g.text(g.rng.randint(3, 9)),
                body=g.text(g.rng.randint(10, 60)),
                lesson=g.rng.choice(lessons) if t % 3 == 0 else None,
                tags=[g.rng.choice(["python", "git", "venv", "json", "tests"])],
            ),
        )
        made += 1
    while made < POSTS:
        thread = f"t{g.rng.randrange(THREADS - 1)}"
        g.op(g.rng.choice(people), k.PostCreate(post=f"r{made}", thread=thread, body=g.text(30)))
        made += 1
    return write_store(root, g.ops, member="m_1")


async def measure(root: Path) -> None:
    from cohort_tui.config import UserConfig
    from cohort_tui.store.workspace import Replica
    from cohort_tui.ui.app import CohortApp
    from cohort_tui.ui.screens.discussions import DiscussionsScreen
    from cohort_tui.ui.widgets.post_view import PostView
    from cohort_tui.ui.widgets.row_list import RowList

    replica = Replica(root)
    state = replica.state
    app = CohortApp(replica, "m_1", config=UserConfig(), poll_interval=0, save_settings=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.5)  # as a person would: the app is idle after its first frame
        start = time.perf_counter()
        await app.switch_mode("discussions")
        await pilot.pause()
        opened_list = time.perf_counter() - start
        screen = app.screen
        assert isinstance(screen, DiscussionsScreen)
        rows = len(screen.query_one(RowList).rows)

        start = time.perf_counter()
        screen.open_thread("t_big")
        await pilot.pause()
        opened_thread = time.perf_counter() - start
        view = screen.query_one(PostView)
        lines = view.line_count()
        start = time.perf_counter()
        await pilot.press("end")
        await pilot.pause()
        to_end = time.perf_counter() - start
        steps, idle = [], []
        for _ in range(30):
            t = time.perf_counter()
            await pilot.press("up")
            steps.append(time.perf_counter() - t)
            t = time.perf_counter()
            await pilot.press("f12")  # bound to nothing: what the pilot itself costs
            idle.append(time.perf_counter() - t)
        handler = []
        for _ in range(30):
            t = time.perf_counter()
            view.action_move(-1)
            handler.append(time.perf_counter() - t)

        queries = ["python", "pyth", "terminal lesson", "zzzz", "review code test"]
        index = screen.thread_list.index
        start = time.perf_counter()
        index.search(state, "warm")
        build = time.perf_counter() - start
        searches = []
        for query in queries * 4:
            t = time.perf_counter()
            index.search(state, query)
            searches.append(time.perf_counter() - t)
        start = time.perf_counter()
        screen.thread_list.query_text = "python terminal"
        screen.thread_list.fill()
        await pilot.pause()
        search_redraw = time.perf_counter() - start
    posts = len(state.posts)
    print(f"discussions: {len(state.threads):,} threads, {posts:,} posts, list rows {rows:,}")
    print(f"open the thread list (20k threads): {fmt_ms(opened_list)} (target 200 ms)")
    print(
        f"open a {BIG_THREAD:,}-post thread ({lines:,} lines at 100 cols): "
        f"{fmt_ms(opened_thread)} (target 150 ms)"
    )
    print(
        f"jump to its end: {fmt_ms(to_end)}; move one post: handler "
        f"{statistics.median(handler) * 1000:.2f} ms, key to idle "
        f"{statistics.median(steps) * 1000:.1f} ms (an unbound key: "
        f"{statistics.median(idle) * 1000:.1f} ms)"
    )
    print(f"search index, first build over {posts:,} posts: {fmt_ms(build)}")
    print(
        f"search {posts:,} posts: median {statistics.median(searches) * 1000:.1f} ms, "
        f"max {max(searches) * 1000:.1f} ms (target 100 ms)"
    )
    print(f"search as typed, list refiltered and drawn: {fmt_ms(search_redraw)}")


def main() -> None:
    root = discussion_store(CACHE / "discussions-20k")
    asyncio.run(measure(root))


if __name__ == "__main__":
    main()
