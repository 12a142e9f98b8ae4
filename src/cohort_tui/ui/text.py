"""The one way member-written text reaches a widget: sanitised, never parsed as markup.

``Text`` objects are built from plain strings (Rich does not parse markup in the
``Text`` constructor), after :mod:`cohort_tui.domain.sanitize` removed terminal
control sequences and made bidi and invisible characters visible.
"""

from __future__ import annotations

from rich.text import Text

from cohort_tui.domain.sanitize import clean_line, clean_text, truncate


def member_line(text: str, style: str = "", limit: int | None = None) -> Text:
    """One line of member text (a title, a name, a tag) as a styled ``Text``."""
    cleaned = clean_line(text)
    if limit is not None:
        cleaned = truncate(cleaned, limit)
    return Text(cleaned, style=style, no_wrap=True, end="")


def member_block(text: str, style: str = "") -> Text:
    """Multi-line member text (a post body) as a ``Text``."""
    return Text(clean_text(text), style=style, end="")


def plain(*parts: str | tuple[str, str] | Text) -> Text:
    """Join our own strings (``"x"`` or ``("x", "style")``) and member ``Text`` pieces."""
    out = Text(end="")
    for part in parts:
        if isinstance(part, Text):
            out.append_text(part)
        elif isinstance(part, tuple):
            out.append(part[0], style=part[1])
        else:
            out.append(part)
    return out


def progress_bar(fraction: float, width: int, *, fill: str = "█", empty: str = "░") -> str:
    """A text progress bar that still reads without colour (``NO_COLOR``)."""
    fraction = min(1.0, max(0.0, fraction))
    filled = round(fraction * width)
    return fill * filled + empty * (width - filled)


def ago(ms: int, now: int) -> str:
    """``just now``, ``5m ago``, ``3h ago``, ``2d ago``, or a local date."""
    import time

    delta = (now - ms) // 1000
    if delta < 60:
        return "just now" if delta > -60 else "soon"
    if delta < 3_600:
        return f"{delta // 60}m ago"
    if delta < 86_400:
        return f"{delta // 3_600}h ago"
    if delta < 7 * 86_400:
        return f"{delta // 86_400}d ago"
    return time.strftime("%d %b", time.localtime(ms / 1000))


def local_time(ms: int, fmt: str = "%a %d %b %H:%M") -> str:
    """An epoch-ms instant in the local time zone."""
    import time

    return time.strftime(fmt, time.localtime(ms / 1000))
