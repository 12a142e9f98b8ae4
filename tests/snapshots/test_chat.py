"""The quick-help chat and the showcase as pictures, at 100x30 and 80x24, on the demo."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.ui.helpers import make_app

SIZES = [(100, 30), (80, 24)]


async def _settled_chat(pilot: Any) -> None:
    """Wait until the channel is marked read and the view sits at the newest message."""
    from cohort_tui.domain import chat
    from cohort_tui.ui.widgets.chat_view import ChatView

    app = pilot.app
    for _ in range(100):
        views = app.screen.query(ChatView)
        if (
            views
            and chat.unread_count(app.replica.state, app.member_id, "cohort") == 0
            and views.first().scroll_offset.y == views.first().max_scroll_y
            and not views.first()._extending
        ):
            break
        await pilot.pause(0.02)
    await pilot.pause(0.1)


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
        await pilot.pause(0.1)

    assert snap_compare(
        make_app(tmp_path / "s", open_target="chat"), terminal_size=size, run_before=select
    )


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_showcase(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    """The demo's featured entry with its reactions and thanks."""

    async def settle(pilot: Any) -> None:
        await pilot.pause(0.2)

    assert snap_compare(
        make_app(tmp_path / "s", open_target="showcase"), terminal_size=size, run_before=settle
    )
