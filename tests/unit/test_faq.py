"""The knowledge base: which answers it holds, in what order, and its pages."""

from __future__ import annotations

import random
import re

import msgspec
from hypothesis import example, given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from cohort_tui.domain import faq
from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.discussions import SearchIndex
from cohort_tui.domain.faq_pages import (
    body_blocks,
    faq_pages,
    html_body,
    md_body,
    md_text,
    page_stem,
)
from cohort_tui.domain.model import State
from cohort_tui.domain.ops import Op
from cohort_tui.domain.reduce import fold_ops
from tests.factories import OpMaker, small_cohort

HOSTILE_TITLE = "<script>alert(1)</script> [x](javascript:alert(2)) \x1b[31mred\u202e [b]bold[/b]"
HOSTILE_BODY = (
    "Hi <img src=x onerror=alert(3)> &amp; [click](javascript:alert(4))\n"
    "# not a heading\n- not a list\n1. nor this\n"
    "\x1b]8;;http://evil\x07link\x1b]8;;\x07 \u202eevil\n"
    "```\n<script>inside code</script>\n```\n"
    "`<b>code span</b>` and \\`<i>escaped tick</i>`"
)


def answered_cohort() -> list[Op]:
    """Threads on l1 (two answered), l3 (answered), none (answered), an unanswered one,
    one whose answer is hidden and one whose question is hidden."""
    m, ops = small_cohort()

    def thread(tid: str, title: str, lesson: str | None, author: str = "m_a") -> None:
        ops.append(
            m.op(
                author,
                k.ThreadCreate(
                    thread=tid, post=f"{tid}q", title=title, body=f"{title}?", lesson=lesson
                ),
            )
        )

    def answer(tid: str, body: str, author: str = "m_b", accept: bool = True) -> None:
        ops.append(m.op(author, k.PostCreate(post=f"{tid}a", thread=tid, body=body)))
        if accept:
            ops.append(m.op("m_men", k.ThreadAnswer(thread=tid, post=f"{tid}a")))

    thread("t1", "Why glob", "l1")
    answer("t1", "Use Path.glob")
    thread("t2", "Where venv", "l3")
    answer("t2", "In the project folder")
    thread("t3", "Later on l1", "l1", author="m_c")
    answer("t3", "Like this", author="m_rev")
    thread("t4", "General chat", None)
    answer("t4", "Welcome")
    thread("t5", "Unanswered", "l1")
    answer("t5", "maybe", accept=False)
    thread("t6", "Answer hidden", "l2")
    answer("t6", "spoiler")
    ops.append(m.op("m_men", k.PostHide(post="t6a", hidden=True, reason="spoiler")))
    thread("t7", "Question hidden", "l2")
    answer("t7", "fine")
    ops.append(m.op("m_men", k.PostHide(post="t7q", hidden=True, reason="off topic")))
    thread("t8", "Hostile " + HOSTILE_TITLE, "l4")
    answer("t8", HOSTILE_BODY)
    return ops


def test_sections_follow_the_curriculum_and_leave_out_hidden_posts() -> None:
    state = fold_ops(answered_cohort())
    sections = faq.faq_sections(state)
    assert [(s.lesson, [e.thread for e in s.entries]) for s in sections] == [
        ("l1", ["t1", "t3"]),
        ("l3", ["t2"]),
        ("l4", ["t8"]),
        (None, ["t4"]),
    ]
    first = sections[0].entries[0]
    assert (first.question, first.answer, first.answerer, first.answer_post) == (
        "Why glob?",
        "Use Path.glob",
        "m_b",
        "t1a",
    )
    assert sections[0].module_title == "Basics" and sections[-1].title == faq.GENERAL
    # With empty lessons: every live lesson, in order.
    every = faq.faq_sections(state, include_empty=True)
    assert [s.lesson for s in every] == ["l1", "l2", "l3", "l4", None]
    assert every[1].entries == ()
    assert faq.answered_count(every) == 5


def test_archived_lessons_come_after_the_live_ones() -> None:
    ops = answered_cohort()
    m = OpMaker(node="n_two", start=ops[-1].clock[0] + 1_000)
    ops.append(
        m.op("m_fac", k.LessonUpsert(lesson="l1", module="basics", title="One", archived=True))
    )
    sections = faq.faq_sections(fold_ops(ops))
    assert [s.lesson for s in sections] == ["l3", "l4", "l1", None]
    assert sections[2].archived


def test_lesson_first_and_search_narrowing() -> None:
    state = fold_ops(answered_cohort())
    sections = faq.faq_sections(state)
    assert [s.lesson for s in faq.lesson_first(sections, "l3")] == ["l3", "l1", "l4", None]
    assert faq.lesson_first(sections, None) == sections
    found = SearchIndex().search(state, "project folder")
    narrowed = faq.narrow(sections, found)
    assert [(s.lesson, [e.thread for e in s.entries]) for s in narrowed] == [("l3", ["t2"])]
    # Hidden answers are not searchable either.
    assert faq.narrow(sections, SearchIndex().search(state, "spoiler")) == []


def test_pages_are_the_same_bytes_for_the_same_ops_in_any_order() -> None:
    ops = answered_cohort()
    shuffled = ops[:]
    random.Random(7).shuffle(shuffled)
    one, two = faq_pages(fold_ops(ops)), faq_pages(fold_ops(shuffled + ops[:5]))
    assert one == two
    assert sorted(one) == [
        ".cohort-faq",
        "general.html",
        "general.md",
        "index.html",
        "index.md",
        "lessons/l1.html",
        "lessons/l1.md",
        "lessons/l3.html",
        "lessons/l3.md",
        "lessons/l4.html",
        "lessons/l4.md",
    ]
    assert "cohort --open thread:t1" in one["lessons/l1.md"]
    assert "<code>cohort --open thread:t1</code>" in one["lessons/l1.html"]
    assert "- Two: no answered questions yet" in one["index.md"]
    assert "[Why glob](lessons/l1.md#q-t1)" in one["index.md"]
    assert "spoiler" not in "".join(one.values()) and "Question hidden" not in "".join(one.values())


def test_hostile_text_is_inert_in_html() -> None:
    pages = faq_pages(fold_ops(answered_cohort()))
    page = pages["lessons/l4.html"]
    assert "<script" not in page and "<img" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;script&gt;inside code&lt;/script&gt;" in page  # code stays code, escaped
    assert "<code>&lt;b&gt;code span&lt;/b&gt;</code>" in page
    assert "javascript:" not in re.sub(r">[^<]*<", "><", page)  # only ever as text
    assert "default-src 'none'" in page
    for text in pages.values():
        assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text
    assert "⟪U+202E⟫" in page


def rendered(markdown: str) -> str:
    """What a CommonMark renderer (raw HTML allowed) makes of the Markdown."""
    return str(MarkdownIt("commonmark", {"html": True}).render(markdown))


def test_hostile_text_is_inert_in_markdown() -> None:
    pages = faq_pages(fold_ops(answered_cohort()))
    for name in ("lessons/l4.md", "index.md"):
        html = rendered(pages[name])
        tags = set(re.findall(r"<([a-z0-9]+)", html))
        assert tags <= {"h1", "h2", "p", "a", "ul", "li", "code", "pre", "strong", "br"}
        links = re.findall(r"<a ([^>]*)>", html)
        assert all(
            re.fullmatch(r'(id="q-[^"]+"|href="[a-z0-9./_-]+(#q-[^"]+)?")', attrs)
            for attrs in links
        ), links
    html = rendered(pages["lessons/l4.md"])
    assert "&lt;script&gt;inside code&lt;/script&gt;" in html
    assert "<p>Hi &lt;img" in html and "\n# not a heading<br />\n- not a list<br />\n1. nor" in html
    assert "<code>&lt;b&gt;code span&lt;/b&gt;</code>" in html
    # The member's backslash is text and the span after it stays a (harmless) code span.
    assert "\\<code>&lt;i&gt;escaped tick&lt;/i&gt;</code>" in html


MARKDOWN_CHARS = st.text(alphabet="`\\<>[]()*_#-+=!&|~:/ \nab1.;\"'", max_size=60)


@given(MARKDOWN_CHARS)
@example("\\`<img src=x>`")
@example("`` ` ``<i>x</i>")
@example("<http://x>")
def test_any_text_renders_as_text_in_markdown(body: str) -> None:
    html = rendered("\n".join(md_body(body)) + "\n")
    assert not set(re.findall(r"<([a-z]+)", html)) - {"p", "br", "code", "pre"}, html


@given(MARKDOWN_CHARS)
def test_any_text_is_escaped_in_html(body: str) -> None:
    out = html_body(body)
    stripped = re.sub(r"</?(p|br|pre|code)>", "", out)
    assert "<" not in stripped and ">" not in stripped


def test_blocks_and_names() -> None:
    assert body_blocks("a\n```py\nx = 1\n```\nb") == [
        ("text", "a"),
        ("code", "x = 1"),
        ("text", "b"),
    ]
    assert body_blocks("```\nnever closed") == [("code", "never closed")]
    assert md_text("1. two *three*") == "1\\. two \\*three\\*"
    section = faq.FaqSection(
        lesson="../Etc", title="", module=None, module_title="", archived=False, entries=()
    )
    stem = page_stem(section)
    assert re.fullmatch(r"etc-[0-9a-f]{10}", stem)
    assert page_stem(msgspec.structs.replace(section, lesson="l1")) == "l1"
    assert page_stem(msgspec.structs.replace(section, lesson="L1")) != "l1"  # case-blind disks
    assert page_stem(msgspec.structs.replace(section, lesson=None)) == "general"


def test_state_without_answers_has_an_index_only() -> None:
    _, ops = small_cohort()
    pages = faq_pages(fold_ops(ops))
    assert sorted(pages) == [".cohort-faq", "index.html", "index.md"]
    assert "0 answered questions" in pages["index.md"]
    assert isinstance(fold_ops(ops), State)
