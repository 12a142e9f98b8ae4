"""Markdown for member posts, styled one line at a time and never interpreted.

Posts are read in a terminal, fast and safely: the text stays exactly what the member
wrote (the ``**`` and backticks stay visible), and only *styles* are added: headings,
emphasis, inline code, fenced code blocks, quotes, list markers. No links become
hyperlinks, nothing is parsed as Rich markup, and each line is styled on its own, so a
5,000-post thread only styles the lines on screen. The text given here is already
sanitised (:func:`cohort_tui.domain.sanitize.clean_text`).
"""

from __future__ import annotations

import re

from rich.cells import cell_len
from rich.text import Text

from cohort_tui.ui import palette

HEADING = "bold underline"
CODE = palette.CODE
FENCE = "dim"
QUOTE = "dim italic"
MARKER = "dim"
STRONG = "bold"
EMPHASIS = "italic"

_INLINE = re.compile(
    r"(?P<code>`[^`\n]+`)"
    r"|(?P<strong>\*\*[^*\n]+\*\*|__[^_\n]+__)"
    r"|(?P<em>(?<![\w*])\*[^*\s][^*\n]*\*(?![\w*])|(?<![\w_])_[^_\s][^_\n]*_(?![\w_]))"
)
_LIST = re.compile(r"^(\s*)([-*+]|\d{1,3}[.)])\s")


def is_fence(line: str) -> bool:
    return line.lstrip().startswith(("```", "~~~"))


def code_flags(lines: list[str]) -> list[bool]:
    """For each line, whether it is inside a fenced code block (fences included)."""
    flags: list[bool] = []
    inside = False
    for line in lines:
        if is_fence(line):
            flags.append(True)
            inside = not inside
        else:
            flags.append(inside)
    return flags


def style_line(line: str, in_code: bool) -> Text:
    """One logical line of a post as styled ``Text`` (the characters unchanged)."""
    text = Text(line, end="", no_wrap=True)
    if in_code:
        text.stylize(FENCE if is_fence(line) else CODE)
        return text
    stripped = line.lstrip()
    if stripped.startswith("#"):
        level = len(stripped) - len(stripped.lstrip("#"))
        if level <= 6 and stripped[level : level + 1] in (" ", ""):
            text.stylize(HEADING)
            return text
    if stripped.startswith(">"):
        text.stylize(QUOTE)
        return text
    listed = _LIST.match(line)
    if listed:
        text.stylize(MARKER, listed.start(2), listed.end(2))
    for found in _INLINE.finditer(line):
        kind = found.lastgroup
        start, end = found.span()
        if kind == "code":
            text.stylize(CODE, start, end)
        elif kind == "strong":
            text.stylize(MARKER, start, start + 2)
            text.stylize(STRONG, start + 2, end - 2)
            text.stylize(MARKER, end - 2, end)
        else:
            text.stylize(EMPHASIS, start + 1, end - 1)
    return text


def style_block(body: str) -> Text:
    """A whole post (used by the composer's preview, which is short)."""
    lines = body.split("\n")
    out = Text(end="")
    for index, (line, in_code) in enumerate(zip(lines, code_flags(lines), strict=True)):
        if index:
            out.append("\n")
        out.append_text(style_line(line, in_code))
    return out


_PIECE = re.compile(r"\S+\s*|\s+")


def wrap_offsets(line: str, width: int) -> list[tuple[int, int]]:
    """Where to break ``line`` to fit ``width`` cells: ``(start, end)`` character spans.

    Greedy word wrap; a word longer than the width is cut by cells. Wide characters
    (CJK, emoji) count as two cells. An empty line is one empty span.
    """
    width = max(1, width)
    if line.isascii():
        return _wrap_ascii(line, width)
    if cell_len(line) <= width:
        return [(0, len(line))]
    spans: list[tuple[int, int]] = []
    start = 0
    used = 0  # cells on the current line, trailing spaces included
    for piece in _PIECE.finditer(line):
        p_start, p_end = piece.span()
        word = piece.group().rstrip()
        word_size = _cells(word)
        if used + word_size <= width:
            used += _cells(piece.group())
            continue
        if used:
            spans.append((start, p_start))  # trailing spaces past the edge are cropped
            start, used = p_start, 0
        if word_size <= width:
            used = _cells(piece.group())
            continue
        for index in range(p_start, p_start + len(word)):  # a word wider than the line
            size = _cells(line[index])
            if used + size > width:
                spans.append((start, index))
                start, used = index, 0
            used += size
        used += p_end - (p_start + len(word))
    if start < len(line) or not spans:
        spans.append((start, len(line)))
    return spans


def _wrap_ascii(line: str, width: int) -> list[tuple[int, int]]:
    """The common case, one ``rfind`` per screen line: break after the last space that
    fits (the space stays at the end of the line, where it is cropped), or cut a word
    longer than the line."""
    spans: list[tuple[int, int]] = []
    start, size = 0, len(line)
    while size - start > width:
        cut = line.rfind(" ", start, start + width + 1)
        end = cut + 1 if cut > start else start + width
        spans.append((start, end))
        start = end
    spans.append((start, size))
    return spans


def _cells(text: str) -> int:
    return len(text) if text.isascii() else cell_len(text)
