"""The app on a failing disk: a write the disk refuses is a toast naming the cause, the
app keeps running, and nothing is half written."""

from __future__ import annotations

import errno
from pathlib import Path

from cohort_tui.domain import op_kinds as k
from tests.faults import DiskFaults, under
from tests.ui.helpers import make_app
from tests.ui.test_reviews_screen import SIZE, fill_rubric, open_review, priya, settle


async def test_a_review_draft_the_disk_refuses_is_a_toast(
    tmp_path: Path, disk_faults: DiskFaults
) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_review(app, pilot, priya(app.replica.state).id)
        await pilot.press("v")
        await settle(pilot)
        disk_faults.writes_fail(errno.ENOSPC, where=under(tmp_path / "s" / "drafts"))
        await fill_rubric(pilot, {"correctness": 4}, "half done", "")
        await pilot.press("escape")
        await settle(pilot)
        disk_faults.clear()
        messages = [n.message for n in app._notifications]
        assert any("Could not save the draft: the disk is full" in m for m in messages)
        assert app.is_running
        assert not list((tmp_path / "s" / "drafts").rglob("*.tmp"))


async def test_a_post_the_disk_refuses_is_a_toast_and_the_log_is_unchanged(
    tmp_path: Path, disk_faults: DiskFaults
) -> None:
    app = make_app(tmp_path / "s")
    log = tmp_path / "s" / "ops.jsonl"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = log.read_bytes()
        thread = next(iter(app.replica.state.threads))
        disk_faults.fail("open", errno.EROFS, under(tmp_path / "s"))
        assert app.write(k.PostCreate(post="p_x", thread=thread, body="hello")) is None
        disk_faults.clear()
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any("read-only file system" in m and "ops.jsonl" in m for m in messages)
        assert log.read_bytes() == before and app.is_running
