"""The discussions screen, driven with the keyboard: reading, writing, moderating, finding."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
from textual.screen import Screen
from textual.widgets import Input, Select, Static, TextArea

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain import queries as q
from cohort_tui.store.log import LogPosition
from cohort_tui.store.workspace import Replica
from cohort_tui.ui.app import CohortApp
from cohort_tui.ui.screens.compose import ComposeScreen
from cohort_tui.ui.screens.dialogs import ChoiceScreen, PromptScreen, TextScreen
from cohort_tui.ui.screens.discussions import DiscussionsScreen
from cohort_tui.ui.widgets.post_view import PostView
from cohort_tui.ui.widgets.row_list import RowList
from tests.ui.helpers import make_app, wait_for

SIZE = (100, 30)


async def settle(pilot: Any) -> None:
    """Let messages settle (what a test waits for longer, it names with wait_for)."""
    await pilot.pause()


def shown(app: CohortApp) -> Screen[Any]:
    """The screen on top now (a call, so an earlier isinstance check does not narrow it)."""
    return app.screen


def pathlib_thread(app: CohortApp) -> str:
    return next(t.id for t in app.replica.state.threads.values() if "pathlib" in t.title)


def welcome_thread(app: CohortApp) -> str:
    return next(t.id for t in app.replica.state.threads.values() if "Welcome" in t.title)


def posts_text(app: Any) -> str:
    return str(app.screen.query_one(PostView).document_text())


def listed(app: Any) -> list[str]:
    return [row.id for row in app.screen.query_one(RowList).rows if row.selectable]


async def open_thread(app: Any, pilot: Any, thread: str) -> DiscussionsScreen:
    app.go(f"thread:{thread}")
    await settle(pilot)
    assert isinstance(app.screen, DiscussionsScreen)
    return app.screen


# -- reading ------------------------------------------------------------------------------


async def test_opening_a_thread_marks_it_read_and_lands_on_the_first_new_post(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path / "s", open_target="discussions")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        thread = pathlib_thread(app)
        assert q.unread_count(app.replica.state, "m_sam", thread) == 1
        app.screen.query_one(RowList).highlight(thread)
        await pilot.press("enter")
        await settle(pilot)
        assert q.unread_count(app.replica.state, "m_sam", thread) == 0
        view = app.screen.query_one(PostView)
        first_new = app.replica.state.threads[thread].posts[1]
        assert view.highlighted_id == first_new
        assert view.has_focus
        assert "pathlib for new code" in posts_text(app)
        assert "· new" in posts_text(app)  # stays marked while I read
        from cohort_tui.ui.widgets.cohort_header import CohortHeader

        recount = sum(n for _, n in q.unread_threads(app.replica.state, "m_sam"))
        assert app.screen.query_one(CohortHeader).unread == recount  # carried over, not stale


async def test_next_and_previous_new_post_keys(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_thread(app, pilot, welcome_thread(app))
        view = screen.query_one(PostView)
        source = screen.thread_pane.source
        new = source.new_posts() if source else []
        assert len(new) >= 3
        assert view.highlighted_id == new[0]
        await pilot.press("right_square_bracket")
        assert view.highlighted_id == new[1]
        await pilot.press("left_square_bracket")
        assert view.highlighted_id == new[0]
        await pilot.press("end", "right_square_bracket")
        await settle(pilot)
        assert "No more new posts" in [n.message for n in app._notifications][-1]
        # Pressed again while it shows, the same toast is not stacked over the thread.
        await pilot.press(*["right_square_bracket"] * 3)
        await settle(pilot)
        toasts = [n.message for n in app._notifications]
        assert toasts.count("No more new posts here.") == 1


async def test_post_cursor_moves_with_arrows(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_thread(app, pilot, welcome_thread(app))
        view = screen.query_one(PostView)
        await pilot.press("home")
        assert view.cursor == 0
        await pilot.press("down", "down")
        assert view.cursor == 2
        await pilot.press("up")
        assert view.cursor == 1
        await pilot.press("escape")
        assert screen.query_one(RowList).has_focus


# -- writing ------------------------------------------------------------------------------


async def test_reply_is_posted(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        thread = pathlib_thread(app)
        await open_thread(app, pilot, thread)
        await pilot.press("r")
        assert isinstance(app.screen, ComposeScreen)
        app.screen.query_one(TextArea).insert("Agreed. @omar thanks")
        await pilot.press("ctrl+s")
        await settle(pilot)
        posts = app.replica.state.threads[thread].posts
        last = app.replica.state.posts[posts[-1]]
        assert last.body == "Agreed. @omar thanks"
        assert last.reply_to is None
        assert app.screen.query_one(PostView).highlighted_id == last.id


async def test_quote_reply_links_and_quotes_the_highlighted_post(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        thread = pathlib_thread(app)
        screen = await open_thread(app, pilot, thread)
        quoted = screen.query_one(PostView).highlighted_id
        await pilot.press("greater_than_sign")
        assert isinstance(app.screen, ComposeScreen)
        area = app.screen.query_one(TextArea)
        assert area.text.startswith("> @omar wrote:\n> pathlib for new code.")
        area.insert("Thanks!")
        await pilot.press("ctrl+s")
        await settle(pilot)
        last = app.replica.state.posts[app.replica.state.threads[thread].posts[-1]]
        assert last.reply_to == quoted
        assert "↪ @omar: pathlib for new code." in posts_text(app)


async def test_new_thread_with_tags_and_lesson(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="discussions")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = len(app.replica.state.threads)
        await pilot.press("n")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ComposeScreen)  # refused: no title
        await pilot.press("escape")
        await settle(pilot)
        assert len(app.replica.state.threads) == before
        await pilot.press("n")
        composer = app.screen
        composer.query_one("#compose-title", Input).value = "[bold]Hi[/bold]"
        composer.query_one("#compose-tags", Input).value = "Python, #files files"
        composer.query_one("#compose-lesson", Select).value = "io-json"
        composer.query_one(TextArea).insert("body \x1b[2J")
        await pilot.press("ctrl+s")
        await settle(pilot)
        created = [t for t in app.replica.state.threads.values() if t.title == "[bold]Hi[/bold]"]
        assert len(created) == 1
        assert sorted(created[0].tags) == ["files", "python"]
        assert created[0].lesson == "io-json"
        shown = posts_text(app)
        assert "\x1b" not in shown and "body" in shown


async def test_edit_my_post_and_see_its_history(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        thread = pathlib_thread(app)
        screen = await open_thread(app, pilot, thread)
        await pilot.press("home")  # Sam's own opening post
        await pilot.press("e")
        assert isinstance(app.screen, ComposeScreen)
        area = app.screen.query_one(TextArea)
        area.load_text("Rewritten question about pathlib.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        first = app.replica.state.posts[app.replica.state.threads[thread].posts[0]]
        assert first.body == "Rewritten question about pathlib."
        assert len(first.edits) == 1
        assert "edited once" in posts_text(app)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, TextScreen)
        history = str(app.screen.query_one(Static).render()) + app.screen.body.plain
        assert "half the answers online" in history  # the earlier version
        await pilot.press("escape")
        await settle(pilot)
        assert shown(app) is screen
        await pilot.press("down", "e")  # omar's post: not mine
        await settle(pilot)
        assert shown(app) is screen
        assert "only your own" in [n.message for n in app._notifications][-1]


async def test_react_toggles_my_reaction(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        thread = pathlib_thread(app)
        screen = await open_thread(app, pilot, thread)
        post = screen.query_one(PostView).highlighted_id
        assert post is not None
        await pilot.press("plus")
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("enter")  # the first choice: 👍
        await settle(pilot)
        assert app.replica.state.posts[post].reactions["👍"] == ["m_sam"]
        assert "👍 1 (you)" in posts_text(app)
        await pilot.press("plus", "enter")
        await settle(pilot)
        assert app.replica.state.posts[post].reactions.get("👍", []) == []


async def test_accept_answer_as_the_thread_author(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        thread = pathlib_thread(app)
        screen = await open_thread(app, pilot, thread)
        answer = screen.query_one(PostView).highlighted_id
        await pilot.press("a")
        await settle(pilot)
        assert app.replica.state.threads[thread].answer == answer
        assert "✓ accepted answer" in posts_text(app)
        await pilot.press("a")  # again: removed
        await settle(pilot)
        assert app.replica.state.threads[thread].answer is None


async def test_learner_cannot_accept_in_someone_elses_thread_or_pin(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        thread = welcome_thread(app)
        await open_thread(app, pilot, thread)
        before = app.replica.state.threads[thread].answer
        await pilot.press("down", "a")
        await settle(pilot)
        assert app.replica.state.threads[thread].answer == before
        await pilot.press("p")
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any("Only the thread's author" in m for m in messages)
        assert any("Only a facilitator pins" in m for m in messages)


async def test_facilitator_pins_and_unpins(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", member="m_ada")
    async with app.run_test(size=SIZE) as pilot:
        thread = pathlib_thread(app)
        await open_thread(app, pilot, thread)
        await pilot.press("p")
        await settle(pilot)
        assert app.replica.state.threads[thread].pinned
        assert listed(app)[0] in (thread, welcome_thread(app))
        await pilot.press("p")
        await settle(pilot)
        assert not app.replica.state.threads[thread].pinned


async def test_mentor_hides_a_post_with_a_reason_and_shows_it_again(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", member="m_lin")
    async with app.run_test(size=SIZE) as pilot:
        thread = pathlib_thread(app)
        screen = await open_thread(app, pilot, thread)
        await pilot.press("home")
        post = screen.query_one(PostView).highlighted_id
        assert post is not None
        await pilot.press("x")
        assert isinstance(app.screen, PromptScreen)
        app.screen.query_one(Input).value = "spoiler [red]x[/red]"
        await pilot.press("enter")
        await settle(pilot)
        hidden = app.replica.state.posts[post].hidden
        assert hidden is not None and hidden.reason == "spoiler [red]x[/red]"
        text = posts_text(app)
        assert "[hidden by @lin: spoiler [red]x[/red]]" in text
        assert "half the answers online" not in text
        await pilot.press("x")  # shown again, no prompt
        await settle(pilot)
        assert app.replica.state.posts[post].hidden is None


async def test_learner_cannot_hide_someone_elses_post(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_thread(app, pilot, pathlib_thread(app))
        await pilot.press("x")  # omar's post is highlighted
        await settle(pilot)
        assert app.screen is screen
        assert "You can hide your own posts" in [n.message for n in app._notifications][-1]


# -- the composer ---------------------------------------------------------------------------


async def test_draft_survives_closing_and_is_removed_once_sent(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        thread = pathlib_thread(app)
        await open_thread(app, pilot, thread)
        await pilot.press("r")
        app.screen.query_one(TextArea).insert("half a thought")
        await pilot.press("escape")
        await settle(pilot)
        drafts = list((tmp_path / "s" / "drafts" / "m_sam").glob("*.json"))
        assert len(drafts) == 1
        await pilot.press("r")
        assert isinstance(app.screen, ComposeScreen)
        assert app.screen.restored
        assert app.screen.query_one(TextArea).text == "half a thought"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not list((tmp_path / "s" / "drafts" / "m_sam").glob("*.json"))


async def test_draft_is_saved_while_typing(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        await open_thread(app, pilot, pathlib_thread(app))
        await pilot.press("r")
        await pilot.press(*"typed")
        drafts = tmp_path / "s" / "drafts" / "m_sam"

        def saved() -> bool:  # after the save delay; no escape, as if the app crashed now
            return any("typed" in draft.read_text() for draft in drafts.glob("*.json"))

        await wait_for(pilot, saved)
        assert len(list(drafts.glob("*.json"))) == 1


async def test_preview_toggle_shows_the_post_as_it_will_read(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        await open_thread(app, pilot, pathlib_thread(app))
        await pilot.press("r")
        app.screen.query_one(TextArea).insert("# Heading\nuse `pathlib` **now** [bold]x\x1b[31m")
        await pilot.press("ctrl+t")
        await settle(pilot)
        preview = app.screen.query_one("#compose-preview-text", Static)
        assert preview.display and not app.screen.query_one(TextArea).display
        rendered = preview.render()
        plain = str(rendered)
        assert "[bold]x" in plain and "\x1b" not in plain
        await pilot.press("ctrl+t")
        assert app.screen.query_one(TextArea).has_focus


async def test_mention_completion_from_the_roster(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        await open_thread(app, pilot, pathlib_thread(app))
        await pilot.press("r")
        await pilot.press(*"thanks @li")
        await settle(pilot)
        help_line = str(app.screen.query_one("#compose-help", Static).render())
        assert "@lin" in help_line
        await pilot.press("tab")
        assert app.screen.query_one(TextArea).text == "thanks @lin "


@pytest.mark.skipif(os.name != "posix", reason="uses a shell script as $EDITOR")
async def test_external_editor_replaces_the_body(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\nprintf "written in vim\\n" > "$1"\n')
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.delenv("VISUAL", raising=False)
    app = make_app(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        await open_thread(app, pilot, pathlib_thread(app))
        await pilot.press("r", "ctrl+o")
        await settle(pilot)
        assert app.screen.query_one(TextArea).text == "written in vim"


# -- finding --------------------------------------------------------------------------------


async def test_unread_filter(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="discussions")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        everything = listed(app)
        await pilot.press("u")
        await settle(pilot)
        assert 0 < len(listed(app)) < len(everything)
        await pilot.press("u")
        assert listed(app) == everything


@pytest.mark.parametrize(
    ("label", "expect"),
    [
        ("unanswered", lambda s, t: s.threads[t].answer is None),
        ("mine (started or posted in)", None),
        ("mentions me", None),
        ("lesson: Files and paths", lambda s, t: s.threads[t].lesson == "io-files"),
    ],
)
async def test_filter_picker(tmp_path: Path, label: str, expect: Any) -> None:
    app = make_app(tmp_path / "s", open_target="discussions")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        everything = listed(app)
        await pilot.press("f")
        assert isinstance(app.screen, ChoiceScreen)
        keys = [key for key, text in app.screen.options if text.plain == label]
        assert keys, [text.plain for _, text in app.screen.options]
        app.screen.dismiss(keys[0])
        await settle(pilot)
        shown = listed(app)
        assert 0 < len(shown) <= len(everything)
        if expect is not None:
            assert all(expect(app.replica.state, t) for t in shown)
        assert label.split(":")[0].split(" ")[0] in str(
            app.screen.query_one("#disc-left").border_title
        )


async def test_tag_filter_and_search(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="discussions")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        assert isinstance(app.screen, ChoiceScreen)
        keys = [key for key, text in app.screen.options if text.plain == "#files"]
        app.screen.dismiss(keys[0])
        await settle(pilot)
        assert listed(app) == [pathlib_thread(app)]
        await pilot.press("f")
        app.screen.dismiss("all:")
        await settle(pilot)
        await pilot.press("slash", *"reviewers lik")
        await settle(pilot)
        assert listed(app) == [pathlib_thread(app)]  # found in a reply's body, by prefix
        await pilot.press("enter")
        assert app.screen.query_one(RowList).has_focus
        await pilot.press("slash", *"zzzz")
        await settle(pilot)
        assert listed(app) == []
        await pilot.press("escape")
        await settle(pilot)
        assert len(listed(app)) > 1


async def test_ask_from_a_lesson_opens_the_composer_anchored(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="lesson:io-json")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, ComposeScreen)
        assert "JSON" in app.screen.setup.heading
        app.screen.query_one("#compose-title", Input).value = "How strict is json.loads?"
        app.screen.query_one(TextArea).insert("It rejects trailing commas?")
        await pilot.press("ctrl+s")
        await settle(pilot)
        thread = next(
            t for t in app.replica.state.threads.values() if t.title == "How strict is json.loads?"
        )
        assert thread.lesson == "io-json"


# -- live -----------------------------------------------------------------------------------


async def test_mentions_and_replies_from_another_process_toast(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        other = Replica(tmp_path / "s")
        mine = pathlib_thread(app)  # Sam started this thread
        other.write(k.PostCreate(post="p_r1", thread=mine, body="Use pathlib."), author="m_lin")
        welcome = welcome_thread(app)
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


async def test_a_post_arriving_in_the_open_thread_appears_and_is_read(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        thread = pathlib_thread(app)
        await open_thread(app, pilot, thread)
        Replica(tmp_path / "s").write(
            k.PostCreate(post="p_live", thread=thread, body="live from pane two"), author="m_lin"
        )
        app.poll_store()
        await settle(pilot)
        assert "live from pane two" in posts_text(app)
        # The marker was written on opening: the next one waits (coalesced) ...
        assert q.unread_count(app.replica.state, "m_sam", thread) == 1
        await pilot.press("1")  # ... until I leave the thread
        await settle(pilot)
        assert q.unread_count(app.replica.state, "m_sam", thread) == 0


def my_read_ops(root: Path, thread: str) -> int:
    ops, _ = Replica(root).log.read_from(LogPosition())
    return sum(
        1
        for op in ops
        if isinstance(op.data, k.ThreadRead) and op.author == "m_sam" and op.data.thread == thread
    )


async def test_reading_a_streaming_thread_writes_one_marker_per_interval_and_one_on_leaving(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        thread = pathlib_thread(app)
        screen = await open_thread(app, pilot, thread)
        opened = my_read_ops(tmp_path / "s", thread)
        other = Replica(tmp_path / "s")
        for i in range(20):
            body = f"streamed post {i}"
            other.write(k.PostCreate(post=f"p_s{i}", thread=thread, body=body), author="m_lin")
            app.poll_store()
            await settle(pilot)
            assert body in posts_text(app)
        assert my_read_ops(tmp_path / "s", thread) == opened  # none within the interval
        screen.thread_pane.reads.every = 0.2  # the interval passes: one marker, and only one
        other.write(k.PostCreate(post="p_last", thread=thread, body="last"), author="m_lin")
        app.poll_store()
        await wait_for(pilot, lambda: my_read_ops(tmp_path / "s", thread) > opened)
        assert my_read_ops(tmp_path / "s", thread) == opened + 1
        assert q.unread_count(app.replica.state, "m_sam", thread) == 0
        screen.thread_pane.reads.every = 10.0
        other.write(k.PostCreate(post="p_after", thread=thread, body="after"), author="m_lin")
        app.poll_store()
        await settle(pilot)
        await pilot.press("1")  # leaving writes the one held back
        await settle(pilot)
        assert my_read_ops(tmp_path / "s", thread) == opened + 2
        assert q.unread_count(app.replica.state, "m_sam", thread) == 0


async def test_a_body_past_the_limit_is_refused_with_its_size(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        thread = pathlib_thread(app)
        await open_thread(app, pilot, thread)
        before = len(app.replica.state.threads[thread].posts)
        await pilot.press("r")
        app.screen.query_one(TextArea).load_text("x" * 1_000_000)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ComposeScreen)  # still open: nothing lost
        assert "1,000,000 characters" in [n.message for n in app._notifications][-1]
        assert len(app.replica.state.threads[thread].posts) == before


async def test_moving_focus_updates_the_footer_without_rebuilding_it(tmp_path: Path) -> None:
    from cohort_tui.ui.widgets.cohort_footer import CohortFooter

    app = make_app(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_thread(app, pilot, pathlib_thread(app))
        footer = screen.query_one(CohortFooter)
        in_thread = list(footer.shown_keys())
        assert "r" in in_thread and not footer.children  # one widget draws every key
        await pilot.press("escape")  # to the list
        await settle(pilot)
        assert list(footer.shown_keys()) == in_thread  # the screen's keys, in both
        await pilot.press("enter")  # back to the thread
        await settle(pilot)
        assert list(footer.shown_keys()) == in_thread
        assert screen.query_one(CohortFooter) is footer


async def test_a_lessons_threads_from_the_curriculum_map(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="lesson:io-files")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, DiscussionsScreen)
        shown = listed(app)
        assert shown == [pathlib_thread(app)]  # the one thread on that lesson
        assert "lesson" in str(app.screen.query_one("#disc-left").border_title)
