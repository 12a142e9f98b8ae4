"""Text for static pages, shared by every export (the FAQ, the showcase).

Pure. Member text is sanitised first (escape sequences removed, bidi and invisible
characters shown as ``⟪U+202E⟫``), then escaped for the format: in Markdown, prose is
backslash escaped so it reads exactly as written (no links, no HTML, no emphasis) and
fenced code stays code; in HTML every text goes through :func:`html.escape`, and pages
carry no script and a Content-Security-Policy that forbids one.
"""

from __future__ import annotations

import html
import re
import time

from cohort_tui.domain.model import State
from cohort_tui.domain.sanitize import clean_line, clean_text

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_MD_INLINE = re.compile(r"([\\`*_\[\]<>&|~#!])")
_MD_LINE_START = re.compile(r"^(\s*(?:\d+)?)([-+=>.)])")
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")


def utc_day(ms: int) -> str:
    """``2026-11-19``: a day every replica writes alike (UTC, no local zone)."""
    return time.strftime("%Y-%m-%d", time.gmtime(ms / 1000))


def member_handle(state: State, member: str) -> str:
    """A member's handle, sanitised (their id when unknown)."""
    found = state.members.get(member)
    return clean_line(found.handle if found else member)


# -- bodies ---------------------------------------------------------------------------------


def body_blocks(body: str) -> list[tuple[str, str]]:
    """A post split into ``("text", ...)`` and ``("code", ...)`` blocks at its fences.

    An unclosed fence runs to the end, as the app shows it.
    """
    blocks: list[tuple[str, str]] = []
    lines: list[str] = []
    kind, fence = "text", ""
    for line in clean_text(body).split("\n"):
        found = _FENCE.match(line)
        if kind == "text" and found:
            if lines:
                blocks.append((kind, "\n".join(lines)))
            kind, lines, fence = "code", [], found.group(1)
        elif (
            kind == "code"
            and found
            and found.group(1)[0] == fence[0]
            and (len(found.group(1)) >= len(fence) and not line.strip(" `~"))
        ):
            blocks.append((kind, "\n".join(lines)))
            kind, lines = "text", []
        else:
            lines.append(line)
    if lines:
        blocks.append((kind, "\n".join(lines)))
    return [(k, text) for k, text in blocks if k == "code" or text.strip()]


def inline_parts(line: str) -> list[tuple[bool, str]]:
    """A line split into ``(False, text)`` and ``(True, `code span`)`` parts.

    A code span is a run of backticks, then anything, then a run of the same length, as
    CommonMark pairs them; because every other backtick and backslash is escaped, a
    Markdown renderer sees exactly these spans, and nothing else is ever raw.
    """
    parts: list[tuple[bool, str]] = []
    at = 0
    for found in _CODE_SPAN.finditer(line):
        if found.start() > at:
            parts.append((False, line[at : found.start()]))
        parts.append((True, found.group(0)))
        at = found.end()
    if at < len(line):
        parts.append((False, line[at:]))
    return parts


def md_text(text: str) -> str:
    """One line of sanitised text for Markdown: it reads exactly as written (no links, no
    HTML, no emphasis); only its `code spans` stay code."""
    escaped = "".join(
        part if code else _MD_INLINE.sub(r"\\\1", part) for code, part in inline_parts(text)
    )
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


def html_text(text: str) -> str:
    """One line of sanitised text for HTML: escaped, its `code spans` in ``<code>``."""
    out = []
    for code, part in inline_parts(text):
        if code:
            ticks = len(part) - len(part.lstrip("`"))
            out.append(f"<code>{html.escape(part[ticks:-ticks])}</code>")
        else:
            out.append(html.escape(part))
    return "".join(out)


def md_body(body: str) -> list[str]:
    """A post as Markdown lines: prose escaped (hard line breaks kept), code fenced."""
    out: list[str] = []
    for kind, text in body_blocks(body):
        if out:
            out.append("")
        if kind == "code":
            longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
            fence = "`" * max(3, longest + 1)
            out += [fence, *text.split("\n"), fence]
            continue
        for paragraph in re.split(r"\n\s*\n", text.strip("\n")):
            if out and out[-1] != "":
                out.append("")
            lines = [md_text(line.strip()) for line in paragraph.split("\n") if line.strip()]
            out += [line + "\\" for line in lines[:-1]] + lines[-1:]
    return out


def html_body(body: str) -> str:
    """A post as HTML: escaped paragraphs with line breaks, code in ``<pre>``."""
    out = []
    for kind, text in body_blocks(body):
        if kind == "code":
            out.append(f"<pre><code>{html.escape(text)}</code></pre>")
            continue
        for paragraph in re.split(r"\n\s*\n", text.strip("\n")):
            lines = [html_text(line.strip()) for line in paragraph.split("\n") if line.strip()]
            if lines:
                out.append("<p>" + "<br>\n".join(lines) + "</p>")
    return "\n".join(out)


def html_page(title: str, body: list[str], css: str) -> str:
    """A whole page: no script, and a policy that forbids one; ``title`` is raw text."""
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta http-equiv="Content-Security-Policy" '
            "content=\"default-src 'none'; style-src 'unsafe-inline'\">",
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{html.escape(title)}</title>",
            f"<style>{css}</style>",
            "</head>",
            "<body>",
            *body,
            "</body>",
            "</html>",
            "",
        ]
    )
