"""The one boundary member-written text crosses before it reaches a terminal.

Textual's ``Content`` and Rich strip only BEL, BS, VT, FF and CR, so ESC, the other C0
and C1 controls and bidi overrides would reach the terminal. Everything a member wrote
(post bodies, titles, tags, names, code under review) passes through here first:

* complete escape sequences (CSI, OSC, DCS/SOS/PM/APC, two-character ``ESC x``, and the
  8-bit C1 forms of each) are removed whole;
* any other C0 control and DEL become Control Pictures (``␛``, ``␀``, ``␡``), C1 controls
  and lone surrogates become ``�``;
* bidi controls and zero-width or otherwise invisible characters become visible
  ``⟪U+202E⟫`` tokens, except where they are doing legitimate work: a zero-width joiner
  inside an emoji sequence, a joiner or non-joiner between two non-ASCII letters (Persian,
  the Indic scripts), one variation selector after its base character, and the tag
  characters of a subdivision flag (England, Scotland, Wales).

Markup (``[bold]``) is not touched: it is the UI's job never to parse member text as markup.

Pure stdlib, no Rich or Textual: this is the domain layer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

__all__ = [
    "BIDI_CONTROLS",
    "INVISIBLE_FORMAT",
    "ZWJ",
    "InvisibleMark",
    "clean_line",
    "clean_text",
    "find_invisibles",
    "has_invisibles",
    "truncate",
]

ZWJ = 0x200D
"""ZERO WIDTH JOINER: glues emoji sequences (a family) and shapes Indic and Arabic text."""
ZWNJ = 0x200C
"""ZERO WIDTH NON-JOINER: needed between letters in Persian and the Indic scripts."""
BOM = 0xFEFF
"""ZERO WIDTH NO-BREAK SPACE, a byte-order mark when it starts a text."""
BLACK_FLAG = 0x1F3F4
"""The base of the subdivision flags (🏴 + tag letters + CANCEL TAG)."""

BIDI_CONTROLS = frozenset([0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])
"""Characters that reorder text on screen (Trojan Source, CVE-2021-42574)."""

INVISIBLE_FORMAT = frozenset(
    [
        0x00AD,  # SOFT HYPHEN
        0x034F,  # COMBINING GRAPHEME JOINER
        0x115F,  # HANGUL CHOSEONG FILLER
        0x1160,  # HANGUL JUNGSEONG FILLER
        0x17B4,  # KHMER VOWEL INHERENT AQ
        0x17B5,  # KHMER VOWEL INHERENT AA
        0x180E,  # MONGOLIAN VOWEL SEPARATOR
        0x200B,  # ZERO WIDTH SPACE
        ZWNJ,
        ZWJ,
        *range(0x2060, 0x2066),  # WORD JOINER, invisible operators, U+2065
        *range(0x206A, 0x2070),  # deprecated format characters
        0x3164,  # HANGUL FILLER
        BOM,
        0xFFA0,  # HALFWIDTH HANGUL FILLER
        *range(0xFFF0, 0xFFFC),  # unassigned specials, interlinear annotation
        *range(0x1BCA0, 0x1BCA4),  # shorthand format controls
        *range(0x1D173, 0x1D17B),  # musical symbol format controls
        *range(0xE0000, 0xE0100),  # language tag, tag characters (ASCII smuggling)
        *range(0xE01F0, 0xE1000),  # unassigned default-ignorable
    ]
)
"""Zero-width and other characters that draw nothing (Unicode's default-ignorables, less the
variation selectors and the Mongolian free variation selectors, which select glyphs)."""

_VARIATION_SELECTORS = frozenset([*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)])
_LINE_SEPARATORS = frozenset([0x2028, 0x2029])
_C0 = frozenset(range(0x20))
_C1 = frozenset(range(0x80, 0xA0))
_DEL = 0x7F
_SURROGATES = range(0xD800, 0xE000)
_TAB, _LF, _CR = 0x09, 0x0A, 0x0D
_VS16 = "\ufe0f"


_ESCAPE_START = re.compile("[\x1b\x90\x98\x9b\x9d\x9e\x9f]")
_TAG_SEQUENCE = re.compile("[\U000e0020-\U000e007e]+\U000e007f")
_TOKEN = re.compile(r"⟪U\+[0-9A-F]{4,6}⟫")


def _char_class(codepoints: Iterable[int]) -> str:
    """A regex character class matching exactly ``codepoints``, written as ranges."""
    parts: list[str] = []
    ordered = sorted(set(codepoints))
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        lo, hi = ordered[i], ordered[j]
        parts.append(f"\\U{lo:08x}" if lo == hi else f"\\U{lo:08x}-\\U{hi:08x}")
        i = j + 1
    return "[" + "".join(parts) + "]"


_ASCII_SPECIAL_MULTILINE = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_ASCII_SPECIAL_SINGLE_LINE = re.compile("[\x00-\x1f\x7f]")


def _token(codepoint: int) -> str:
    return f"⟪U+{codepoint:04X}⟫"


def _replacement(codepoint: int) -> str:
    if codepoint in _C0:
        return chr(0x2400 + codepoint)  # Control Pictures: ␀ … ␟
    if codepoint == _DEL:
        return "\u2421"  # ␡
    if codepoint in _C1 or codepoint in _SURROGATES:
        return "\ufffd"
    return _token(codepoint)


def _special() -> frozenset[int]:
    """Every character the character pass looks at. A text with none of them is returned
    as is."""
    return frozenset(
        [
            *_C0,
            _DEL,
            *_C1,
            *_SURROGATES,
            *BIDI_CONTROLS,
            *INVISIBLE_FORMAT,
            *_VARIATION_SELECTORS,
            *_LINE_SEPARATORS,
        ]
    )


# The special characters as regex classes, written out: building them from the sets
# above costs ~10 ms on the first frame; a test checks they equal
# ``_char_class(_special())`` (and without TAB and LF), so they cannot drift.
_CLASS_TAIL = (
    r"\U0000007f-\U0000009f\U000000ad\U0000034f\U0000061c\U0000115f-\U00001160"
    r"\U000017b4-\U000017b5\U0000180e\U0000200b-\U0000200f\U00002028-\U0000202e"
    r"\U00002060-\U0000206f\U00003164\U0000d800-\U0000dfff\U0000fe00-\U0000fe0f"
    r"\U0000feff\U0000ffa0\U0000fff0-\U0000fffb\U0001bca0-\U0001bca3"
    r"\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
_SPECIAL_CLASS = r"[\U00000000-\U0000001f" + _CLASS_TAIL
_SPECIAL_CLASS_MULTILINE = r"[\U00000000-\U00000008\U0000000b-\U0000001f" + _CLASS_TAIL


class _Patterns:
    """The regexes of the character pass.

    Built on first use (:func:`_patterns`), not at import, as are the tables
    (:func:`_tables`): together they cover thousands of code points and cost ~25 ms, and
    plain ASCII text needs none of them.
    """

    def __init__(self) -> None:
        # A run of special characters, captured so that split() keeps the runs.
        self.split_multiline = re.compile("(" + _SPECIAL_CLASS_MULTILINE + "+)")
        self.split_single_line = re.compile("(" + _SPECIAL_CLASS + "+)")


class _Tables:
    """Replacements for the special characters, by line mode, and the escape sequences
    (built on first use, only for text that has a special character)."""

    def __init__(self) -> None:
        # Whole escape sequences, 7-bit and 8-bit. A sequence must be complete to be
        # removed; the ESC (or C1 introducer) of an incomplete one is left for the
        # character pass to show, so an unterminated OSC never swallows the rest of a
        # post. Payloads stop at any ESC or C1 character, which keeps the scan linear on
        # hostile input.
        self.escape_sequence = re.compile(
            r"""
              (?:\x1b\[|\x9b) [\x30-\x3f]* [\x20-\x2f]* [\x40-\x7e]                 # CSI ... final
            | (?:\x1b\]|\x9d) [^\x07\x1b\x80-\x9f]* (?:\x07|\x1b\\|\x9c)            # OSC ... BEL/ST
            | (?:\x1b[PX^_]|[\x90\x98\x9e\x9f]) [^\x1b\x80-\x9f]* (?:\x1b\\|\x9c)  # DCS SOS PM APC
            | \x1b [\x20-\x2f]* [\x30-\x4f\x51-\x57\x59-\x5a\x5c\x60-\x7e]          # ESC x, ESC ( B
            """,
            re.VERBOSE,
        )
        self.multiline: dict[int, str] = {cp: _replacement(cp) for cp in _special()}
        self.multiline.update({_TAB: "\t", _LF: "\n", _CR: "\n", 0x2028: "\n", 0x2029: "\n"})
        self.single_line: dict[int, str] = dict(self.multiline)
        self.single_line.update({_TAB: " ", _LF: " ", _CR: " ", 0x2028: " ", 0x2029: " "})
        # Single characters whose replacement does not depend on their neighbours.
        contextual = frozenset([ZWJ, ZWNJ, BOM, *_VARIATION_SELECTORS, *range(0xE0020, 0xE0080)])
        self.simple_multiline = {
            chr(cp): r for cp, r in self.multiline.items() if cp not in contextual
        }
        self.simple_single_line = {
            chr(cp): r for cp, r in self.single_line.items() if cp not in contextual
        }


_built_patterns: list[_Patterns] = []
_built_tables: list[_Tables] = []


def _patterns() -> _Patterns:
    if not _built_patterns:  # two threads may both build it; either result is the same
        _built_patterns.append(_Patterns())
    return _built_patterns[0]


def _tables() -> _Tables:
    if not _built_tables:
        _built_tables.append(_Tables())
    return _built_tables[0]


def _is_pictographic(char: str) -> bool:
    cp = ord(char)
    return 0x1F000 <= cp <= 0x1FFFF or 0x2600 <= cp <= 0x27BF or unicodedata.category(char) == "So"


def _both_pictographic(before: str, after: str) -> bool:
    return bool(before and after) and _is_pictographic(before) and _is_pictographic(after)


def _is_script_letter(char: str) -> bool:
    return ord(char) > 0x7F and unicodedata.category(char)[0] in "LM"


def _run_plan(run: str, before: str, after: str, *, letters: bool = True) -> tuple[int, int]:
    """How a maximal run of special characters is treated, given its two neighbours.

    Args:
        run: The run, one or more special characters.
        before: The character just before it, ``""`` at the start of the text.
        after: The character just after it, ``""`` at the end of the text.
        letters: Keep a joiner or non-joiner between two non-ASCII letters (display);
            code review reports those, as they can make two identifiers look the same.

    Returns:
        ``(kept, dropped)``: the first ``kept`` characters stay as they are, the next
        ``dropped`` are removed, and the rest are replaced. The neighbours are never special
        characters (the run is maximal) and cleaning leaves them unchanged, which is what
        makes cleaning idempotent.
    """
    first = ord(run[0])
    if not before:
        return (0, 1) if first == BOM else (0, 0)  # a leading byte-order mark is noise
    if ord(before) == BLACK_FLAG:
        tags = _TAG_SEQUENCE.match(run)
        if tags:
            return tags.end(), 0  # 🏴 + tag letters + CANCEL TAG: a subdivision flag
    kept = 1 if first in _VARIATION_SELECTORS and not before.isspace() else 0
    if len(run) - kept != 1 or not after or ord(run[kept]) not in (ZWJ, ZWNJ):
        return kept, 0
    # A lone joiner (after a kept variation selector, maybe) between two visible characters.
    if ord(run[kept]) == ZWJ and _is_pictographic(after):
        base_is_emoji = run[0] == _VS16 if kept else _is_pictographic(before)
        if base_is_emoji:
            return kept + 1, 0  # inside an emoji sequence (a family, a heart on fire)
    if letters and not kept and _is_script_letter(before) and _is_script_letter(after):
        return 1, 0  # between letters of a script that needs it (Persian, Devanagari)
    return kept, 0


def clean_text(text: str, *, multiline: bool = True) -> str:
    """Member text made safe and honest to display in a terminal.

    Complete escape sequences are removed; remaining controls become Control Pictures
    (``␛``, ``␡``) or ``�`` (C1 controls, lone surrogates); bidi controls and invisible
    characters become ``⟪U+XXXX⟫`` tokens. ``\\r\\n`` and a lone ``\\r`` become ``\\n``.
    Never raises; idempotent: cleaning clean text changes nothing.

    Args:
        text: Anything a member wrote.
        multiline: Keep newlines and tabs. When false (titles, names, tags) every line
            break and tab becomes a single space.

    Returns:
        The cleaned text. A text without any special character is returned as is.
    """
    if text.isascii():
        ascii_special = _ASCII_SPECIAL_MULTILINE if multiline else _ASCII_SPECIAL_SINGLE_LINE
        if ascii_special.search(text) is None:
            return text
    else:
        patterns = _patterns()
        splitter = patterns.split_multiline if multiline else patterns.split_single_line
        if splitter.search(text) is None:
            return text
    patterns, tables = _patterns(), _tables()
    if _ESCAPE_START.search(text) is not None:
        text = tables.escape_sequence.sub("", text)
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
    if multiline:
        splitter, table, simple = (
            patterns.split_multiline,
            tables.multiline,
            tables.simple_multiline,
        )
    else:
        splitter, table, simple = (
            patterns.split_single_line,
            tables.single_line,
            tables.simple_single_line,
        )
    # [plain, run, plain, run, ..., plain]: every run sits between two plain pieces, which
    # are empty only at the very start and end. A loop over a list is several times faster
    # than a re.sub callback when a hostile text is dense with runs.
    parts = splitter.split(text)
    for i in range(1, len(parts), 2):
        run = parts[i]
        replacement = simple.get(run)
        if replacement is not None:
            parts[i] = replacement
            continue
        before, after = parts[i - 1][-1:], parts[i + 1][:1]
        # Shortcuts for what emoji text is full of; _run_plan decides the same way.
        if run == _VS16 and before and not before.isspace():
            continue  # emoji presentation after its base
        if run == "\u200d" and _both_pictographic(before, after):
            continue  # a joiner inside an emoji sequence
        kept, dropped = _run_plan(run, before, after)
        if kept < len(run):
            parts[i] = run[:kept] + run[kept + dropped :].translate(table)
    return "".join(parts)


def clean_line(text: str) -> str:
    """Single-line member text (a title, a name, a tag).

    Args:
        text: Anything a member wrote.

    Returns:
        ``clean_text(text, multiline=False)``: newlines, carriage returns and tabs become
        spaces.
    """
    return clean_text(text, multiline=False)


def truncate(text: str, limit: int) -> str:
    """A cleaned string cut to at most ``limit`` characters, ending with ``…`` when cut.

    ``limit`` counts code points, not terminal cells. The cut never splits a ``⟪U+XXXX⟫``
    token and never leaves a dangling joiner or partial flag tag sequence, so a truncated
    clean string is still clean.

    Args:
        text: Text already passed through :func:`clean_text` or :func:`clean_line`.
        limit: The most characters to return; zero or less gives ``""``.

    Returns:
        ``text`` itself when it fits, otherwise a prefix followed by ``…``.
    """
    if limit <= 0:
        return ""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    opening = head.rfind("⟪")
    if opening != -1 and "⟫" not in head[opening:] and _TOKEN.match(text, opening):
        head = head[:opening]
    head = head.rstrip("\u200c\u200d")
    if head and 0xE0020 <= ord(head[-1]) <= 0xE007E:
        head = head.rstrip("".join(chr(cp) for cp in range(0xE0020, 0xE007F)))
    return head + "…"


@dataclass(frozen=True)
class InvisibleMark:
    """A character in a raw line of code that a reader cannot see for what it is.

    It draws nothing, draws as something else, or reorders the line; the code-review view
    marks it and shows a warning banner.

    Attributes:
        column: 0-based index (in code points, not cells) in the raw line.
        codepoint: The character, e.g. ``0x202E``.
        name: Its Unicode name, e.g. ``RIGHT-TO-LEFT OVERRIDE``, or ``ESCAPE`` for a
            control character.
    """

    column: int
    codepoint: int
    name: str


def _name(codepoint: int) -> str:
    if codepoint in _C0 or codepoint == _DEL:
        symbol = chr(0x2400 + codepoint) if codepoint in _C0 else "\u2421"
        return unicodedata.name(symbol).removeprefix("SYMBOL FOR ")
    if codepoint in _C1:
        return f"C1 CONTROL U+{codepoint:04X}"
    if codepoint in _SURROGATES:
        return f"SURROGATE U+{codepoint:04X}"
    return unicodedata.name(chr(codepoint), f"U+{codepoint:04X}")


def _invisibles(line: str) -> Iterator[int]:
    """Columns of the characters :func:`find_invisibles` reports."""
    for match in _patterns().split_multiline.finditer(line):
        start, end = match.span()
        before, after = line[start - 1 : start], line[end : end + 1]
        kept, dropped = _run_plan(match.group(), before, after, letters=False)
        for column in range(start + kept + dropped, end):
            if line[column] == "\r" and line[column + 1 : column + 2] in ("", "\n"):
                continue  # a line ending, not a trick
            yield column


def find_invisibles(line: str) -> list[InvisibleMark]:
    """The characters in a raw line of code (before cleaning) that a reader cannot see.

    Reports bidi controls (Trojan Source, CVE-2021-42574), zero-width and other invisible
    characters, and control characters, including the ESC that starts an escape sequence.
    Not reported: tabs, newlines, a ``\\r`` ending a line, and what :func:`clean_text` keeps
    because it does visible work (a joiner inside an emoji sequence, one variation selector
    after its base, a flag's tag characters, a byte-order mark at column 0). Unlike
    :func:`clean_text`, a joiner or non-joiner between two letters is reported: in an
    identifier it makes two different names look the same.

    Args:
        line: One raw line (more are fine: columns then index the whole string).

    Returns:
        One mark per such character, in order.
    """
    return [
        InvisibleMark(column, ord(line[column]), _name(ord(line[column])))
        for column in _invisibles(line)
    ]


def has_invisibles(text: str) -> bool:
    """Whether :func:`find_invisibles` would report anything in ``text``, but faster.

    Args:
        text: Raw text, one line or many.

    Returns:
        True when at least one character would be marked.
    """
    special = _ASCII_SPECIAL_MULTILINE if text.isascii() else _patterns().split_multiline
    if special.search(text) is None:
        return False
    return next(_invisibles(text), None) is not None
