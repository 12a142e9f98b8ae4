"""The sanitiser: hostile strings, escape sequences, invisibles, and properties over any text."""

from __future__ import annotations

import ast
import dataclasses
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cohort_tui.domain import sanitize
from cohort_tui.domain.sanitize import (
    BIDI_CONTROLS,
    INVISIBLE_FORMAT,
    InvisibleMark,
    clean_line,
    clean_text,
    find_invisibles,
    has_invisibles,
    truncate,
)

# What must never reach the terminal, whatever a member wrote: ESC and every other C0
# control but newline and tab, DEL, C1, bidi controls, lone surrogates, CR and the Unicode
# line separators (newlines are normalised to \n).
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff\u2028\u2029]"
)

FAMILY = "👨\u200d👩\u200d👧"
RAINBOW_FLAG = "🏳\ufe0f\u200d🌈"
TECHNOLOGIST = "👩🏽\u200d💻"
HEART_ON_FIRE = "❤\ufe0f\u200d🔥"
ENGLAND = "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
PERSIAN = "می\u200cخواهم"  # "I want": the non-joiner is part of the spelling
DEVANAGARI = "क्\u200dष"  # a half form: the joiner is part of the spelling
VARIATION_SELECTORS = frozenset([*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)])

ANY_CHAR = st.characters(codec=None, exclude_categories=())  # every code point, surrogates too
FRAGMENTS = [
    "\x1b",
    "\x1b[",
    "\x1b]",
    "\x1bP",
    "\x1b_",
    "\x1b\\",
    "\x1b(",
    "\x07",
    "\x9b",
    "\x9c",
    "\x9d",
    "\x90",
    "[31m",
    "2J",
    "8;;https://evil.example",
    "52;c;SGVsbG8=",
    "\r",
    "\n",
    "\r\n",
    "\t",
    " ",
    "a",
    "\u200d",
    "\u200c",
    "\ufe0f",
    "\ufeff",
    "\u202e",
    "\u2066",
    "\u2028",
    "\ud800",
    "\x00",
    "\x7f",
    "👨",
    "🏴",
    "\U000e0067",
    "\U000e007f",
    "م",
    "्",
    "⟪U+202E⟫",
    "[bold]",
]
# Random code points rarely line up into escape sequences, so mix in the pieces they use.
HOSTILE_TEXT = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(ANY_CHAR, max_size=4)), max_size=40
).map("".join)
ANY_TEXT = st.one_of(st.text(ANY_CHAR), HOSTILE_TEXT)
# Printable text: no controls, format characters, separators, surrogates, unassigned or
# default-ignorable code points. The sanitiser must leave it exactly as it is.
PRINTABLE_CHAR = st.characters(
    codec=None, exclude_categories=("Cc", "Cf", "Cs", "Cn", "Zl", "Zp")
).filter(lambda c: ord(c) not in INVISIBLE_FORMAT and ord(c) not in VARIATION_SELECTORS)


def _token(char: str) -> str:
    return f"⟪U+{ord(char):04X}⟫"


def _is_letter(char: str) -> bool:
    return unicodedata.category(char)[0] in "LM"


# -- hostile strings -------------------------------------------------------------------

MARKUP = [
    "[bold]x[/bold]",
    "[/",
    "[link=https://evil.example]x[/link]",
    "[@click=app.quit]x[/]",
    "[b]unclosed",
    "\\[escaped]",
    "$variable {braces} %s",
]


@pytest.mark.parametrize("markup", MARKUP)
def test_markup_passes_through_unchanged(markup: str) -> None:
    # Not parsing member text as markup is the UI's job; the sanitiser must not mangle it.
    assert clean_text(markup) == markup
    assert clean_line(markup) == markup
    assert not has_invisibles(markup)


HOSTILE = [
    pytest.param("\x1b]52;c;SGVsbG8=\x07after", "after", id="osc52-clipboard-bel"),
    pytest.param("\x1b]52;c;SGVsbG8=\x1b\\after", "after", id="osc52-clipboard-st"),
    pytest.param(
        "\x1b]8;;https://evil.example\x1b\\click me\x1b]8;;\x1b\\", "click me", id="osc8-link"
    ),
    pytest.param("\x1b]8;;https://evil.example\x07x\x1b]8;;\x07", "x", id="osc8-link-bel"),
    pytest.param("\x1b]0;pwned title\x1b\\x", "x", id="osc0-title-st"),
    pytest.param("\x1b]2;pwned title\x07x", "x", id="osc2-title-bel"),
    pytest.param("\x1b[2Jwiped", "wiped", id="csi-clear-screen"),
    pytest.param("\x1b[31mred\x1b[0m", "red", id="csi-sgr"),
    pytest.param("\x1b[?1049hx\x1b[?1049l", "x", id="csi-alt-screen"),
    pytest.param("\x1b[6nx", "x", id="csi-device-status-report"),
    pytest.param("\x1b[21tx", "x", id="csi-title-report"),
    pytest.param("a\x1b[1;31;4mb", "ab", id="csi-params"),
    pytest.param("\x1b[ qx", "x", id="csi-intermediate"),
    pytest.param("\x9b2Jx", "x", id="c1-csi"),
    pytest.param("\x9b31mred", "red", id="c1-csi-sgr"),
    pytest.param("\x9d0;title\x07x", "x", id="c1-osc-bel"),
    pytest.param("\x9d0;title\x9cx", "x", id="c1-osc-st"),
    pytest.param("\x90q#0;2;0;0;0\x9cx", "x", id="c1-dcs"),
    pytest.param("\x9f_kitty\x9cx", "x", id="c1-apc"),
    pytest.param("\x1bPq#0;2;0;0;0#0!7~\x1b\\x", "x", id="dcs-sixel"),
    pytest.param("\x1bP$qm\x1b\\x", "x", id="dcs-decrqss"),
    pytest.param("\x1b_Gf=100;AAAA\x1b\\x", "x", id="apc-kitty-graphics"),
    pytest.param("\x1bXsos\x1b\\x", "x", id="sos"),
    pytest.param("\x1b^pm\x1b\\x", "x", id="pm"),
    pytest.param("\x1bcx", "x", id="esc-reset"),
    pytest.param("\x1b7x\x1b8", "x", id="esc-save-restore-cursor"),
    pytest.param("\x1b(0lqk\x1b(B", "lqk", id="esc-charset"),
    pytest.param("\x1b#8x", "x", id="esc-screen-alignment"),
    pytest.param("\x1bMx", "x", id="esc-reverse-index"),
    pytest.param("lone \x1b", "lone ␛", id="lone-esc"),
    pytest.param("\x1b\x1b[2Jx", "␛x", id="esc-before-sequence"),
    pytest.param("\x1b[31", "␛[31", id="incomplete-csi"),
    pytest.param("\x1b]0;title\nrest", "␛]0;title\nrest", id="unterminated-osc-swallows-nothing"),
    pytest.param("\x1bPq\nrest", "␛Pq\nrest", id="unterminated-dcs-swallows-nothing"),
    pytest.param("\x9d0;t", "\ufffd0;t", id="unterminated-c1-osc"),
    pytest.param("nul\x00bell\x07bs\x08", "nul␀bell␇bs␈", id="c0-pictures"),
    pytest.param("vt\x0bff\x0c", "vt␋ff␌", id="vt-ff"),
    pytest.param("del\x7f", "del␡", id="del"),
    pytest.param("nel\x85ind\x84", "nel\ufffdind\ufffd", id="c1-controls"),
    pytest.param("st\x9c", "st\ufffd", id="lone-c1-st"),
    pytest.param("a\u202eb", "a⟪U+202E⟫b", id="rlo"),
    pytest.param("crlf\r\nline", "crlf\nline", id="crlf"),
    pytest.param("cr\rline", "cr\nline", id="lone-cr"),
    pytest.param("cr\r\x1b[m\nline", "cr\nline", id="crlf-around-sequence"),
    pytest.param("tab\there", "tab\there", id="tab"),
    pytest.param("ls\u2028ps\u2029", "ls\nps\n", id="line-separators"),
    pytest.param("\ud83d\ude00", "\ufffd\ufffd", id="surrogates"),
    pytest.param("\ufeffbom", "bom", id="leading-bom"),
    pytest.param("a\ufeffb", "a⟪U+FEFF⟫b", id="inner-bom"),
    pytest.param("中文 and 日本語 and 한국어", "中文 and 日本語 and 한국어", id="cjk"),
    pytest.param("🎉 ok 👍🏽 🇫🇷", "🎉 ok 👍🏽 🇫🇷", id="emoji"),
    pytest.param("Grüße, “quoted” — café", "Grüße, “quoted” — café", id="latin"),
    pytest.param("", "", id="empty"),
]


@pytest.mark.parametrize(("raw", "expected"), HOSTILE)
def test_hostile_strings(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_all_c0_c1_and_del_become_visible() -> None:
    for cp in [*range(0x20), 0x7F, *range(0x80, 0xA0)]:
        char = chr(cp)
        if char in "\t\n\r\x1b":
            continue  # kept, normalised, or the start of an escape sequence
        if cp < 0x20:
            expected = chr(0x2400 + cp)
        elif cp == 0x7F:
            expected = "\u2421"
        else:
            expected = "\ufffd"
        if cp in (0x90, 0x98, 0x9B, 0x9D, 0x9E, 0x9F):
            assert clean_text(f"a{char}") == f"a{expected}", hex(cp)  # an unfinished sequence
        else:
            assert clean_text(f"a{char}b") == f"a{expected}b", hex(cp)


def test_every_bidi_control_becomes_a_token() -> None:
    assert len(BIDI_CONTROLS) == 12
    for cp in BIDI_CONTROLS:
        char = chr(cp)
        assert clean_text(f"a{char}b") == f"a{_token(char)}b"
        assert clean_line(f"a{char}b") == f"a{_token(char)}b"


def test_every_invisible_character_alone_becomes_a_token() -> None:
    for cp in INVISIBLE_FORMAT:
        char = chr(cp)
        assert clean_text(f"a{char}b") == f"a{_token(char)}b", hex(cp)


NAMED_INVISIBLES = [
    "\u200b",  # ZERO WIDTH SPACE
    "\u200c",  # ZERO WIDTH NON-JOINER
    "\u200d",  # ZERO WIDTH JOINER
    "\u2060",  # WORD JOINER
    "\u2064",  # INVISIBLE PLUS
    "\ufeff",  # ZERO WIDTH NO-BREAK SPACE
    "\u00ad",  # SOFT HYPHEN
    "\u180e",  # MONGOLIAN VOWEL SEPARATOR
    "\u115f",  # HANGUL CHOSEONG FILLER
    "\u1160",  # HANGUL JUNGSEONG FILLER
    "\u3164",  # HANGUL FILLER
    "\ufff9",  # INTERLINEAR ANNOTATION ANCHOR
    "\U000e0041",  # TAG LATIN CAPITAL LETTER A
    "\U000e0001",  # LANGUAGE TAG
]


@pytest.mark.parametrize("char", NAMED_INVISIBLES)
def test_named_invisibles_are_shown(char: str) -> None:
    assert clean_text(f"x{char}y") == f"x{_token(char)}y"
    assert clean_line(f"x{char}y") == f"x{_token(char)}y"


def test_trojan_source_line_is_shown_as_written() -> None:
    line = 'access_level != "user\u202e \u2066// Check if admin\u2069 \u2066"'
    assert clean_text(line) == (
        'access_level != "user⟪U+202E⟫ ⟪U+2066⟫// Check if admin⟪U+2069⟫ ⟪U+2066⟫"'
    )


# -- joiners, variation selectors, tags --------------------------------------------------


@pytest.mark.parametrize("emoji", [FAMILY, RAINBOW_FLAG, TECHNOLOGIST, HEART_ON_FIRE, ENGLAND])
def test_emoji_sequences_are_kept(emoji: str) -> None:
    assert clean_text(emoji) == emoji
    assert clean_text(f"hi {emoji}!") == f"hi {emoji}!"
    assert clean_line(f"{emoji}\n{emoji}") == f"{emoji} {emoji}"
    assert not has_invisibles(f"# {emoji}")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\u200db", "a⟪U+200D⟫b"),
        ("\u200d", "⟪U+200D⟫"),
        ("\u200d👩", "⟪U+200D⟫👩"),
        ("👨\u200d", "👨⟪U+200D⟫"),
        ("👨\u200d x", "👨⟪U+200D⟫ x"),
        ("👨\u200d\u200d👩", "👨⟪U+200D⟫⟪U+200D⟫👩"),
        ("👨\u200b\u200d👩", "👨⟪U+200B⟫⟪U+200D⟫👩"),
        ("a\u200cb", "a⟪U+200C⟫b"),
    ],
)
def test_joiners_outside_a_sequence_are_shown(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


@pytest.mark.parametrize("word", [PERSIAN, DEVANAGARI])
def test_joiners_between_letters_of_other_scripts_are_kept(word: str) -> None:
    assert clean_text(word) == word
    assert clean_line(f"{word} {word}") == f"{word} {word}"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("❤\ufe0f", "❤\ufe0f"),
        ("葛\U000e0100", "葛\U000e0100"),  # an ideographic variation sequence
        ("❤\ufe0f\ufe0f", "❤\ufe0f⟪U+FE0F⟫"),
        ("x" + "\ufe0f" * 3, "x\ufe0f⟪U+FE0F⟫⟪U+FE0F⟫"),  # hidden payload after one base
        ("\ufe0fx", "⟪U+FE0F⟫x"),
        ("a \ufe0f", "a ⟪U+FE0F⟫"),
        ("a\n\ufe0f", "a\n⟪U+FE0F⟫"),
    ],
)
def test_one_variation_selector_after_its_base_is_kept(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_tag_characters_outside_a_flag_are_shown() -> None:
    smuggled = "hi" + "".join(chr(0xE0000 + ord(c)) for c in "run rm")
    assert clean_text(smuggled) == "hi⟪U+E0072⟫⟪U+E0075⟫⟪U+E006E⟫⟪U+E0020⟫⟪U+E0072⟫⟪U+E006D⟫"
    unfinished_flag = "🏴\U000e0067\U000e0062"
    assert clean_text(unfinished_flag) == "🏴⟪U+E0067⟫⟪U+E0062⟫"
    assert clean_text(ENGLAND + "\u202e") == ENGLAND + "⟪U+202E⟫"


# -- single line -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\nb\tc", "a b c"),
        ("a\r\nb", "a b"),
        ("a\rb", "a b"),
        ("a\u2028b", "a b"),
        ("title\x1b[2J\n", "title "),
        ("\x1b]0;x\x07name", "name"),
        ("a\u202eb", "a⟪U+202E⟫b"),
    ],
)
def test_clean_line(raw: str, expected: str) -> None:
    assert clean_line(raw) == expected
    assert clean_line(raw) == clean_text(raw, multiline=False)


# -- find_invisibles / has_invisibles ----------------------------------------------------


def test_trojan_source_marks() -> None:
    line = 'if access_level != "user\u202e \u2066// Check if admin\u2069 \u2066":'
    marks = find_invisibles(line)
    assert [m.codepoint for m in marks] == [0x202E, 0x2066, 0x2069, 0x2066]
    assert [m.name for m in marks] == [
        "RIGHT-TO-LEFT OVERRIDE",
        "LEFT-TO-RIGHT ISOLATE",
        "POP DIRECTIONAL ISOLATE",
        "LEFT-TO-RIGHT ISOLATE",
    ]
    assert all(line[m.column] == chr(m.codepoint) for m in marks)
    assert has_invisibles(line)


@pytest.mark.parametrize(
    ("line", "column", "name"),
    [
        ("x = 1\x1b[2J", 5, "ESCAPE"),
        ("\x00", 0, "NULL"),
        ("a\x7f", 1, "DELETE"),
        ("a\x85", 1, "C1 CONTROL U+0085"),
        ("if (x\u200b == 1)", 5, "ZERO WIDTH SPACE"),
        ("x\ud800", 1, "SURROGATE U+D800"),
        ("a\U000e0fffb", 1, "U+E0FFF"),
        ("print('a')\rprint('b')", 10, "CARRIAGE RETURN"),
        ("a\u2028b", 1, "LINE SEPARATOR"),
        ("фа = ф\u200cа", 6, "ZERO WIDTH NON-JOINER"),  # two names that look the same
        ("s = 'a\u00adb'", 6, "SOFT HYPHEN"),
    ],
)
def test_invisibles_are_named(line: str, column: int, name: str) -> None:
    assert find_invisibles(line) == [InvisibleMark(column, ord(line[column]), name)]
    assert has_invisibles(line)


@pytest.mark.parametrize(
    "line",
    [
        "plain code = 1",
        "\tindented\twith tabs",
        "windows line\r\n",
        "windows line\r",
        "two\nlines\n",
        f"s = '{FAMILY} {HEART_ON_FIRE} {ENGLAND}'",
        "\ufeffimport os",
        "x = '中文'",
        "[bold]not markup[/bold]",
    ],
)
def test_nothing_to_report(line: str) -> None:
    assert find_invisibles(line) == []
    assert not has_invisibles(line)


def test_invisible_mark_is_frozen_and_hashable() -> None:
    mark = InvisibleMark(3, 0x202E, "RIGHT-TO-LEFT OVERRIDE")
    with pytest.raises(dataclasses.FrozenInstanceError):
        mark.column = 4  # type: ignore[misc]
    assert {mark, InvisibleMark(3, 0x202E, "RIGHT-TO-LEFT OVERRIDE")} == {mark}


# -- truncate ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("abcdef", 4, "abc…"),
        ("abc", 4, "abc"),
        ("abcd", 4, "abcd"),
        ("abcde", 1, "…"),
        ("abcde", 0, ""),
        ("abcde", -3, ""),
        ("", 5, ""),
        ("", 0, ""),
        ("中文中文中文", 3, "中文…"),
        ("ab⟪U+202E⟫cd", 5, "ab…"),  # never half a token
        ("ab⟪U+202E⟫cd", 11, "ab⟪U+202E⟫…"),
        ("a⟪bcd", 3, "a⟪…"),  # a member's own bracket is just a character
        (FAMILY + "!", 3, "👨…"),  # no dangling joiner
        (ENGLAND + "!", 4, "🏴…"),  # no partial flag
        (ENGLAND + "!!", 8, ENGLAND + "…"),
    ],
)
def test_truncate(text: str, limit: int, expected: str) -> None:
    assert truncate(text, limit) == expected


# -- properties --------------------------------------------------------------------------


@settings(max_examples=500, deadline=None)
@given(ANY_TEXT)
@example("\x1b\x1b[31m[31m")
@example("\x1b]\x1b]0;x\x07")
@example("🎉\ufe0f\ufe0f\u200d🎉")
@example("\ufeff\ufeff\u200d👨")
@example("\u3164\u200cم")
def test_output_never_carries_controls(text: str) -> None:
    for out in (clean_text(text), clean_line(text)):
        assert FORBIDDEN.search(out) is None, ascii(out)
        assert "\x1b" not in out and "\r" not in out
        out.encode("utf-8")  # no lone surrogates left


@settings(max_examples=500, deadline=None)
@given(ANY_TEXT)
def test_single_line_output_has_no_line_breaks_or_tabs(text: str) -> None:
    out = clean_line(text)
    assert "\n" not in out and "\t" not in out and "\r" not in out


@settings(max_examples=500, deadline=None)
@given(ANY_TEXT)
@example("🎉\ufe0f\ufe0f\u200d🎉")
@example("x\ufe0f\u200d🎉")
@example("\u3164\u200cم")
@example("\ufeff\ufe0f")
def test_cleaning_is_idempotent(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once
    line = clean_line(text)
    assert clean_line(line) == line
    assert clean_text(line) == line


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_clean_output_hides_nothing_but_letter_joiners(text: str) -> None:
    # What find_invisibles reports in cleaned text can only be a joiner between letters,
    # which display keeps (Persian, Devanagari) and code review reports.
    out = clean_text(text)
    for mark in find_invisibles(out):
        assert mark.codepoint in (0x200C, 0x200D), mark
        assert _is_letter(out[mark.column - 1]) and _is_letter(out[mark.column + 1]), mark


@settings(max_examples=300, deadline=None)
@given(st.text(PRINTABLE_CHAR))
def test_printable_text_is_unchanged(text: str) -> None:
    assert clean_text(text) == text
    assert clean_line(text) == text
    assert not has_invisibles(text)


@settings(max_examples=300, deadline=None)
@given(st.text(st.one_of(PRINTABLE_CHAR, st.sampled_from("\n\t"))))
def test_printable_text_with_newlines_and_tabs_is_unchanged(text: str) -> None:
    assert clean_text(text) == text


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_find_invisibles_points_at_what_it_names(text: str) -> None:
    marks = find_invisibles(text)
    assert has_invisibles(text) == bool(marks)
    assert [m.column for m in marks] == sorted({m.column for m in marks})
    for mark in marks:
        assert text[mark.column] == chr(mark.codepoint)
        assert mark.name
        assert text[mark.column] not in "\t\n"


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT, st.integers(min_value=-2, max_value=60))
def test_truncate_stays_short_and_clean(text: str, limit: int) -> None:
    clean = clean_text(text)
    cut = truncate(clean, limit)
    assert len(cut) <= max(limit, 0)
    if len(clean) <= limit:
        assert cut == clean
    elif limit > 0:
        assert cut.endswith("…")
        assert clean.startswith(cut[:-1])
    assert clean_text(cut) == cut


# -- size and purity -------------------------------------------------------------------


def test_a_megabyte_cleans() -> None:
    hostile = ("x" * 1000 + "\x1b[31m\u202e\x9b2J\u200d\x00\r\n") * 1000
    out = clean_text(hostile)
    assert FORBIDDEN.search(out) is None
    assert out.count("\n") == 1000
    assert "\x1b" not in clean_line(hostile)
    plain = "lorem ipsum 中文 🎉\n" * 60_000  # over a megabyte, nothing to clean
    assert clean_text(plain) == plain
    assert not has_invisibles(plain)
    emoji = (FAMILY + HEART_ON_FIRE + " ") * 100_000
    assert clean_text(emoji) == emoji
    dense = "\x1b]a" * 300_000  # unterminated introducers: linear, nothing swallowed
    assert clean_text(dense) == "␛]a" * 300_000


def test_domain_module_uses_only_the_standard_library() -> None:
    tree = ast.parse(Path(sanitize.__file__).read_text("utf-8"))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert imported <= {"__future__", "collections", "dataclasses", "re", "unicodedata"}


def test_the_written_out_character_classes_match_the_sets() -> None:
    special = sanitize._special()
    assert sanitize._char_class(special) == sanitize._SPECIAL_CLASS
    assert sanitize._char_class(special - {0x09, 0x0A}) == sanitize._SPECIAL_CLASS_MULTILINE
