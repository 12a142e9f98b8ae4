"""The review view at scale: one submission of a 10,000-line Python file, with 200 line
comments, and a second revision to compare with.

Prints the time to open it (push the screen until it has drawn; target 200 ms), to jump
to its end, to page and step through it, and to work out the diff between revisions.
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
from cohort_tui.domain.submissions import diff_between_revisions

LINES = 10_000
COMMENTS = 200


def code(g: Gen, lines: int, seed: int) -> str:
    out = []
    n = 0
    while len(out) < lines:
        out += [
            f"def step_{seed}_{n}(items: list[int], limit: int = {n % 97}) -> list[int]:",
            f'    """{g.text(6)}."""',
            "    kept = [x for x in items if x < limit]",
            "    return sorted(kept)  # " + g.text(3),
            "",
        ]
        n += 1
    return "\n".join(out[:lines]) + "\n"


def review_store(root: Path) -> Path:
    if (root / "store.toml").exists():
        return root
    g = Gen(seed=11)
    lessons = curriculum(g, 1, 2)
    for i in range(1, 4):
        g.op("m_0", k.MemberAdd(member=f"m_{i}", handle=f"u{i}", display_name=f"User {i}"))
    first = code(g, LINES, 1)
    g.op(
        "m_2",
        k.SubmissionCreate(
            submission="s_big",
            lesson=lessons[0],
            title="Ten thousand lines",
            revision=k.RevisionData(
                revision="r_1", files=[k.SubmittedFile(path="big.py", content=first)]
            ),
        ),
    )
    g.op(
        "m_0",  # the facilitator may review anything
        k.ReviewSubmit(
            review="v_1",
            submission="s_big",
            revision="r_1",
            verdict="changes",
            comment=g.text(40),
            lines=[
                k.LineComment(id=f"c{i}", path="big.py", line=1 + i * 47, body=g.text(25))
                for i in range(COMMENTS)
            ],
        ),
    )
    g.op(
        "m_2",
        k.SubmissionCreate(
            submission="s_small",
            lesson=lessons[0],
            title="Five lines",
            revision=k.RevisionData(
                revision="r_s", files=[k.SubmittedFile(path="small.py", content=code(g, 5, 2))]
            ),
        ),
    )
    second = first.replace("return sorted(kept)", "return sorted(set(kept))", 300)
    g.op(
        "m_2",
        k.SubmissionRevise(
            submission="s_big",
            revision=k.RevisionData(
                revision="r_2", files=[k.SubmittedFile(path="big.py", content=second)]
            ),
        ),
    )
    return write_store(root, g.ops, member="m_2")


async def measure(root: Path) -> None:
    from cohort_tui.config import UserConfig
    from cohort_tui.store.workspace import Replica
    from cohort_tui.ui.app import CohortApp
    from cohort_tui.ui.screens.review_view import ReviewScreen
    from cohort_tui.ui.widgets.code_view import CodeView

    replica = Replica(root)
    app = CohortApp(replica, "m_2", config=UserConfig(), poll_interval=0, save_settings=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.switch_mode("reviews")
        await pilot.pause()
        small = []
        for _ in range(5):
            start = time.perf_counter()
            await app.push_screen(ReviewScreen("s_small"))
            await pilot.pause()
            small.append(time.perf_counter() - start)
            app.pop_screen()
            await pilot.pause()
        opens = []
        for n in range(5):
            start = time.perf_counter()
            screen = ReviewScreen("s_big")
            if n % 2:
                screen._rev = 0  # the first revision: 200 comment threads inline
            await app.push_screen(screen)
            await pilot.pause()
            opens.append(time.perf_counter() - start)
            if n < 4:
                app.pop_screen()
                await pilot.pause()
        view = app.screen.query_one(CodeView)
        rows = view.line_count()
        start = time.perf_counter()
        await pilot.press("end")
        await pilot.pause()
        to_end = time.perf_counter() - start
        pages = []
        for _ in range(20):
            t = time.perf_counter()
            await pilot.press("pageup")
            pages.append(time.perf_counter() - t)
        steps, idle, handler = [], [], []
        for _ in range(30):
            t = time.perf_counter()
            await pilot.press("up")
            steps.append(time.perf_counter() - t)
            t = time.perf_counter()
            await pilot.press("f12")  # bound to nothing: what the pilot itself costs
            idle.append(time.perf_counter() - t)
        for _ in range(30):
            t = time.perf_counter()
            view.action_move(-1)
            handler.append(time.perf_counter() - t)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        rebuilds = []
        for _ in range(5):
            t = time.perf_counter()
            screen.refresh_view()  # what a store change costs: document, notes, layout
            rebuilds.append(time.perf_counter() - t)
        sub = replica.state.submissions["s_big"]
        t = time.perf_counter()
        diff_between_revisions(sub.revisions[0], sub.revisions[1])
        difflib_time = time.perf_counter() - t
        start = time.perf_counter()
        await pilot.press("greater_than_sign", "d")
        while not screen.code._changes_files:  # the worker's result, then drawn
            await pilot.pause(0.01)
        await pilot.pause()
        changes = time.perf_counter() - start
        changed_rows = view.line_count()
    print(f"review view: {LINES:,}-line file, {COMMENTS} line comments on revision 1")
    print(
        f"open it (push until drawn): median {fmt_ms(statistics.median(opens))}, "
        f"max {fmt_ms(max(opens))} ({rows:,} rows; target 200 ms)"
    )
    print(
        f"the same screen on a 5-line file: median {fmt_ms(statistics.median(small))} "
        "(what pushing a screen costs here, whatever the size)"
    )
    print(f"jump to the end: {fmt_ms(to_end)}")
    print(
        f"page up, key to idle: median {statistics.median(pages) * 1000:.1f} ms; line up: "
        f"handler {statistics.median(handler) * 1000:.2f} ms, key to idle "
        f"{statistics.median(steps) * 1000:.1f} ms (an unbound key: "
        f"{statistics.median(idle) * 1000:.1f} ms)"
    )
    print(f"rebuild the view (a store change): median {fmt_ms(statistics.median(rebuilds))}")
    print(
        f"diff between revisions: difflib {fmt_ms(difflib_time)}; key to drawn "
        f"(worker, {changed_rows:,} rows): {fmt_ms(changes)}"
    )


def main() -> None:
    root = review_store(CACHE / "review-view-10k-v2")
    asyncio.run(measure(root))


if __name__ == "__main__":
    main()
