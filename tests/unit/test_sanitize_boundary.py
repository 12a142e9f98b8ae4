"""The sanitiser as the boundary: hostile strings, and properties over any text."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from cohort_tui.domain.sanitize import (
    clean_line,
    clean_text,
    find_invisibles,
    has_invisibles,
    truncate,
)

FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")

HOSTILE = {
    "[bold]x[/bold]": "[bold]x[/bold]",
    "[/": "[/",
    "[link=https://evil.example]x[/link]": "[link=https://evil.example]x[/link]",
    "[@click=app.quit]x[/]": "[@click=app.quit]x[/]",
    "\x1b]52;c;SGVsbG8=\x07after": "after",
    "\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\": "link",
    "\x1b]0;pwned title\x1b\\x": "x",
    "\x1b[2Jwiped": "wiped",
    "\x1b[31mred\x1b[0m": "red",
    "\x9b2Jx": "x",
    "a\u202eb": "a⟪U+202E⟫b",
    "lone \x1b": "lone ␛",
    "nul\x00bell\x07": "nul␀bell␇",
    "crlf\r\nline": "crlf\nline",
    "中文 and 🎉": "中文 and 🎉",
}


def test_hostile_strings() -> None:
    for raw, expected in HOSTILE.items():
        assert clean_text(raw) == expected, raw


def test_emoji_joiners_kept_lone_joiners_shown() -> None:
    family = "👨\u200d👩\u200d👧"
    assert clean_text(family) == family
    assert clean_text("a\u200bb") == "a⟪U+200B⟫b"
    assert clean_text("a\u200db") == "a⟪U+200D⟫b"


def test_single_line_mode() -> None:
    assert clean_line("a\nb\tc") == "a b c"


def test_invisibles_are_found_with_columns() -> None:
    line = 'if access_level != "user\u202e \u2066// admin\u2069 \u2066":'
    marks = find_invisibles(line)
    assert [m.codepoint for m in marks] == [0x202E, 0x2066, 0x2069, 0x2066]
    assert line[marks[0].column] == "\u202e"
    assert "RIGHT-TO-LEFT OVERRIDE" in marks[0].name
    assert has_invisibles(line) and not has_invisibles("plain code = 1")


def test_truncate() -> None:
    assert truncate("abcdef", 4) == "abc…"
    assert truncate("abc", 4) == "abc"


def test_a_megabyte_cleans() -> None:
    body = ("x" * 1000 + "\x1b[31m\u202e") * 1000
    out = clean_text(body)
    assert not FORBIDDEN.search(out)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=200))
def test_output_never_carries_controls_and_is_idempotent(text: str) -> None:
    out = clean_text(text)
    assert not FORBIDDEN.search(out.replace("\n", "").replace("\t", ""))
    assert clean_text(out) == out
    single = clean_line(text)
    assert "\n" not in single and not FORBIDDEN.search(single)


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E)))
def test_printable_ascii_is_unchanged(text: str) -> None:
    assert clean_text(text) == text
