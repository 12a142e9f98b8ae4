"""The quick-help chat screen: live messages, sending, unread marker, chat to thread."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, TextArea

from cohort_tui.domain import chat
from cohort_tui.domain import op_kinds as k
from cohort_tui.store.workspace import Replica
from cohort_tui.ui.screens.chat import ChatScreen
from cohort_tui.ui.screens.compose import ComposeScreen
from cohort_tui.ui.screens.dialogs import ChoiceScreen
from cohort_tui.ui.widgets.chat_view import ChatView
from tests.ui.helpers import demo_replica, make_app, wait_for
from tests.ui.hostile import HOSTILE_LINE, LONE, MARKUP, assert_inert, screen_text


async def test_opens_at_the_newest_with_the_unread_marker_and_marks_read(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="chat")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ChatScreen))
        view = app.screen.query_one(ChatView)
        await wait_for(pilot, lambda: view.message_ids)
        assert view.cursor == len(view.message_ids) - 1
        text = view.document_text()
        assert "── new messages ──" in text
        assert text.index("oh that's neat") < text.index("new messages") < text.index("saving")
        state = app.replica.state
        await wait_for(pilot, lambda: chat.unread_count(app.replica.state, "m_sam", "cohort") == 0)
        assert app.screen.query_one(Input).has_focus
        del state


async def test_typing_and_enter_sends_and_another_pane_sees_it(tmp_path: Path) -> None:
    root = tmp_path / "s"
    app = make_app(root, open_target="chat")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ChatScreen))
        await pilot.press(*"is the live session recorded?", "enter")
        view = app.screen.query_one(ChatView)
        ids = chat.messages(app.replica.state, "cohort")
        last = app.replica.state.chat_messages[ids[-1]]
        assert (last.author, last.text) == ("m_sam", "is the live session recorded?")
        assert app.screen.query_one(Input).value == ""
        assert view.highlighted_id == last.id
        # Another process (a second tmux pane) sees it, and answers.
        other = Replica(root)
        assert chat.messages(other.state, "cohort")[-1] == last.id
        other.write(
            k.ChatSend(message="c_answer", text="yes, in the session notes"), author="m_ada"
        )
        app.poll_store()
        await wait_for(pilot, lambda: view.highlighted_id == "c_answer")
        assert view.document_text().rstrip().endswith("ada  yes, in the session notes")


async def test_an_empty_enter_sends_nothing(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="chat")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ChatScreen))
        before = len(chat.messages(app.replica.state, "cohort"))
        await pilot.press("space", "space", "enter")
        assert len(chat.messages(app.replica.state, "cohort")) == before
        assert app.screen.query_one(Input).max_length == k.CHAT_MAX_CHARS


async def test_selected_messages_become_a_thread_on_the_lesson_picked(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="chat")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ChatScreen))
        view = app.screen.query_one(ChatView)
        await pilot.press("up")  # from the input to the messages
        assert view.has_focus
        await pilot.press("v", "up", "up")
        assert len(view.selected_ids()) == 3
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("down", "enter")  # the first lesson
        await wait_for(pilot, lambda: isinstance(app.screen, ComposeScreen))
        composer = app.screen
        title = composer.query_one("#compose-title", Input).value
        assert title == "the corrupt-file handling is a nice touch"
        body = composer.query_one(TextArea).text
        assert body.startswith("From the Cohort chat:")
        assert body.count("> @") == 3
        lesson = composer.query_one("#compose-lesson").value  # type: ignore[attr-defined]
        assert lesson in app.replica.state.lessons


async def test_hostile_messages_are_inert(tmp_path: Path) -> None:
    root = tmp_path / "s"
    app = make_app(root, open_target="chat")
    other = Replica(root)
    for n, text in enumerate([HOSTILE_LINE, MARKUP, LONE, "multi\nline\r\nmessage\x00"]):
        other.write(k.ChatSend(message=f"c_evil{n}", text=text), author="m_priya")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ChatScreen))
        # The messages are drawn once the view has laid them out: wait for the last one.
        await wait_for(pilot, lambda: "multi line message" in screen_text(app))
        text = assert_inert(app)
        assert "[@click=app.quit]q[/]" in text
        assert "⟪U+202E⟫evil" in text
        assert "multi line message" in text
        await pilot.click(ChatView)  # a click on the text runs nothing
        assert app.is_running


async def test_a_long_channel_lays_out_older_messages_as_they_come_into_view(
    tmp_path: Path,
) -> None:
    root = tmp_path / "s"
    other = demo_replica(root)
    other.write_many(
        [
            k.ChatSend(message=f"c_many{n:04d}", text=f"message {n} " * (1 + n % 7))
            for n in range(1500)
        ],
        author="m_priya",
    )
    newest = chat.newest_clock(other.state, "cohort")
    assert newest is not None
    other.write(k.ChatRead(channel="cohort", upto=newest), author="m_sam")  # no marker
    app = make_app(root, open_target="chat")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ChatScreen))
        view = app.screen.query_one(ChatView)
        await wait_for(pilot, lambda: len(view.message_ids) > 1500)
        assert view._cut > 0  # only the newest are laid out
        view.focus()
        await pilot.press("home")
        await wait_for(pilot, lambda: view._cut == 0)
        await pilot.pause()
        assert view.highlighted_id == view.message_ids[0]
        assert view.scroll_offset.y == 0
        await pilot.press("end")
        await wait_for(pilot, lambda: view.scroll_offset.y > 0)
        assert "message 1499" in view.document_text().splitlines()[-1]


async def test_an_unread_marker_far_back_is_laid_out_when_it_comes_into_view(
    tmp_path: Path,
) -> None:
    root = tmp_path / "s"
    other = demo_replica(root)
    before = chat.messages(other.state, "cohort")[-1]
    other.write(
        k.ChatRead(channel="cohort", upto=other.state.chat_messages[before].clock), author="m_sam"
    )
    other.write_many(
        [k.ChatSend(message=f"c_back{n:04d}", text=f"backlog {n}") for n in range(1500)],
        author="m_priya",
    )
    app = make_app(root, open_target="chat")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ChatScreen))
        view = app.screen.query_one(ChatView)
        await wait_for(pilot, lambda: len(view.message_ids) > 1500)
        assert view._cut > 0  # opening lays out the newest only, not back to the marker
        assert "new messages" not in view.document_text()
        view.focus()
        await pilot.press("home")
        await wait_for(pilot, lambda: view._cut == 0)
        lines = view.document_text().splitlines()
        marker = next(i for i, line in enumerate(lines) if "── new messages ──" in line)
        assert "backlog 0" in lines[marker + 1]


async def test_hiding_a_message_redraws_it_as_hidden(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="chat")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ChatScreen))
        await pilot.press(*"oops wrong channel", "enter", "up")
        view = app.screen.query_one(ChatView)
        assert view.has_focus
        await pilot.press("x")
        await wait_for(pilot, lambda: "(message hidden)" in view.document_text())
        assert "oops wrong channel" not in view.document_text()


async def test_c_switches_to_my_pod_channel_and_sends_there(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="chat")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ChatScreen))
        screen = app.screen
        assert isinstance(screen, ChatScreen)
        await pilot.press("up", "c")
        assert screen.channel.startswith("pod:")
        title = screen.query_one("#chat-panel").border_title
        assert "Pod Kestrels" in str(title)  # the cohort was marked read on leaving
        await pilot.press("i", *"pairing at 8?", "enter")
        ids = chat.messages(app.replica.state, screen.channel)
        assert app.replica.state.chat_messages[ids[-1]].text == "pairing at 8?"
        await pilot.press("up", "c")
        assert screen.channel == "cohort"


async def test_a_hostile_message_turned_into_a_thread_is_inert_in_the_composer(
    tmp_path: Path,
) -> None:
    root = tmp_path / "s"
    replica = demo_replica(root)
    replica.write(k.ChatSend(message="c_evil", text=HOSTILE_LINE), author="m_priya")
    app = make_app(root, open_target="chat")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ChatScreen))
        await pilot.press("up", "t")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ComposeScreen))
        await pilot.pause()
        text = assert_inert(app)
        assert "[@click=app.quit]q[/]" in text


def _looks(view: ChatView, y: int) -> list[str]:
    return [str(segment.style) for segment in view.render_line(y)]


async def test_a_theme_switch_and_focus_redraw_the_chat_in_their_colours(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="chat")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ChatScreen))
        view = app.screen.query_one(ChatView)
        await wait_for(pilot, lambda: view.message_ids and not view._extending)
        cursor_y = view._first_row(view.cursor) - view.scroll_offset.y
        before = _looks(view, 0), _looks(view, cursor_y)
        view.focus()  # the cursor's row is marked while the view has focus
        await pilot.pause()
        assert _looks(view, 0) == before[0]
        assert _looks(view, cursor_y) != before[1]
        focused = _looks(view, cursor_y)
        app.theme = "cohort-light"
        await pilot.pause()
        await pilot.pause()
        assert _looks(view, 0) != before[0]
        assert _looks(view, cursor_y) != focused
