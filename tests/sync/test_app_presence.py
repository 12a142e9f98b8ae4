"""Presence through a real server: two members on two machines see each other on Home
(carried by the stream), and one who quits is gone from the other's screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from cohort_tui.store.presence_file import read_presence
from tests.sync.test_app_sync import app_for, two_members, wait_until
from tests.sync.test_end_to_end import ServerProcess, server  # noqa: F401  (fixture)


async def test_members_on_two_machines_see_each_other_and_leaving_ends_it(
    server: ServerProcess,  # noqa: F811
    tmp_path: Path,
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    a_root, b_root = two_members(server, tmp_path, capsysbinary)
    app_a, app_b = app_for(a_root), app_for(b_root)
    async with app_a.run_test(size=(100, 30)) as pilot_a:
        async with app_b.run_test(size=(100, 30)) as pilot_b:
            # b is on Home; a hears it from the server (a's pane relays the stream).
            assert await wait_until(
                pilot_a, lambda: [s.where for s in app_a.presence.seats] == ["home"], 30
            )
            assert [s.where for s in read_presence(a_root).remote if s.member != app_a.member_id]
            panel = app_a.screen.query_one("#here-now", Static)
            assert await wait_until(pilot_a, lambda: "@bo on Home" in str(panel.render()))
            assert await wait_until(pilot_b, lambda: len(app_b.presence.seats) == 1, 30)
        # b quit: its last heartbeat says so, the stream tells a.
        assert await wait_until(pilot_a, lambda: not app_a.presence.seats, 30)
        assert await wait_until(pilot_a, lambda: not panel.display)
