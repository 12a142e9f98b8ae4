"""The stuck ladder's matching and the presence file, at scale.

- Ranking a lesson's answered threads against a failing check's output (40 lines), on
  the FAQ bench's 10,000-thread cohort (6,000 answered, about 300 a lesson), as a ratio
  to collecting the whole FAQ from the same state in the same run (the FAQ view pays
  that when opened, so it is the bar for "cheap enough to do on every pane refresh").
- One presence heartbeat (lock, read, renew, atomic write) with 20 panes in the file, as
  a ratio to writing the same bytes atomically without the rest.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _common import CACHE, fmt_ms
from bench_faq import faq_store


def timed(fn: object, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()  # type: ignore[operator]
        out.append(time.perf_counter() - t)
    return out


def main() -> None:
    import msgspec

    from cohort_tui.domain.faq import faq_sections
    from cohort_tui.domain.presence import Seen
    from cohort_tui.domain.stuck_ladder import matching_answers
    from cohort_tui.store.files import atomic_write
    from cohort_tui.store.presence_file import PRESENCE_NAME, beat
    from cohort_tui.store.workspace import Replica

    state = Replica(faq_store(CACHE / "faq-10k")).state
    counts: dict[str, int] = {}
    for thread in state.threads.values():
        if thread.lesson and thread.answer:
            counts[thread.lesson] = counts.get(thread.lesson, 0) + 1
    lesson = max(counts, key=lambda lid: counts[lid])
    sample = [state.posts[t.posts[0]].body for t in list(state.threads.values())[:40]]
    output = [f"FAIL  {line[:120]}" for line in sample]
    match = timed(lambda: matching_answers(state, lesson, output), 15)
    collect = timed(lambda: faq_sections(state), 15)
    found = matching_answers(state, lesson, output)
    print(f"stuck ladder: lesson with {counts[lesson]} answered threads, {len(found)} offered")
    print(
        f"  rank them against 40 output lines: median {fmt_ms(statistics.median(match))} "
        f"(range {fmt_ms(min(match))}-{fmt_ms(max(match))}); collecting the whole FAQ: "
        f"{fmt_ms(statistics.median(collect))}; ratio "
        f"{statistics.median(match) / statistics.median(collect):.2f}"
    )

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        now = 1_800_000_000_000
        for i in range(20):
            beat(root, f"pane{i}", Seen(f"m_{i}", f"lesson:l{i}", now), now)
        raw = (root / PRESENCE_NAME).read_bytes()
        beats = timed(lambda: beat(root, "pane0", Seen("m_0", "home", now), now), 200)
        plain = timed(lambda: atomic_write(root / "x.json", raw, durable=False), 200)
        print(f"presence: one heartbeat with 20 panes ({len(raw)} bytes)")
        print(
            f"  median {fmt_ms(statistics.median(beats))} "
            f"(range {fmt_ms(min(beats))}-{fmt_ms(max(beats))}); the bare atomic write "
            f"{fmt_ms(statistics.median(plain))}; ratio "
            f"{statistics.median(beats) / statistics.median(plain):.2f}"
        )
        assert msgspec.json.decode((root / PRESENCE_NAME).read_bytes())


if __name__ == "__main__":
    main()
