"""Ops from other processes fold in without blocking the app: keys are answered while a
big batch is folded in slices and while the whole log is refolded in a thread."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.ops import Op
from cohort_tui.store.workspace import Replica
from cohort_tui.ui.live_fold import READ_AT_ONCE
from cohort_tui.ui.widgets.cohort_header import CohortHeader
from tests.ui.helpers import make_app


async def until(condition: Callable[[], bool], seconds: float = 20.0) -> bool:
    """Let the app run until ``condition`` holds (False after ``seconds``)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():
        if loop.time() > deadline:
            return False
        await asyncio.sleep(0.005)
    return True


def _old_thread(other: Replica) -> Op:
    """A thread created offline: its clock sorts before everything already folded."""
    last = other.state.last_clock
    assert last is not None
    data = k.ThreadCreate(thread="t_offline", post="p_offline", title="Offline", body="hi")
    return Op("op_offline", data.KIND, "m_priya", (last[0] - 60_000, 0, "n_offline"), data)


async def test_a_refold_runs_off_the_loop_and_keys_are_answered_meanwhile(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path / "s")
    release = threading.Event()
    refolding = threading.Event()
    fold_log = app.replica.fold_log

    def held_fold_log(*, freeze: bool = False) -> Any:
        refolding.set()
        assert release.wait(20), "the test never let the refold finish"
        return fold_log(freeze=freeze)

    app.replica.fold_log = held_fold_log  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        header = app.screen.query_one(CohortHeader)
        unread = header.unread
        before = app.replica.state
        Replica(tmp_path / "s").import_ops([_old_thread(Replica(tmp_path / "s"))])
        app.poll_store()
        assert await until(refolding.is_set)
        assert app.folding and app.replica.needs_refold
        await pilot.press("2")  # answered while the refold waits in its thread
        assert app.current_mode == "curriculum"
        await pilot.press("1")
        assert app.current_mode == "home" and app.folding
        assert app.replica.state is before and "t_offline" not in before.threads
        release.set()
        assert await until(lambda: not app.folding)
        await pilot.pause()
        assert app.replica.state is not before and "t_offline" in app.replica.state.threads
        assert "t_offline" not in before.threads  # the state screens read was never touched
        assert app.screen.query_one(CohortHeader).unread == unread + 1  # Home redrawn


async def test_a_big_batch_folds_in_slices_and_keys_are_answered_between_them(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        live = app._live
        live.chunk, live.slice_seconds = 1, 0.0  # one op per turn of the loop
        other = Replica(tmp_path / "s")
        thread = next(iter(other.state.threads))
        body = "a reply long enough to make the batch big " * 4
        other.write_many(
            [k.PostCreate(post=f"p_batch{i}", thread=thread, body=body) for i in range(1_500)],
            author="m_priya",
        )
        assert other.log.size() - app.replica.position.offset > READ_AT_ONCE
        answered: list[int] = []
        show_mode = app.action_show_mode

        def recording_show_mode(mode: str) -> None:
            answered.append(live.remaining)
            show_mode(mode)

        app.action_show_mode = recording_show_mode  # type: ignore[method-assign]
        app.poll_store()
        assert await until(lambda: live.remaining > 500)
        await pilot.press("2")
        assert answered and answered[0] > 0  # handled while ops were still waiting
        assert await until(lambda: not app.folding)
        assert "p_batch1499" in app.replica.state.posts
        assert app.replica.position == other.position


async def test_my_write_during_a_batch_folds_after_it(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app._live.chunk, app._live.slice_seconds = 1, 0.0
        other = Replica(tmp_path / "s")
        thread = next(iter(other.state.threads))
        body = "x" * 200
        other.write_many(
            [k.PostCreate(post=f"p_b{i}", thread=thread, body=body) for i in range(600)],
            author="m_priya",
        )
        app.poll_store()
        assert await until(lambda: app._live.remaining > 100)
        op = app.write(k.PostCreate(post="p_mine", thread=thread, body="mine"))
        assert op is not None and not app.folding
        posts = app.replica.state.threads[thread].posts
        assert posts[-1] == "p_mine" and "p_b599" in posts


async def test_reply_counts_in_the_thread_list_follow_posts_after_a_refold(
    tmp_path: Path,
) -> None:
    """A row used to hold the thread object of the state it was built from: after a
    refold replaced the state, its reply count froze (1726 while the thread passed 14k)."""
    from cohort_tui.ui.widgets.row_list import RowList

    app = make_app(tmp_path / "s", open_target="discussions")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        other = Replica(tmp_path / "s")
        thread = max(other.state.threads.values(), key=lambda t: t.last_activity).id
        other.import_ops([_old_thread(other)])  # sorts first: a refold
        app.poll_store()
        assert await until(lambda: "t_offline" in app.replica.state.threads)
        await pilot.pause()
        for i in range(3):
            other.write(k.PostCreate(post=f"p_more{i}", thread=thread, body="x"), author="m_lin")
            app.poll_store()
            await pilot.pause()
        replies = len(app.replica.state.threads[thread].posts) - 1
        row = next(r for r in app.screen.query_one(RowList).rows if r.id == thread)
        assert f"↩{replies} " in row.content().plain  # the replies column
