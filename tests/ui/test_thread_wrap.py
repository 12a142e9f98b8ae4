"""A thread's posts are wrapped at the width they are drawn at, whatever changes it."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult

from cohort_tui.ui.widgets.post_view import GUTTER, PostView

WORDS = "tell me when something is unclear and I will fix the lesson " * 2
LONG = "y" * 57 + " z"
"""Wrapped for 58 columns it is a line of 57; in the 56 left beside a scrollbar, two."""


class _Posts:
    """Three posts of two long lines each."""

    def __init__(self, posts: int) -> None:
        self._bodies = {f"p{i}": [WORDS.strip(), WORDS.strip(), LONG] for i in range(posts)}

    def post_ids(self) -> list[str]:
        return list(self._bodies)

    def body_lines(self, post_id: str) -> list[str]:
        return self._bodies[post_id]

    def shape(self, post_id: str) -> tuple[bool, bool]:
        return (False, False)

    def is_markdown(self, post_id: str) -> bool:
        return False

    def header(self, post_id: str) -> Text:
        return Text(f"@{post_id}")

    def quote(self, post_id: str) -> Text | None:
        return None

    def footer(self, post_id: str) -> Text | None:
        return None


class _Thread(App[None]):
    CSS = "PostView { width: 60; height: 1fr; } #meta { height: 1; }"

    def compose(self) -> ComposeResult:
        from textual.widgets import Static

        yield Static("meta", id="meta")
        yield PostView()


def _drawn(view: PostView) -> list[str]:
    return [
        "".join(s.text for s in view.render_line(y))[GUTTER:].rstrip()
        for y in range(view.scrollable_content_region.height)
    ]


async def test_a_long_thread_shown_in_a_laid_out_view_is_wrapped_beside_its_scrollbar() -> None:
    """Opening a thread longer than the view: the scrollbar it brings narrows the text
    with no resize at all (seen as "tell me when somethin" on the demo)."""
    app = _Thread()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        view = app.query_one(PostView)
        assert not view.show_vertical_scrollbar
        view.show(_Posts(posts=8))
        await pilot.pause()
        await pilot.pause()
        assert view.show_vertical_scrollbar
        room = view.scrollable_content_region.width - GUTTER
        body = [line for line in view.document_text().splitlines() if not line.startswith("@")]
        assert all(len(line) <= room for line in body), [line for line in body if len(line) > room]
