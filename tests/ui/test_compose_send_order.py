"""ctrl+s in the composer sends everything typed before it, however fast the keys come
(a paste, tmux send-keys, a browser seat sending keys in one burst)."""

from __future__ import annotations

from pathlib import Path

from textual import events

from cohort_tui.ui.screens.compose import ComposeScreen
from tests.ui.helpers import make_app, wait_for

BODY = "Typed in one burst, then ctrl+s at once"


async def test_keys_typed_just_before_ctrl_s_are_all_posted(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="discussions")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("enter", "r")
        await pilot.pause()
        assert isinstance(app.screen, ComposeScreen)
        thread = app.screen.setup.draft_key.removeprefix("reply.")
        # Every key queued at once, as a burst of input arrives; no pause in between.
        for char in BODY:
            app.post_message(events.Key(char, char))
        app.post_message(events.Key("ctrl+s", None))
        await wait_for(pilot, lambda: not isinstance(app.screen, ComposeScreen))
        last = app.replica.state.posts[app.replica.state.threads[thread].posts[-1]]
        assert last.author == "m_sam" and last.body == BODY
