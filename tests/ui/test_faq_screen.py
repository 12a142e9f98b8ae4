"""The FAQ view: answered questions by lesson, search, opening a thread at its answer,
live updates, and hostile text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Input, Static

from cohort_tui.domain import op_kinds as k
from cohort_tui.store.workspace import Replica
from cohort_tui.ui.screens.curriculum import CurriculumScreen
from cohort_tui.ui.screens.discussions import DiscussionsScreen
from cohort_tui.ui.screens.faq import FaqScreen
from cohort_tui.ui.widgets.post_view import PostView
from cohort_tui.ui.widgets.row_list import RowList
from tests.ui.helpers import demo_replica, make_app, wait_for
from tests.ui.test_hostile_discussions import (
    ESCAPES,
    INVISIBLE,
    MARKUP,
    assert_safe,
    screen_text,
)

SIZE = (100, 30)


def listed(app: Any) -> list[str]:
    """The thread ids of the questions listed, in order."""
    rows = app.screen.query_one("#faq-list", RowList).rows
    return [r.id.removeprefix("q:") for r in rows if r.selectable]


def lines(app: Any) -> list[str]:
    return [r.content().plain for r in app.screen.query_one("#faq-list", RowList).rows]


def detail(app: Any) -> str:
    return str(app.screen.query_one("#faq-detail", Static).render())


def answered(root: Path) -> dict[str, str]:
    """The demo's answered threads: lesson id -> thread id."""
    state = Replica(root).state
    return {t.lesson or "": t.id for t in state.threads.values() if t.answer}


async def test_f_on_discussions_lists_answers_by_lesson_and_enter_opens_the_answer(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path / "s", open_target="discussions")
    threads = answered(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, DiscussionsScreen))
        await pilot.press("F")
        await wait_for(pilot, lambda: isinstance(app.screen, FaqScreen))
        # Curriculum order: toolbox, core language, files, quality.
        assert listed(app) == [
            threads[lesson]
            for lesson in ("setup-python-venv", "core-functions", "io-json", "quality-pytest")
        ]
        assert lines(app)[:3] == [
            "Your toolbox",
            "  Python and virtual environments (1)",
            "    ✓ `source .venv/bin/activate` does nothing on my machine? · @lin",
        ]
        assert "✓ Accepted answer by @lin" in detail(app)
        await pilot.press("down")
        wanted = threads["core-functions"]
        await wait_for(pilot, lambda: "fizzbuzz" in detail(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DiscussionsScreen))
        answer = app.replica.state.threads[wanted].answer
        view = app.screen.query_one(PostView)
        await wait_for(pilot, lambda: view.highlighted_id == answer)
        assert (
            isinstance(app.screen, DiscussionsScreen) and app.screen.thread_pane.open_id == wanted
        )


async def test_search_narrows_and_escape_clears_then_closes(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="discussions")
    threads = answered(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, DiscussionsScreen))
        await pilot.press("F")
        await wait_for(pilot, lambda: isinstance(app.screen, FaqScreen))
        await pilot.press("slash", *"ENSURE_ascii")  # words anywhere, any case
        await wait_for(pilot, lambda: listed(app) == [threads["io-json"]])
        assert "Answered questions (1)" in str(app.screen.query_one("#faq-left").border_title)
        await pilot.press("enter")  # back to the list
        assert app.screen.query_one("#faq-list", RowList).has_focus
        search = app.screen.query_one("#faq-search", Input)
        search.value = "nothing like this anywhere"
        await wait_for(pilot, lambda: listed(app) == [])
        assert lines(app) == ["No answered question matches."]
        await pilot.press("escape")  # clears the search
        await wait_for(pilot, lambda: len(listed(app)) == 4)
        await pilot.press("escape")  # closes
        await wait_for(pilot, lambda: isinstance(app.screen, DiscussionsScreen))


async def test_from_a_lesson_its_answers_come_first(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="lesson:io-json")
    threads = answered(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, CurriculumScreen))
        screen = app.screen
        assert isinstance(screen, CurriculumScreen)
        await wait_for(pilot, lambda: screen.lesson is not None and screen.lesson.id == "io-json")
        await pilot.press("F")
        await wait_for(pilot, lambda: isinstance(app.screen, FaqScreen))
        assert listed(app)[0] == threads["io-json"]
        assert lines(app)[:2] == [
            "Files, JSON and the command line",
            "  JSON: saving structured data (1)",
        ]
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, CurriculumScreen))
        screen.query_one(RowList).highlight("lesson:io-files")  # nothing answered there
        await pilot.press("F")
        await wait_for(pilot, lambda: isinstance(app.screen, FaqScreen))
        assert lines(app)[0] == "None answered yet on Files and paths"
        assert len(listed(app)) == 4


async def test_answers_marked_or_hidden_elsewhere_show_up_live(tmp_path: Path) -> None:
    root = tmp_path / "s"
    demo_replica(root)
    other = Replica(root)
    app = make_app(root, open_target="discussions")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, DiscussionsScreen))
        await pilot.press("F")
        await wait_for(pilot, lambda: isinstance(app.screen, FaqScreen))
        assert len(listed(app)) == 4
        other.write(
            k.ThreadCreate(
                thread="t_new", post="p_q", title="Where do tests go", body="?", lesson="io-files"
            ),
            author="m_sam",
        )
        other.write(k.PostCreate(post="p_a", thread="t_new", body="tests/"), author="m_lin")
        other.write(k.ThreadAnswer(thread="t_new", post="p_a"), author="m_sam")
        app.poll_store()
        await wait_for(pilot, lambda: "t_new" in listed(app))
        other.write(k.PostHide(post="p_a", hidden=True, reason="wrong"), author="m_lin")
        app.poll_store()
        await wait_for(pilot, lambda: "t_new" not in listed(app))


async def test_hostile_titles_and_answers_render_literally(tmp_path: Path) -> None:
    root = tmp_path / "s"
    demo_replica(root)
    other = Replica(root)
    other.write(
        k.ThreadCreate(
            thread="h:0",  # any id: it may look like a heading row's
            post="p_evil_q",
            title=MARKUP + ESCAPES + INVISIBLE,
            body="<script>alert(1)</script>\n" + MARKUP,
            lesson="setup-terminal",
        ),
        author="m_priya",
    )
    other.write(
        k.PostCreate(post="p_evil_a", thread="h:0", body=ESCAPES + "\n" + INVISIBLE),
        author="m_zoe",
    )
    other.write(k.ThreadAnswer(thread="h:0", post="p_evil_a"), author="m_priya")
    for size in (SIZE, (80, 24)):
        app = make_app(root, open_target="discussions")
        async with app.run_test(size=size) as pilot:
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, DiscussionsScreen))
            await pilot.press("F")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, FaqScreen))
            assert listed(app)[0] == "h:0"  # setup-terminal is the first lesson
            await pilot.pause()
            shown = screen_text(app)
            assert_safe(shown)
            assert "[bold]b[/bold]" in shown  # markup as typed, in the list and the title
            assert "pwned title" not in shown
            text = detail(app)
            assert_safe(text)
            assert "<script>alert(1)</script>" in text and "[@click=app.quit]q[/]" in text
            assert "⟪U+202E⟫evil" in text
            for strip in app.screen._compositor.render_strips():
                for segment in strip:
                    assert segment.control is None
                    assert segment.style is None or segment.style.link is None
            assert app.is_running
