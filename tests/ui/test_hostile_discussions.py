"""Hostile member text in discussions: shown literally or visibly escaped, never styling
anything, never reaching the terminal, never crashing. Checked on what the widgets
produce (strips and segments), and with hypothesis over arbitrary text."""

from __future__ import annotations

import unicodedata
from itertools import pairwise
from pathlib import Path
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st
from rich.console import Console

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.sanitize import clean_text
from cohort_tui.store.workspace import Replica
from cohort_tui.ui.markdown_lite import style_line, wrap_offsets
from cohort_tui.ui.screens.discussions import DiscussionsScreen
from cohort_tui.ui.widgets.post_view import PostView
from tests.ui.helpers import make_app

ESCAPES = (
    "\x1b[2J\x1b[31mred\x1b[0m"  # CSI: clear screen, colour
    "\x1b]0;pwned title\x07"  # OSC title set
    "\x1b]52;c;SGVsbG8=\x07"  # OSC 52: write the clipboard
    "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\"  # OSC 8 hyperlink
    "\x9b31m\x9d0;c1 title\x9c"  # 8-bit C1 CSI and OSC
)
MARKUP = "[bold]b[/bold] [/] [link=https://x.example]l[/link] [@click=app.quit]q[/]"
INVISIBLE = "a\u202eevil\u202c \u2066iso\u2069 zero\u200bwidth \ufeffbom"
WIDE = "漢字かなカナ 한국어 😀👩‍👩‍👧 🇫🇷 " * 3
BODY = "\n".join([ESCAPES, MARKUP, INVISIBLE, WIDE, "```", "[red]in code[/red]", "```"])
FORBIDDEN = {chr(c) for c in [*range(0, 32), 0x7F, *range(0x80, 0xA0)]} | {
    "\u202e",
    "\u202c",
    "\u2066",
    "\u2069",
    "\u200b",
    "\ufeff",
}


def hostile_store(root: Path) -> str:
    make_app(root)  # builds the demo store
    other = Replica(root)
    other.write(
        k.ThreadCreate(
            thread="t_evil",
            post="p_evil",
            title=MARKUP + ESCAPES,
            body=BODY,
            tags=["x"],
        ),
        author="m_priya",
    )
    other.write(
        k.PostCreate(post="p_huge", thread="t_evil", body=("詰" * 100 + "x" * 900) * 262),
        author="m_zoe",
    )
    other.write(k.PostReact(post="p_evil", emoji="\x1b[5m!"), author="m_zoe")
    other.write(k.PostHide(post="p_huge", reason=MARKUP + "\x1b]0;t\x07"), author="m_zoe")
    return "t_evil"


def screen_text(app: Any) -> str:
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


def assert_safe(text: str) -> None:
    bad = {c for c in text if c in FORBIDDEN and c != "\n"}
    assert not bad, sorted(f"U+{ord(c):04X}" for c in bad)


async def test_hostile_thread_renders_literally_in_list_and_thread(tmp_path: Path) -> None:
    thread = hostile_store(tmp_path / "s")
    app = make_app(tmp_path / "s", open_target=f"thread:{thread}")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DiscussionsScreen)
        app.screen.query_one(PostView).select("p_evil")
        await pilot.pause()
        shown = screen_text(app)
        assert_safe(shown)
        assert "[bold]b[/bold]" in shown  # markup shown as typed
        assert "[@click=app.quit]q[/]" in shown
        assert "⟪U+202E⟫evil" in shown  # bidi made visible
        assert "pwned title" not in shown  # the OSC was removed whole
        # Every segment the widgets produce is plain text: no control codes, no links.
        for strip in app.screen._compositor.render_strips():
            for segment in strip:
                assert segment.control is None
                assert segment.style is None or segment.style.link is None
        document = app.screen.query_one(PostView).document_text()
        assert_safe(document)
        assert "[hidden by @zoe: [bold]b[/bold]" in document
        assert "[red]in code[/red]" in document
        assert app.is_running


async def test_hostile_thread_at_80x24_and_a_huge_post_scrolls(tmp_path: Path) -> None:
    hostile_store(tmp_path / "s")
    other = Replica(tmp_path / "s")
    other.write(
        k.PostCreate(post="p_long", thread="t_evil", body=("詰め" * 40 + " ") * 3000),
        author="m_zoe",
    )
    app = make_app(tmp_path / "s", open_target="thread:t_evil")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        view = app.screen.query_one(PostView)
        for _ in range(200):  # laid out once the pane has its size: later on a busy machine
            if view.line_count():
                break
            await pilot.pause(0.05)
        assert view.line_count() > 3000
        await pilot.press("end", "pagedown", "pageup")
        await pilot.pause()
        assert_safe(screen_text(app))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.integers(min_value=1, max_value=120))
def test_any_text_renders_without_controls(raw: str, width: int) -> None:
    console = Console(width=200, color_system="truecolor", force_terminal=True)
    for line in clean_text(raw).split("\n"):
        for in_code in (False, True):
            styled = style_line(line, in_code)
            assert styled.plain == line  # styling never changes the characters
            for start, end in wrap_offsets(line, width):
                for segment in console.render(styled[start:end]):
                    if segment.control is None and segment.text != "\n":
                        assert_safe(segment.text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200), st.integers(min_value=1, max_value=80))
@example("0\ufe0f", 1)  # found by hypothesis in CI: an emoji keycap base, two cells
def test_wrap_covers_the_line_and_fits(line: str, width: int) -> None:
    from rich.cells import cell_len

    line = clean_text(line, multiline=False)
    spans = wrap_offsets(line, width)
    assert spans[0][0] == 0 and spans[-1][1] == len(line)
    for (_, end), (start, _) in pairwise(spans):
        assert end == start  # no character lost or repeated
    for start, end in spans:
        shown = line[start:end].rstrip()  # trailing spaces past the edge are cropped
        # Only one visible character wider than the line may overflow it: a wide CJK
        # character, or "0" + VS16 (an emoji, two cells) at width 1, cannot be split.
        visible = [c for c in shown if cell_len(c) > 0]
        if len(visible) > 1:
            assert cell_len(shown) <= width or unicodedata.east_asian_width(shown[0]) in "WF"
