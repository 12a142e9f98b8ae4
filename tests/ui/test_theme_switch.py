"""Switching theme recolours what is on screen at once, Line-API lists included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.color import ColorType
from rich.style import Style
from rich.text import Text
from textual.color import Color
from textual.content import Content
from textual.style import Style as TextualStyle
from textual.widgets import Static

from cohort_tui.ui import palette
from cohort_tui.ui.screens.discussions import DiscussionsScreen
from cohort_tui.ui.widgets.post_view import PostView
from cohort_tui.ui.widgets.row_list import RowList
from tests.ui.helpers import make_app, wait_for

SIZE = (100, 30)


def row_styles(listing: RowList) -> set[Style]:
    """Every style on the list's visible lines, as drawn now."""
    return {
        segment.style
        for y in range(listing.scrollable_content_region.height)
        for segment in listing.render_line(y)
        if segment.style is not None
    }


def foregrounds(styles: set[Style]) -> set[str]:
    return {str(s.color.triplet or s.color.name) for s in styles if s.color is not None}


async def test_switching_theme_recolours_the_thread_list_without_restart(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="discussions")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, DiscussionsScreen))
        listing = app.screen.query_one("#thread-list", RowList)
        await wait_for(pilot, lambda: bool(listing.rows))
        before = row_styles(listing)
        unread_before = app.console.get_style(palette.NEW)

        app.theme = "cohort-light"
        await wait_for(pilot, lambda: row_styles(listing) != before)

        after = row_styles(listing)
        assert foregrounds(after) != foregrounds(before)
        # The unread mark's colour now is the light theme's, in the list as drawn.
        unread_after = app.console.get_style(palette.NEW)
        assert unread_after.color != unread_before.color
        assert unread_after.color is not None
        assert any(s.color == unread_after.color for s in after)
        assert not any(s.color == unread_before.color for s in after)


async def test_ansi_theme_uses_only_the_terminals_palette(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="discussions", theme="cohort-ansi")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, DiscussionsScreen))
        listing = app.screen.query_one("#thread-list", RowList)
        await wait_for(pilot, lambda: bool(listing.rows))
        colours = [
            colour
            for s in row_styles(listing)
            for colour in (s.color, s.bgcolor)
            if colour is not None and not colour.is_default
        ]
        assert colours
        assert all(c.type in (ColorType.STANDARD, ColorType.DEFAULT) for c in colours), colours


async def test_switching_theme_recolours_panes_and_posts(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="discussions")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, DiscussionsScreen))
        screen = app.screen
        listing = screen.query_one("#thread-list", RowList)
        await wait_for(pilot, lambda: bool(listing.rows))
        await pilot.press("enter")
        posts = screen.query_one(PostView)
        await wait_for(pilot, lambda: posts.line_count() > 0)
        before = {seg.style for seg in posts.render_line(0)}
        assert checked_statics(screen)
        assert not stale_statics(app, screen)
        app.theme = "cohort-light"
        await wait_for(pilot, lambda: {seg.style for seg in posts.render_line(0)} != before)
        await wait_for(pilot, lambda: not stale_statics(app, screen))
        assert checked_statics(screen), "no pane with palette names to check"


def palette_names(text: Text) -> set[str]:
    return {
        s.style for s in text.spans if isinstance(s.style, str) and s.style.startswith("cohort.")
    }


def checked_statics(root: Any) -> list[Static]:
    return [
        s for s in root.query(Static) if isinstance(s.content, Text) and palette_names(s.content)
    ]


def stale_statics(app: Any, root: Any) -> list[Static]:
    """Statics whose drawn colours are not what their palette names say now."""
    stale = []
    for static in checked_statics(root):
        content = static.content
        assert isinstance(content, Text), static  # the panes show Text built by the screens
        wanted = {
            Color.from_rich_color(app.console.get_style(name).color)
            for name in palette_names(content)
        }
        visual = static.visual
        assert isinstance(visual, Content)
        drawn = {
            span.style.foreground
            for span in visual.spans
            if isinstance(span.style, TextualStyle) and span.style.foreground is not None
        }
        if not wanted <= drawn:
            stale.append(static)
    return stale


async def test_under_no_color_the_list_cursor_is_reverse_video(
    tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(tmp_path / "s", open_target="discussions")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, DiscussionsScreen))
        listing = app.screen.query_one("#thread-list", RowList)
        await wait_for(pilot, lambda: listing.cursor >= 0)
        for focused in (True, False):
            if focused:
                listing.focus()
            else:
                app.screen.set_focus(None)
            await pilot.pause()
            y = listing.cursor - listing.scroll_offset.y
            strip = listing.render_line(y)
            assert all(s.style is not None and s.style.reverse for s in strip if s.text.strip())
            other = listing.render_line(y + 1)
            assert not any(s.style is not None and s.style.reverse for s in other)
