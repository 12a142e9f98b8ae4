"""The one boundary member-written text crosses before it reaches a terminal.

Textual's ``Content`` and Rich strip only BEL, BS, VT, FF and CR, so ESC, the other C0
and C1 controls and bidi overrides would reach the terminal. Everything a member wrote
(post bodies, titles, tags, names, code under review) passes through here first: escape
sequences are removed whole, stray controls become visible Control Pictures, and bidi
and invisible format characters become visible ``⟪U+202E⟫`` tokens. Pure stdlib.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Whole escape sequences: CSI, OSC (BEL or ST terminated, or cut off), DCS/SOS/PM/APC
# strings up to ST, two-character ESC sequences, and their 8-bit C1 forms.
_ESCAPE_SEQUENCE = re.compile(
    r"""
    (?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?       # CSI ... final
  | (?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?       # OSC ... BEL/ST
  | (?:\x1b[PX^_]|[\x90\x98\x9e\x9f])[^\x1b\x9c]*(?:\x1b\\|\x9c)?  # DCS/SOS/PM/APC
  | \x1b[\x20-\x2f]*[\x30-\x7e]                                  # ESC x, ESC ( B ...
    """,
    re.VERBOSE,
)

BIDI_CONTROLS = frozenset([0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])
"""Characters that reorder text on screen (Trojan Source, CVE-2021-42574)."""

INVISIBLE_FORMAT = frozenset(
    [
        0x00AD,
        0x034F,
        0x115F,
        0x1160,
        0x17B4,
        0x17B5,
        0x180E,
        0x200B,
        0x200C,
        0x200D,
        *range(0x2060, 0x2065),
        0x3164,
        0xFEFF,
        0xFFA0,
    ]
)
"""Zero-width and other characters that draw nothing."""

ZWJ = 0x200D

# Characters that need a closer look; a string with none of them is returned as is.
_SUSPICIOUS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"
    + "".join(re.escape(chr(c)) for c in sorted(BIDI_CONTROLS | INVISIBLE_FORMAT))
    + "\ud800-\udfff\r\t\n]"
)


def _token(codepoint: int) -> str:
    return f"⟪U+{codepoint:04X}⟫"


def _is_pictographic(char: str) -> bool:
    if not char:
        return False
    cp = ord(char)
    return (
        0x1F000 <= cp <= 0x1FAFF
        or 0x2600 <= cp <= 0x27BF
        or cp in (0xFE0F, 0x2640, 0x2642, 0x2695, 0x2696, 0x2708, 0x2764)
        or unicodedata.category(char) == "So"
    )


def _visible_char(text: str, index: int, multiline: bool) -> str:
    char = text[index]
    cp = ord(char)
    if char == "\n":
        return "\n" if multiline else " "
    if char == "\t":
        return "\t" if multiline else " "
    if cp < 0x20:
        return chr(0x2400 + cp)
    if cp == 0x7F:
        return "\u2421"
    if 0x80 <= cp <= 0x9F or 0xD800 <= cp <= 0xDFFF:
        return "\ufffd"
    if cp == ZWJ:
        before = text[index - 1] if index else ""
        after = text[index + 1] if index + 1 < len(text) else ""
        if _is_pictographic(before) and _is_pictographic(after):
            return char  # part of an emoji sequence such as a family
        return _token(cp)
    if cp == 0xFEFF and index == 0:
        return ""  # a byte-order mark at the very start is noise, not content
    if cp in BIDI_CONTROLS or cp in INVISIBLE_FORMAT:
        return _token(cp)
    return char


def clean_text(text: str, *, multiline: bool = True) -> str:
    """Member text made safe and honest to display.

    Args:
        text: Anything a member wrote.
        multiline: Keep newlines and tabs; otherwise they become spaces.

    Returns:
        The text with escape sequences removed, controls shown as Control Pictures,
        and bidi or invisible characters shown as ``⟪U+XXXX⟫`` tokens. Never raises;
        idempotent (cleaning clean text changes nothing).
    """
    if not _SUSPICIOUS.search(text):
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ESCAPE_SEQUENCE.sub("", text)
    if not _SUSPICIOUS.search(text):
        return text
    out: list[str] = []
    last = 0
    for match in _SUSPICIOUS.finditer(text):
        index = match.start()
        out.append(text[last:index])
        out.append(_visible_char(text, index, multiline))
        last = index + 1
    out.append(text[last:])
    return "".join(out)


def clean_line(text: str) -> str:
    """Single-line member text (a title, a name, a tag): newlines become spaces."""
    return clean_text(text, multiline=False)


def truncate(text: str, limit: int) -> str:
    """At most ``limit`` characters, ending with ``…`` when cut."""
    if limit <= 0:
        return ""
    if len(text) <= limit:
        return text
    return text[: limit - 1] + "…"


@dataclass(frozen=True)
class InvisibleMark:
    """A character in a raw line that displays as nothing or reorders the line."""

    column: int
    """0-based index in the raw line."""
    codepoint: int
    name: str


_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"
    + "".join(re.escape(chr(c)) for c in sorted(BIDI_CONTROLS | INVISIBLE_FORMAT))
    + "]"
)


def find_invisibles(line: str) -> list[InvisibleMark]:
    """Bidi controls, zero-width characters and other controls in a raw line of code."""
    return [
        InvisibleMark(
            m.start(), ord(m.group()), unicodedata.name(m.group(), f"U+{ord(m.group()):04X}")
        )
        for m in _INVISIBLE.finditer(line)
    ]


def has_invisibles(text: str) -> bool:
    """Whether any character :func:`find_invisibles` would mark occurs in ``text``."""
    return _INVISIBLE.search(text) is not None
