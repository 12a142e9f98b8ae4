"""Peer review: allocation on a big cohort, 10k-line payloads, the inbox on the CLI."""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _common import CACHE, median, python, timed_runs
from generate import big_store

LINES = 10_000


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms" if seconds < 0.01 else f"{seconds * 1000:.0f} ms"


def _timed(fn: object, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t)
    return median(times)


def allocation() -> None:
    from cohort_tui.commands.reviews import inbox
    from cohort_tui.domain import op_kinds as k
    from cohort_tui.domain.allocation import choose_reviewers
    from cohort_tui.domain.model import DAY_MS, Submission
    from cohort_tui.domain.ops import Op
    from cohort_tui.domain.reduce import apply_op
    from cohort_tui.domain.review_upkeep import stale_assignments
    from cohort_tui.store.workspace import Replica

    big = big_store(CACHE / "big100k")
    state = Replica(big).state
    lessons = sorted(lid for lid, le in state.lessons.items() if le.project)
    print(
        f"big cohort: {len(state.members)} members, {len(state.submissions)} submissions, "
        f"{sum(state.review_load.values())} open assignments"
    )
    n = 0

    def choose() -> None:
        nonlocal n
        n += 1
        stub = Submission(
            id=f"bench{n}", lesson=lessons[n % len(lessons)], author=f"m_{n % 300}", title="t",
            created_at=0,
        )  # fmt: skip
        choose_reviewers(state, stub, 2)

    print(f"choose 2 reviewers for a new submission: {fmt_ms(_timed(choose, 50))} (target 50 ms)")
    assert state.last_clock is not None
    wall = state.last_clock[0]

    def fold_one() -> None:
        nonlocal n, wall
        n += 1
        wall += 1_000
        data = k.SubmissionCreate(
            submission=f"bench{n}",
            lesson=lessons[n % len(lessons)],
            title="t",
            revision=k.RevisionData(revision=f"bench{n}r", diff="+x"),
        )
        apply_op(state, Op(f"zz{n:08d}", data.KIND, f"m_{n % 300}", (wall, 0, "n_b"), data))

    print(f"fold a new submission (allocation included): {fmt_ms(_timed(fold_one, 50))}")
    now = wall + 30 * DAY_MS
    stale: list[object] = []
    took = _timed(lambda: stale.append(len(stale_assignments(state, now))), 3)
    print(f"find stale assignments 30 days on ({stale[-1]} found): {fmt_ms(took)}")
    busiest = max(state.review_load, key=lambda m: state.review_load[m])
    took = _timed(lambda: inbox(state, busiest, now), 5)
    print(f"inbox of the busiest reviewer ({state.review_load[busiest]} open): {fmt_ms(took)}")
    demo_like = timed_runs(
        [python(), "-m", "cohort_tui", "reviews", "--json", "--no-reassign", "--as", "u2",
         "--store", str(big)],
        runs=3,
    )  # fmt: skip
    print(f"cohort reviews --json on the 100k-op store: {fmt_ms(median(demo_like))}")


def payloads() -> None:
    from cohort_tui.domain.model import Revision, SubmittedFile
    from cohort_tui.domain.submissions import (
        build_revision,
        commentable_lines,
        diff_between_revisions,
    )

    code = "".join(f"def f{i}(x):  # line {i}\n" for i in range(LINES)).encode()
    took = _timed(lambda: build_revision(files=[("big.py", code)]), 9)
    print(f"build a {LINES:,}-line file payload ({len(code) / 1000:.0f} kB): {fmt_ms(took)}")
    diff = (
        "diff --git a/big.py b/big.py\n--- a/big.py\n+++ b/big.py\n"
        f"@@ -0,0 +1,{LINES} @@\n" + "".join(f"+x{i} = {i}\n" for i in range(LINES))
    ).encode()
    took = _timed(lambda: build_revision(diff=diff, diff_range="HEAD~1..HEAD"), 9)
    print(f"build a {LINES:,}-line diff payload ({len(diff) / 1000:.0f} kB): {fmt_ms(took)}")
    text = code.decode()
    a = Revision(id="a", created_at=0, files=[SubmittedFile(path="big.py", content=text)])
    b = Revision(
        id="b",
        created_at=0,
        files=[SubmittedFile(path="big.py", content=text.replace("line 5000\n", "changed\n"))],
    )
    took = _timed(lambda: diff_between_revisions(a, b), 5)
    print(f"diff two {LINES:,}-line revisions: {fmt_ms(took)}")
    d = Revision(id="d", created_at=0, diff=diff.decode())
    took = _timed(lambda: commentable_lines(d), 5)
    print(f"commentable lines of a {LINES:,}-line diff: {fmt_ms(took)}")


def main() -> None:
    payloads()
    allocation()


if __name__ == "__main__":
    main()
