"""``--open thread:ID`` lands on the thread: the warm-up waits for the first frame.

The app opens a ``--open`` target after the first refresh (``call_after_refresh``), and
turns the collector back on the same way. The warm-up re-parses the CSS, and Textual then
lays the current screen out at once and pauses the screen's frame timer: a callback
queued for that frame then waited for the screen's next message, which an idle screen
never gets. The warm-up ran on a timer from mount, so on a busy machine it came before
the first frame, and ``cohort --open thread:ID`` stayed on the thread list (2-7 launches
in 20 in a pty under load; seen in tmux). Now it is timed from the first frame, once
what waited for that frame has run, and a CSS refresh wakes the screen.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cohort_tui.ui.app import CohortApp
from cohort_tui.ui.screens.discussions import DiscussionsScreen
from tests.ui.helpers import make_app, wait_for


async def test_the_warm_up_comes_after_the_first_frame_and_the_open_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No delay: the warm-up as early as it can be, as when its timer is late on a
    # busy machine and the first frame is later still.
    monkeypatch.setattr(CohortApp, "WARM_AFTER", 0.001)
    app = make_app(tmp_path / "store", "m_mei")
    cohort = app.replica.state.cohort
    assert cohort is not None and cohort.welcome_thread
    welcome = cohort.welcome_thread
    app.open_target = f"thread:{welcome}"
    seen: list[tuple[bool, object]] = []
    warm = app._warm

    def open_thread() -> object:
        screen = app.screen
        return screen.thread_pane.open_id if isinstance(screen, DiscussionsScreen) else None

    def watched() -> None:
        seen.append((app.first_frame_drawn, open_thread()))
        warm()

    monkeypatch.setattr(app, "_warm", watched)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: seen, what="the warm-up")
        assert seen == [(True, welcome)]
        assert open_thread() == welcome
