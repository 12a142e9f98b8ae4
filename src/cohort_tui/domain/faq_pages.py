"""The knowledge base as static pages: an index and one page per lesson, in Markdown and
in plain HTML, for ``cohort export --format faq``.

Pure: :func:`faq_pages` returns ``{relative path: text}`` and writes nothing. The pages
depend only on the ops (no "now", no replica, sorted everything), so two replicas with
the same ops write the same bytes.

Member text is sanitised first (escape sequences removed, bidi and invisible characters
shown as ``⟪U+202E⟫``), then escaped for the format: in Markdown, prose is backslash
escaped so it reads exactly as written (no links, no HTML, no emphasis) and fenced code
stays code; in HTML every text goes through :func:`html.escape`, pages carry no script
and a Content-Security-Policy that forbids one.
"""

from __future__ import annotations

import hashlib
import html
import re

from cohort_tui.domain.faq import FaqEntry, FaqSection, answered_count, faq_sections
from cohort_tui.domain.model import State
from cohort_tui.domain.page_text import (
    body_blocks,
    html_body,
    html_page,
    html_text,
    inline_parts,
    md_body,
    md_text,
    member_handle,
    utc_day,
)
from cohort_tui.domain.sanitize import clean_line

__all__ = [
    "GENERAL_PAGE",
    "LESSONS_DIR",
    "MARKER",
    "body_blocks",
    "faq_pages",
    "html_body",
    "html_text",
    "inline_parts",
    "md_body",
    "md_text",
    "page_path",
    "page_stem",
]

MARKER = ".cohort-faq"
"""A file the export leaves in its folder, so a later export may replace its pages."""
LESSONS_DIR = "lessons"
GENERAL_PAGE = "general"

_SAFE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


# -- names ---------------------------------------------------------------------------------


def page_stem(section: FaqSection) -> str:
    """The file name (without extension) of a section's page: the lesson id when it is a
    safe, lower-case file name; otherwise a name made from it with a digest, so two ids
    never share a page on any file system (``../x``, ``L1`` beside ``l1``)."""
    if section.lesson is None:
        return GENERAL_PAGE
    lesson = section.lesson
    if _SAFE_NAME.match(lesson):
        return lesson
    base = re.sub(r"[^a-z0-9_-]+", "-", lesson.lower()).strip("-")[:40] or "lesson"
    digest = hashlib.sha256(lesson.encode()).hexdigest()[:10]
    return f"{base}-{digest}"


def page_path(section: FaqSection, ext: str) -> str:
    """``lessons/<stem>.<ext>``, or ``general.<ext>`` for questions on no lesson."""
    stem = page_stem(section)
    return f"{stem}.{ext}" if section.lesson is None else f"{LESSONS_DIR}/{stem}.{ext}"


def open_command(thread: str) -> str:
    """The command that opens the thread in the app (thread ids are shell-safe)."""
    return f"cohort --open thread:{thread}"


# -- Markdown -------------------------------------------------------------------------------


def _md_title(state: State) -> str:
    name = state.cohort.name if state.cohort else "Cohort"
    return md_text(clean_line(name))


def _md_entry(state: State, entry: FaqEntry) -> list[str]:
    tags = " ".join("#" + clean_line(t) for t in entry.tags)
    asked = f"Asked by @{member_handle(state, entry.asker)} on {utc_day(entry.asked_at)}"
    out = [
        f'<a id="q-{entry.thread}"></a>',
        "",
        f"## {md_text(clean_line(entry.title))}",
        "",
        md_text(asked + (f" · {tags}" if tags else "")),
        "",
        *md_body(entry.question),
        "",
        f"**Accepted answer** by @{md_text(member_handle(state, entry.answerer))} on "
        f"{utc_day(entry.answered_at)}:",
        "",
        *md_body(entry.answer),
        "",
        f"Open the thread: `{open_command(entry.thread)}`",
        "",
    ]
    return out


def md_lesson_page(state: State, section: FaqSection) -> str:
    count = len(section.entries)
    where = md_text(clean_line(section.module_title))
    out = [
        f"# {md_text(clean_line(section.title))}",
        "",
        f"{where} · {count} answered question{'' if count == 1 else 's'} · "
        f"[all lessons](../index.md)"
        if section.lesson is not None
        else f"{count} answered question{'' if count == 1 else 's'} · [all lessons](index.md)",
        "",
    ]
    for entry in section.entries:
        out += _md_entry(state, entry)
    return "\n".join(out).rstrip("\n") + "\n"


def md_index(state: State, sections: list[FaqSection]) -> str:
    total = answered_count(sections)
    out = [f"# {_md_title(state)}: answered questions", ""]
    if state.course:
        out += [f"Course: {md_text(clean_line(state.course.title))}", ""]
    out += [
        f"{total} answered question{'' if total == 1 else 's'}. Each page lists a lesson's "
        "questions with the answer the cohort accepted, and the command that opens the "
        "thread in the app.",
        "",
    ]
    module = None
    for section in sections:
        if section.module_title != module:
            module = section.module_title
            if out[-1]:
                out.append("")
            out += [f"## {md_text(clean_line(module))}", ""]
        title = md_text(clean_line(section.title))
        if not section.entries:
            out.append(f"- {title}: no answered questions yet")
            continue
        count = len(section.entries)
        page = page_path(section, "md")
        out.append(f"- [{title}]({page}) ({count})")
        for entry in section.entries:
            out.append(f"  - [{md_text(clean_line(entry.title))}]({page}#q-{entry.thread})")
    return "\n".join(out).rstrip("\n") + "\n"


# -- HTML -----------------------------------------------------------------------------------

_CSS = (
    "body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;"
    "line-height:1.5}pre{background:#f4f4f4;padding:.5rem;overflow-x:auto}"
    ".meta{color:#555}.answer{border-left:4px solid #2a7;padding-left:1rem}"
    "code{font-size:.95em}"
)


def _html_entry(state: State, entry: FaqEntry) -> list[str]:
    tags = " ".join("#" + clean_line(t) for t in entry.tags)
    asked = f"Asked by @{member_handle(state, entry.asker)} on {utc_day(entry.asked_at)}"
    answered = f"Accepted answer by @{member_handle(state, entry.answerer)} on " + utc_day(
        entry.answered_at
    )
    return [
        f'<section id="q-{html.escape(entry.thread, quote=True)}">',
        f"<h2>{html_text(clean_line(entry.title))}</h2>",
        f'<p class="meta">{html.escape(asked + (f" · {tags}" if tags else ""))}</p>',
        html_body(entry.question),
        '<div class="answer">',
        f'<p class="meta"><strong>{html.escape(answered)}</strong></p>',
        html_body(entry.answer),
        "</div>",
        f'<p class="meta">Open the thread: <code>{html.escape(open_command(entry.thread))}'
        "</code></p>",
        "</section>",
    ]


def html_lesson_page(state: State, section: FaqSection) -> str:
    count = len(section.entries)
    title = clean_line(section.title)
    index = "../index.html" if section.lesson is not None else "index.html"
    summary = f"{count} answered question{'' if count == 1 else 's'}"
    if section.lesson is not None:
        summary = f"{clean_line(section.module_title)} · {summary}"
    body = [
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="meta">{html.escape(summary)} · <a href="{index}">all lessons</a></p>',
    ]
    for entry in section.entries:
        body += _html_entry(state, entry)
    return html_page(title, body, _CSS)


def html_index(state: State, sections: list[FaqSection]) -> str:
    name = clean_line(state.cohort.name if state.cohort else "Cohort")
    total = answered_count(sections)
    body = [f"<h1>{html.escape(name)}: answered questions</h1>"]
    if state.course:
        body.append(f"<p>Course: {html.escape(clean_line(state.course.title))}</p>")
    body.append(
        f"<p>{total} answered question{'' if total == 1 else 's'}. Each page lists a lesson's "
        "questions with the answer the cohort accepted, and the command that opens the "
        "thread in the app.</p>"
    )
    module = None
    open_list = False
    for section in sections:
        if section.module_title != module:
            if open_list:
                body.append("</ul>")
            module = section.module_title
            body += [f"<h2>{html.escape(clean_line(module))}</h2>", "<ul>"]
            open_list = True
        title = html.escape(clean_line(section.title))
        if not section.entries:
            body.append(f"<li>{title}: no answered questions yet</li>")
            continue
        page = html.escape(page_path(section, "html"), quote=True)
        body.append(f'<li><a href="{page}">{title}</a> ({len(section.entries)})<ul>')
        for entry in section.entries:
            anchor = html.escape(entry.thread, quote=True)
            body.append(
                f'<li><a href="{page}#q-{anchor}">{html_text(clean_line(entry.title))}</a></li>'
            )
        body.append("</ul></li>")
    if open_list:
        body.append("</ul>")
    return html_page(f"{name}: answered questions", body, _CSS)


# -- everything -----------------------------------------------------------------------------


def faq_pages(state: State) -> dict[str, str]:
    """Every page of the knowledge base: ``{relative path: text}``, sorted by path."""
    sections = faq_sections(state, include_empty=True)
    pages = {
        "index.md": md_index(state, sections),
        "index.html": html_index(state, sections),
        MARKER: "cohort-tui FAQ export, format 1\n",
    }
    for section in sections:
        if section.entries:
            pages[page_path(section, "md")] = md_lesson_page(state, section)
            pages[page_path(section, "html")] = html_lesson_page(state, section)
    return dict(sorted(pages.items()))
