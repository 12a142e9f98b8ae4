"""A burst of keys that opens a dialog and closes it again leaves no dialog open
(issue 14, bug 14): keys sent before the dialog is up used to reach the screen behind
it, and the dialog then stayed open, swallowing what came next."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events

from cohort_tui.ui.screens.discussions import DiscussionsScreen
from cohort_tui.ui.widgets.row_list import RowList
from tests.ui.helpers import make_app


def _burst(app: object, *keys: str) -> None:
    """Keys arriving together, as from tmux send-keys or a fast typist: none is handled
    before the next is queued."""
    for key in keys:
        char = key if len(key) == 1 else None
        app.post_message(events.Key(key, char))  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "keys",
    [
        ("f", "escape"),
        ("f", "escape", "j"),
        ("f", "f", "escape"),
        ("f", "escape", "f", "escape"),
        ("f", "down", "enter", "f", "escape"),
        ("u", "f", "escape"),
        ("slash", "escape"),
    ],
)
async def test_a_dialog_opened_and_closed_in_one_burst_is_closed(
    tmp_path: Path, keys: tuple[str, ...]
) -> None:
    app = make_app(tmp_path / "s", open_target="discussions")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DiscussionsScreen)
        listing = screen.query_one(RowList)
        listing.focus()
        await pilot.pause()
        _burst(app, *keys)
        for _ in range(5):
            await pilot.pause()
        assert app.screen is screen
        assert screen.focused is listing


async def test_escape_run_into_the_next_key_closes_the_dialog_and_keeps_the_key(
    tmp_path: Path,
) -> None:
    """A terminal reads ESC straight followed by j as one key, alt+j (tmux send-keys
    f Escape j): the filter dialog stayed open and took every key after it."""
    app = make_app(tmp_path / "s", open_target="discussions")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        listing = screen.query_one(RowList)
        listing.focus()
        await pilot.pause()
        start = listing.cursor
        _burst(app, "f", "alt+j")
        for _ in range(5):
            await pilot.pause()
        assert app.screen is screen
        assert listing.cursor == start + 1  # the j after the escape moved the cursor
        _burst(app, "slash", "alt+j")  # the same in the search box
        for _ in range(5):
            await pilot.pause()
        search = screen.query_one("#thread-search")
        assert not search.display and screen.focused is listing
        assert listing.cursor == start + 2
