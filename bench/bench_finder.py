"""The command palette's finder at scale: the FAQ bench's store (10,000 threads, 20
lessons, 40 members).

Prints the time to list every candidate, and per query the time to score them all, as
the finder does (one linear placement per label, scored with Textual's formula) and as
a baseline started the same way in the same run (Textual's fuzzy search on every label,
what a provider gets from ``Matcher.match``), with the ratio; then one crafted title
("abab...") that makes the baseline enumerate millions of placements. Also the time to
switch theme with the thread list on screen until the list is drawn again.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _common import CACHE, fmt_ms
from bench_faq import faq_store

QUERIES = ["python", "thread pyth", "zzzz", "member u3", "lesson test", "q"]
RUNS = 5


def timed(work: Callable[[], object]) -> float:
    """Median seconds of ``RUNS`` runs, each on a fresh scorer (its cache empty)."""
    runs = []
    for _ in range(RUNS):
        t = time.perf_counter()
        work()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


async def theme_switch(root: Path) -> list[float]:
    from cohort_tui.config import UserConfig
    from cohort_tui.store.workspace import Replica
    from cohort_tui.ui.app import CohortApp
    from cohort_tui.ui.widgets.row_list import RowList

    app = CohortApp(Replica(root), "m_1", config=UserConfig(), poll_interval=0, save_settings=False)
    from cohort_tui.ui.palette import recolour

    runs = []
    async with app.run_test(size=(100, 30)) as pilot:
        await app.switch_mode("discussions")
        await pilot.pause(1.0)
        listing = app.screen.query_one("#thread-list", RowList)
        ours = timed(app.palette.apply) + timed(lambda: recolour(app.screen))
        print(f"theme switch, our part (palette resolved, panes restyled): {fmt_ms(ours)}")
        for theme in ["cohort-light", "cohort-ansi", "cohort-dark"] * 2:
            t = time.perf_counter()
            app.theme = theme
            await pilot.pause()
            listing.render_line(0)
            runs.append(time.perf_counter() - t)
    return runs


def main() -> None:
    from textual.fuzzy import FuzzySearch

    from cohort_tui.store.workspace import Replica
    from cohort_tui.ui.finder import Candidate, candidates, score

    root = faq_store(CACHE / "faq-10k")
    state = Replica(root).state
    t = time.perf_counter()
    found = list(candidates(state))
    listed = time.perf_counter() - t
    entries = [(c, c.label.lower()) for c in found]
    print(f"finder: {len(found):,} candidates listed in {fmt_ms(listed)}")
    for query in QUERIES:
        ours = timed(lambda q=query: score(entries, q, FuzzySearch()))

        def baseline(q: str = query) -> list[float]:
            fuzzy = FuzzySearch()
            return [v for c, _ in entries if (v := fuzzy.match(q, c.label)[0]) > 0]

        base = timed(baseline)
        hits = len(score(entries, query, FuzzySearch()))
        print(
            f"  {query!r:16} {hits:>6,} hits  finder {fmt_ms(ours):>9}  "
            f"fuzzy on every label {fmt_ms(base):>9}  ratio {ours / base:.2f}"
        )
    crafted = [(c, c.label.lower()) for c in [Candidate("Thread", "ab" * 36, "thread:x", "")]]
    for query in ["aaaa", "aaaaa"]:
        ours = timed(lambda q=query: score(crafted, q, FuzzySearch()))
        base = timed(lambda q=query: FuzzySearch().match(q, crafted[0][0].label))
        print(
            f"  crafted title 'abab...', query {query!r}: finder {fmt_ms(ours)}, "
            f"fuzzy {fmt_ms(base)} (ratio {ours / base:.5f})"
        )
    switches = asyncio.run(theme_switch(root))
    print(
        f"theme switch, thread list drawn again: median {fmt_ms(statistics.median(switches))}, "
        f"range {fmt_ms(min(switches))}-{fmt_ms(max(switches))}"
    )


if __name__ == "__main__":
    main()
