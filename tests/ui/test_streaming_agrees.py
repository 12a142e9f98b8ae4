"""Ops streamed into an open screen leave it showing what a fresh app shows.

The screens now follow the state op by op (the thread list's order, the open thread's
layout, late ops folded in place): this streams every kind of change a live pod brings
(posts in and out of order, a new thread, an edit, a hidden post, reactions, other
members' read markers, an op that forces a refold) into an open screen, then compares
every list and count it shows with a fresh app on a copy of the same store.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from textual.widgets import OptionList, Static

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.export import export_json
from cohort_tui.domain.ops import Op
from cohort_tui.domain.reduce import fold_ops
from cohort_tui.store.log import LogPosition
from cohort_tui.store.workspace import Replica
from cohort_tui.ui.app import CohortApp
from cohort_tui.ui.widgets.cohort_header import CohortHeader
from cohort_tui.ui.widgets.post_view import PostView
from cohort_tui.ui.widgets.row_list import RowList
from tests.ui.helpers import make_app, wait_for, workers_done

SIZE = (100, 30)


def late(op_maker: Replica, data: k.Data, author: str, behind_ms: int, n: int) -> Op:
    """An op stamped ``behind_ms`` before the newest folded op (it left its writer before
    ops that arrived first)."""
    last = op_maker.state.last_clock
    assert last is not None
    return Op(f"01LATE{n:020d}", data.KIND, author, (last[0] - behind_ms, n, "n_remote"), data)


def stream(root: Path, thread: str, step: int) -> None:
    """One batch of what a live pod brings, from another process."""
    other = Replica(root)
    state = other.state
    busy = [t for t in state.threads if t != thread][:3]
    items: list[k.Data] = [
        k.PostCreate(post=f"p_s{step}_{i}", thread=busy[i % 3], body=f"elsewhere {step} {i}")
        for i in range(3)
    ]
    items += [
        k.PostCreate(post=f"p_o{step}_{i}", thread=thread, body=f"here {step} {i} @sam")
        for i in range(4)
    ]
    other.write_many(items, author="m_lin")
    newest = other.state.threads[thread].posts[-1]
    if step == 1:
        other.write(
            k.ThreadCreate(thread="t_new", post="p_new", title="Fresh", body="b"), author="m_zoe"
        )
    if step == 2:
        other.write(k.PostEdit(post="p_o1_0", body="edited\nover two lines"), author="m_lin")
        other.write(k.PostReact(post="p_o1_1", emoji="👍"), author="m_zoe")
    if step == 3:
        other.write(k.PostHide(post="p_o2_2", hidden=True, reason="dup"), author="m_lin")
    other.write(k.ThreadRead(thread=thread, upto=state.posts[newest].clock), author="m_zoe")
    # Late ops: a post and a marker folded in place; at step 4, one sorting before the
    # whole log (offline work), which refolds.
    other.import_ops(
        [
            late(other, k.PostCreate(post=f"p_late{step}", thread=thread, body="late"),
                 "m_zoe", 2_000, step),
            late(other, k.ThreadRead(thread=busy[0], upto=state.posts[newest].clock),
                 "m_lin", 1_500, 100 + step),
        ],
        trusted=True,
    )  # fmt: skip
    if step == 4:
        first = state.last_clock
        assert first is not None
        data = k.ThreadCreate(thread="t_offline", post="p_off", title="Offline", body="x")
        old = Op("01OFFLINE", data.KIND, "m_priya", (first[0] - 86_400_000, 0, "n_off"), data)
        other.import_ops([old], trusted=True)


def shown(app: CohortApp) -> dict[str, object]:
    """Every list and count the current screen shows, as text."""
    screen = app.screen
    found: dict[str, object] = {"header": screen.query_one(CohortHeader).unread}
    for rows in screen.query(RowList):
        found[f"rows:{rows.id}"] = [(r.id, r.content().plain) for r in rows.rows]
    for options in screen.query(OptionList):
        found[f"options:{options.id}"] = [
            (o.id, str(o.prompt)) for o in options.options if o.id is not None
        ]
    for static in screen.query(Static):
        if static.id:
            found[f"static:{static.id}"] = re.sub(
                r" · \d+ new \(\] next\)", "", str(static.render())
            )
    for view in screen.query(PostView):
        # Which posts are marked new depends on when the thread was opened: not compared
        # (nor the thread's count of them above).
        found[f"posts:{view.id}"] = re.sub(r" · new", "", view.document_text())
    return found


async def snapshot_of_fresh_app(root: Path, target: str, tail: bool) -> dict[str, object]:
    app = make_app(root, open_target=target)
    async with app.run_test(size=SIZE) as pilot:
        await workers_done(pilot)
        if tail:
            await pilot.press("end")
            await pilot.pause()
        return shown(app)


@pytest.mark.parametrize("target", ["home", "discussions", "thread"])
async def test_a_screen_fed_op_by_op_shows_what_a_fresh_app_shows(
    tmp_path: Path, target: str
) -> None:
    root = tmp_path / "s"
    app = make_app(root)
    thread = max(app.replica.state.threads.values(), key=lambda t: len(t.posts)).id
    app.open_target = f"thread:{thread}" if target == "thread" else target
    async with app.run_test(size=SIZE) as pilot:
        await workers_done(pilot)
        if target == "thread":
            await pilot.press("end")  # follow the thread's tail
        for step in range(6):
            stream(root, thread, step)
            app.poll_store()
            await wait_for(pilot, lambda: not app.folding, timeout=20)
            await pilot.pause()
        app.poll_store()
        await wait_for(pilot, lambda: not app.folding, timeout=20)
        await pilot.pause()
        if target == "thread":
            # A fresh app opening the thread writes its read marker; this one holds it
            # back while posts stream in (coalesced) and writes it on leaving.
            await pilot.press("1")
            await pilot.pause()
            await pilot.press("3")
            await pilot.pause()
        streamed = shown(app)
        ops, _ = Replica(root).log.read_from(LogPosition())
        assert export_json(app.replica.state) == export_json(fold_ops(ops))
        assert app.replica.state.reads.get("m_sam", {}) == fold_ops(ops).reads.get("m_sam", {})
        copy = tmp_path / "copy"
        shutil.copytree(root, copy)
    fresh = await snapshot_of_fresh_app(copy, app.open_target, tail=target == "thread")
    assert streamed.keys() == fresh.keys()
    for key, value in streamed.items():
        assert value == fresh[key], key
    if target == "thread":
        assert "here 5 3" in str(streamed["posts:thread-posts"])  # followed to the end
