"""The one way text from outside the process reaches a widget: sanitised, never markup.

Outside text is anything this process did not write itself: what members wrote, the
curriculum (lesson bodies, hints, rubrics), check output, file names, server replies,
config and theme values. ``Text`` objects are built from plain strings (Rich does not
parse markup in the ``Text`` constructor), after :mod:`cohort_tui.domain.sanitize`
removed terminal control sequences and made bidi and invisible characters visible.
Markdown from outside (a lesson body) is rendered by :func:`outside_markdown`, which
cleans the source and, because the Markdown parser decodes character references
(``&#x202E;``, ``&rlm;``) back into the characters we removed, every rendered segment
too (:class:`Inert`).

A ``str`` given to a widget (``Static``, ``Label``, ``Option``, ``border_title``) is
parsed as markup: give widgets the ``Text`` these functions return, never a string
built from outside text. ``tests/unit/test_ui_boundary.py`` checks the source for it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from rich.segment import Segment
from rich.text import Text

from cohort_tui.domain.model import State
from cohort_tui.domain.queries import handle_of
from cohort_tui.domain.sanitize import clean_line, clean_text, truncate

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderableType, RenderResult


def member_line(text: str, style: str = "", limit: int | None = None) -> Text:
    """One line of outside text (a title, a name, a tag, a file name) as a styled ``Text``."""
    cleaned = clean_line(text)
    if limit is not None:
        cleaned = truncate(cleaned, limit)
    return Text(cleaned, style=style, no_wrap=True, end="")


def member_block(text: str, style: str = "") -> Text:
    """Multi-line outside text (a post body, a hint, a message) as a ``Text``."""
    return Text(clean_text(text), style=style, end="")


class Inert:
    """A Rich renderable whose every segment has passed the sanitiser.

    For renderables that make text of their own from text we cleaned: Rich's Markdown
    decodes ``&#x202E;`` into a bidi override and ``&#x1b;`` into U+FFFD. Control
    segments are dropped, and links and click actions are taken off every style, so
    nothing a renderable produces from outside text can move the cursor, set a title,
    open a link or run an action.

    Args:
        renderable: Any Rich renderable built from outside text.
    """

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for text, style, control in console.render(self.renderable, options):
            if control:
                continue
            if style is not None and (style.link or style.meta):
                style = style.clear_meta_and_links()
            yield Segment(clean_text(text).replace("\t", " ") if text else text, style)


_REFERENCE = re.compile(r"&(?:#([0-9]{1,7})|#[xX]([0-9A-Fa-f]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));")


def _decoded(match: re.Match[str]) -> str | None:
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        from html.entities import html5  # a large table, only for lessons that use names

        return html5.get(name + ";")
    codepoint = int(decimal) if decimal is not None else int(hexadecimal, 16)
    return chr(codepoint) if codepoint <= 0x10FFFF else None


def _defuse_references(source: str) -> str:
    """Character references the Markdown parser would decode into characters the
    sanitiser shows differently (``&#x202E;``, ``&rlm;``), replaced by what the sanitiser
    makes of them: such a reference reads the same as the raw character would."""
    if "&" not in source:
        return source

    def replace(match: re.Match[str]) -> str:
        decoded = _decoded(match)
        if decoded is None:
            return match.group()
        cleaned = clean_text(decoded)
        return match.group() if cleaned == decoded else cleaned

    return _REFERENCE.sub(replace, source)


def outside_markdown(source: str) -> Inert:
    """Markdown from outside the process (a lesson body), safe to put in a ``Static``.

    The source is sanitised before parsing (escape sequences removed whole, so they
    cannot be split across Markdown syntax; character references that would decode to
    a control, bidi or invisible character shown as the sanitiser shows that character),
    and whatever the parser makes of it is sanitised again (:class:`Inert`). Links are
    shown as text with their address, never as hyperlinks.
    """
    from rich.markdown import Markdown  # markdown-it is only needed once a lesson shows

    from cohort_tui.ui.code_theme import PaletteSyntax

    cleaned = _defuse_references(clean_text(source))
    # Code blocks take their colours from the app's theme as they are drawn (Rich
    # accepts a SyntaxTheme object where its annotation says a name).
    code_theme: Any = PaletteSyntax()
    return Inert(Markdown(cleaned, code_theme=code_theme, hyperlinks=False))


def at_handle(state: State, member_id: str) -> str:
    """``@handle`` of a member, sanitised (the id when the member is unknown)."""
    return "@" + clean_line(handle_of(state, member_id))


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
