"""Going back to a screen draws it at once; a first visit keeps Textual's short mask.

Textual's ``switch_mode`` holds every frame for 50 ms (``delay_update``) to hide a screen
still being composed. A screen shown before is built, so going back to it skips the hold:
it took 50 ms more than the work (revisits drew in 60-95 ms for 18-60 ms of CPU). If a
Textual upgrade stops holding frames on a switch, the first test says so.
"""

from __future__ import annotations

from pathlib import Path

from tests.ui.helpers import make_app, mode_shown


async def test_a_first_visit_is_masked_and_going_back_is_not(tmp_path: Path) -> None:
    app = make_app(tmp_path / "store", "m_mei")
    async with app.run_test(size=(100, 30)) as pilot:
        await mode_shown(pilot, "home")
        await pilot.pause(0.2)
        assert app._batch_count == 0
        app.switch_mode("milestones")  # never shown: Textual masks it while it is built
        assert app._batch_count == 1
        await mode_shown(pilot, "milestones")
        await pilot.pause(0.2)
        assert app._batch_count == 0
        app.switch_mode("home")  # built already: drawn at once
        assert app._batch_count == 0
        await mode_shown(pilot, "home")
        app.switch_mode("milestones")
        assert app._batch_count == 0
