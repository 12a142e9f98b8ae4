"""``cohort report`` wall time on the 100k-op cohort (target 0.5 s), and the metrics alone."""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _common import CACHE, fmt_ms, median, python, timed_runs
from generate import big_store

TARGET = 0.5


def main() -> None:
    from cohort_tui.domain.metrics import cohort_report
    from cohort_tui.store.workspace import Replica

    big = big_store(CACHE / "big100k")
    state = Replica(big).state
    now = state.last_clock[0] if state.last_clock else 0
    runs = []
    for _ in range(5):
        t = time.perf_counter()
        report = cohort_report(state, now)
        runs.append(time.perf_counter() - t)
    print(
        f"100k-op cohort: {report.members} members, {report.reviews.count} reviews, "
        f"{len(report.at_risk)} at risk"
    )
    print(f"cohort_report() on the folded state: {fmt_ms(median(runs))}")
    # @u1 (m_1) is a mentor in the generated cohort, so may read the report.
    for flag in ("", "--json", "--markdown"):
        argv = [python(), "-m", "cohort_tui", "report", "--store", str(big), "--as", "u1"]
        wall = median(timed_runs(argv + ([flag] if flag else []), runs=5))
        verdict = "ok" if wall <= TARGET else "OVER"
        print(
            f"cohort report {flag or '(text)'} on the 100k-op store: {fmt_ms(wall)} "
            f"(target {fmt_ms(TARGET)}: {verdict})"
        )


if __name__ == "__main__":
    main()
