"""The showcase as static pages, for ``cohort export --format showcase`` (a demo night).

Pure: :func:`showcase_pages` returns ``{relative path: text}`` and writes nothing. One
Markdown and one HTML page list every entry (featured first, then newest) with its
authors, lesson, what was built, what feedback changed it, reactions and thanks. The
pages depend only on the ops (no "now", no replica), so every replica with the same ops
writes the same bytes. Text is sanitised and escaped by :mod:`page_text`, as the FAQ's.
"""

from __future__ import annotations

import html

from cohort_tui.domain.model import ShowcaseEntry, State
from cohort_tui.domain.page_text import (
    html_body,
    html_page,
    html_text,
    md_body,
    md_text,
    member_handle,
    utc_day,
)
from cohort_tui.domain.sanitize import clean_line
from cohort_tui.domain.showcase import ordered_entries

MARKER = ".cohort-showcase"
"""A file the export leaves in its folder, so a later export may replace its pages."""
PAGES = ("showcase.md", "showcase.html")

_CSS = (
    "body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;"
    "line-height:1.5}pre{background:#f4f4f4;padding:.5rem;overflow-x:auto}"
    ".meta{color:#555}.featured{border-left:4px solid #c80;padding-left:1rem}"
    "code{font-size:.95em}"
)


def _authors(state: State, entry: ShowcaseEntry) -> str:
    return ", ".join("@" + member_handle(state, a) for a in entry.authors)


def _lesson(state: State, entry: ShowcaseEntry) -> str:
    lesson = state.lessons.get(entry.lesson)
    return clean_line(lesson.title if lesson else entry.lesson)


def _reactions(entry: ShowcaseEntry) -> str:
    return "  ".join(
        f"{clean_line(emoji)} {len(who)}" for emoji, who in sorted(entry.reactions.items()) if who
    )


def _meta(state: State, entry: ShowcaseEntry) -> str:
    featured = "Featured · " if entry.featured else ""
    return (
        f"{featured}by {_authors(state, entry)} · {_lesson(state, entry)} · "
        f"published {utc_day(entry.published_at)}"
    )


def md_showcase(state: State) -> str:
    """The showcase as one Markdown page."""
    name = clean_line(state.cohort.name if state.cohort else "Cohort")
    entries = ordered_entries(state)
    count = len(entries)
    out = [
        f"# {md_text(name)}: showcase",
        "",
        f"{count} project{'' if count == 1 else 's'} shipped and approved by peer review.",
        "",
    ]
    for entry in entries:
        out += [
            f'<a id="e-{entry.id}"></a>',
            "",
            f"## {md_text(clean_line(entry.title))}",
            "",
            md_text(_meta(state, entry)),
            "",
            "**What we built**",
            "",
            *md_body(entry.built),
            "",
        ]
        if entry.feedback.strip():
            out += ["**What feedback changed**", "", *md_body(entry.feedback), ""]
        reactions = _reactions(entry)
        if reactions:
            out += [md_text(reactions), ""]
        if entry.thanks:
            out += ["**Thanks**", ""]
            for thanks in entry.thanks:
                line = f"@{member_handle(state, thanks.author)}: " + clean_line(thanks.text)
                out.append(f"- {md_text(line)}")
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def html_showcase(state: State) -> str:
    """The showcase as one plain HTML page (escaped, no script)."""
    name = clean_line(state.cohort.name if state.cohort else "Cohort")
    entries = ordered_entries(state)
    count = len(entries)
    body = [
        f"<h1>{html.escape(name)}: showcase</h1>",
        f"<p>{count} project{'' if count == 1 else 's'} shipped and approved by peer review.</p>",
    ]
    for entry in entries:
        anchor = html.escape(entry.id, quote=True)
        css = ' class="featured"' if entry.featured else ""
        body += [
            f'<section id="e-{anchor}"{css}>',
            f"<h2>{html_text(clean_line(entry.title))}</h2>",
            f'<p class="meta">{html.escape(_meta(state, entry))}</p>',
            "<h3>What we built</h3>",
            html_body(entry.built),
        ]
        if entry.feedback.strip():
            body += ["<h3>What feedback changed</h3>", html_body(entry.feedback)]
        reactions = _reactions(entry)
        if reactions:
            body.append(f'<p class="meta">{html.escape(reactions)}</p>')
        if entry.thanks:
            body += ["<h3>Thanks</h3>", "<ul>"]
            for thanks in entry.thanks:
                who = html.escape("@" + member_handle(state, thanks.author))
                body.append(f"<li>{who}: {html_text(clean_line(thanks.text))}</li>")
            body.append("</ul>")
        body.append("</section>")
    return html_page(f"{name}: showcase", body, _CSS)


def showcase_pages(state: State) -> dict[str, str]:
    """Every page of the showcase export: ``{relative path: text}``, sorted by path."""
    pages = {
        "showcase.md": md_showcase(state),
        "showcase.html": html_showcase(state),
        MARKER: "cohort-tui showcase export, format 1\n",
    }
    return dict(sorted(pages.items()))
