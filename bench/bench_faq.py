"""The knowledge base at scale: 10,000 threads on 20 lessons, 6,000 of them answered.

Prints the time to collect the FAQ from the state, to render every page of the export and
to write them, to open the FAQ view (F on Discussions, until drawn), and to search it.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _common import CACHE, fmt_ms
from generate import Gen, curriculum, write_store

from cohort_tui.domain import op_kinds as k

THREADS = 10_000
ANSWERED_EVERY = 5  # 3 of every 5 threads get an accepted answer


def faq_store(root: Path) -> Path:
    if (root / "store.toml").exists():
        return root
    g = Gen(seed=13)
    lessons = curriculum(g, 4, 5)
    people = [f"m_{i}" for i in range(40)]
    for i, mid in enumerate(people[1:], start=1):
        g.op("m_0", k.MemberAdd(member=mid, handle=f"u{i}", display_name=f"User {i}"))
    for t in range(THREADS):
        asker = g.rng.choice(people)
        g.op(
            asker,
            k.ThreadCreate(
                thread=f"t{t}",
                post=f"q{t}",
                title=g.text(g.rng.randint(3, 9)),
                body=g.text(g.rng.randint(10, 60)) + "\n\n```\nprint('x')\n```",
                lesson=g.rng.choice(lessons) if t % 10 else None,
            ),
        )
        g.op(g.rng.choice(people), k.PostCreate(post=f"a{t}", thread=f"t{t}", body=g.text(40)))
        if t % ANSWERED_EVERY < 3:
            g.op(asker, k.ThreadAnswer(thread=f"t{t}", post=f"a{t}"))
    return write_store(root, g.ops, member="m_1")


async def measure(root: Path) -> None:
    from cohort_tui.commands.faq_export import write_faq
    from cohort_tui.config import UserConfig
    from cohort_tui.domain.faq import answered_count, faq_sections
    from cohort_tui.domain.faq_pages import faq_pages
    from cohort_tui.store.workspace import Replica
    from cohort_tui.ui.app import CohortApp
    from cohort_tui.ui.screens.faq import FaqScreen

    replica = Replica(root)
    state = replica.state
    runs = []
    for _ in range(5):
        t = time.perf_counter()
        sections = faq_sections(state)
        runs.append(time.perf_counter() - t)
    collect = statistics.median(runs)
    t = time.perf_counter()
    pages = faq_pages(state)
    render = time.perf_counter() - t
    size = sum(len(text.encode()) for text in pages.values())
    with tempfile.TemporaryDirectory() as out:
        t = time.perf_counter()
        write_faq(state, Path(out) / "kb")
        write = time.perf_counter() - t

    app = CohortApp(replica, "m_1", config=UserConfig(), poll_interval=0, save_settings=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.switch_mode("discussions")
        await pilot.pause(1.0)  # as a person would: the app warms up while idle
        t = time.perf_counter()
        await app.push_screen(FaqScreen())
        await pilot.pause()
        opened = time.perf_counter() - t
        screen = app.screen
        assert isinstance(screen, FaqScreen)
        searches = []
        for query in ["python", "pyth lesson", "zzzz", "review code test", "terminal"] * 3:
            t = time.perf_counter()
            screen._query = query
            screen._fill_list()
            await pilot.pause()
            searches.append(time.perf_counter() - t)

    print(f"faq: {len(state.threads):,} threads, {answered_count(sections):,} answered")
    print(f"collect the FAQ from the state: {fmt_ms(collect)}")
    print(f"render every page ({len(pages):,} files, {size / 1e6:.1f} MB): {fmt_ms(render)}")
    print(f"cohort export --format faq, writing them: {fmt_ms(write)}")
    print(f"open the FAQ view until drawn: {fmt_ms(opened)} (target 200 ms)")
    print(
        f"search as typed, list refiltered and drawn: median "
        f"{statistics.median(searches) * 1000:.0f} ms, max {max(searches) * 1000:.0f} ms"
    )


def main() -> None:
    root = faq_store(CACHE / "faq-10k")
    asyncio.run(measure(root))


if __name__ == "__main__":
    main()
