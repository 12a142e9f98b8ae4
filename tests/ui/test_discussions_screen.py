"""The discussions screen: open and read, reply, new thread, from a lesson."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Input, TextArea

from cohort_tui.domain import queries as q
from cohort_tui.ui.screens.compose import ComposeScreen
from cohort_tui.ui.screens.discussions import DiscussionsScreen
from tests.ui.helpers import make_app

SIZE = (100, 30)


async def settle(pilot: Any) -> None:
    await pilot.pause()
    await pilot.pause(0.1)


def pathlib_thread(app: Any) -> str:
    return next(t.id for t in app.replica.state.threads.values() if "pathlib" in t.title)


async def test_opening_a_thread_marks_it_read(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="discussions")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        thread = pathlib_thread(app)
        assert q.unread_count(app.replica.state, "m_sam", thread) == 1
        app.screen.query_one("#thread-list").highlight(thread)
        await pilot.press("enter")
        await settle(pilot)
        assert q.unread_count(app.replica.state, "m_sam", thread) == 0
        text = str(app.screen.query_one("#thread-posts").render())
        assert "pathlib for new code" in text


async def test_reply_is_posted(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        thread = pathlib_thread(app)
        app.go(f"thread:{thread}")
        await settle(pilot)
        assert isinstance(app.screen, DiscussionsScreen)
        await pilot.press("r")
        assert isinstance(app.screen, ComposeScreen)
        app.screen.query_one(TextArea).insert("Agreed. @omar thanks")
        await pilot.press("ctrl+s")
        await settle(pilot)
        posts = app.replica.state.threads[thread].posts
        assert app.replica.state.posts[posts[-1]].body == "Agreed. @omar thanks"


async def test_new_thread_needs_a_title_and_escape_writes_nothing(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="discussions")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = len(app.replica.state.threads)
        await pilot.press("n")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ComposeScreen)  # refused: no title
        await pilot.press("escape")
        assert len(app.replica.state.threads) == before
        await pilot.press("n")
        app.screen.query_one(Input).value = "[bold]Hi[/bold]"
        app.screen.query_one(TextArea).insert("body \x1b[2J")
        await pilot.press("ctrl+s")
        await settle(pilot)
        created = [t for t in app.replica.state.threads.values() if t.title == "[bold]Hi[/bold]"]
        assert len(created) == 1
        shown = str(app.screen.query_one("#thread-posts").render())
        assert "\x1b" not in shown


async def test_ask_from_a_lesson_opens_the_composer_anchored(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="lesson:io-json")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, ComposeScreen)
        assert "JSON" in app.screen.heading
        app.screen.query_one(Input).value = "How strict is json.loads?"
        app.screen.query_one(TextArea).insert("It rejects trailing commas?")
        await pilot.press("ctrl+s")
        await settle(pilot)
        thread = next(
            t for t in app.replica.state.threads.values() if t.title == "How strict is json.loads?"
        )
        assert thread.lesson == "io-json"


async def test_unread_filter(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="discussions")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rows = app.screen.query_one("#thread-list").rows
        await pilot.press("u")
        await settle(pilot)
        unread_rows = app.screen.query_one("#thread-list").rows
        assert 0 < len(unread_rows) < len(rows)


async def test_mentions_and_replies_from_another_process_toast(tmp_path: Path) -> None:
    from cohort_tui.domain import op_kinds as k
    from cohort_tui.store.workspace import Replica

    app = make_app(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        other = Replica(tmp_path / "s")
        mine = pathlib_thread(app)  # Sam started this thread
        other.write(k.PostCreate(post="p_r1", thread=mine, body="Use pathlib."), author="m_lin")
        welcome = next(t.id for t in app.replica.state.threads.values() if "Welcome" in t.title)
        other.write(
            k.PostCreate(post="p_m1", thread=welcome, body="hey @sam, welcome"), author="m_zoe"
        )
        other.write(
            k.PostCreate(post="p_x1", thread=welcome, body="nothing for sam"), author="m_zoe"
        )
        app.poll_store()
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any("@lin replied in your thread" in m for m in messages)
        assert any("@zoe mentioned you" in m for m in messages)
        assert len([m for m in messages if "@zoe" in m]) == 1
