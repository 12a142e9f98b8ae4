"""The quick-help chat and the showcase as pictures, at 100x30 and 80x24, on the demo."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.ui.helpers import make_app, mode_shown, wait_for, workers_done

SIZES = [(100, 30), (80, 24)]


async def _settled_chat(pilot: Any) -> None:
    """Wait until the channel is marked read and the view sits at the newest message."""
    from textual.widgets import Input

    from cohort_tui.domain import chat
    from cohort_tui.ui.widgets.chat_view import ChatView

    app = pilot.app

    def settled() -> bool:
        views = app.screen.query(ChatView)
        return bool(
            views
            and chat.unread_count(app.replica.state, app.member_id, "cohort") == 0
            and views.first().scroll_offset.y == views.first().max_scroll_y
            and not views.first()._extending
        )

    await wait_for(pilot, settled)
    await wait_for(pilot, lambda: isinstance(app.focused, Input))
    await workers_done(pilot)
    # The cursor blinks every half second: drawn steady, the picture does not depend on
    # how long the steps above took.
    for field in app.screen.query(Input):
        field.cursor_blink = False


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_chat(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    """Sam's view: a busy channel, the new-messages marker, the input focused."""

    async def settle(pilot: Any) -> None:
        await _settled_chat(pilot)

    assert snap_compare(
        make_app(tmp_path / "s", open_target="chat"), terminal_size=size, run_before=settle
    )


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_chat_selection(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    """Three messages selected in the list, ready to become a thread."""

    async def select(pilot: Any) -> None:
        await _settled_chat(pilot)
        await pilot.press("up", "v", "up", "up")
        await pilot.pause()

    assert snap_compare(
        make_app(tmp_path / "s", open_target="chat"), terminal_size=size, run_before=select
    )


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_showcase(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    """The demo's featured entry with its reactions and thanks."""

    async def settle(pilot: Any) -> None:
        await mode_shown(pilot, "showcase")

    assert snap_compare(
        make_app(tmp_path / "s", open_target="showcase"), terminal_size=size, run_before=settle
    )
