"""Saying where text from outside stops being UTF-8, so the person can find and fix it."""

from __future__ import annotations


def where_not_utf8(exc: UnicodeDecodeError) -> str:
    """``byte 0xff at line 3, column 7``: the first byte that is not UTF-8, with its
    line and column (1-based, counted in bytes) in the text that failed."""
    data = bytes(exc.object)
    start = exc.start
    line = data.count(b"\n", 0, start) + 1
    column = start - (data.rfind(b"\n", 0, start) + 1) + 1
    return f"byte {data[start]:#04x} at line {line}, column {column}"
