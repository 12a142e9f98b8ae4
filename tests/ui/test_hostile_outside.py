"""Outside text other than the curriculum, each where it reaches the screen: file names
in the submit dialog, text that lands in an editable field (a quoted post, a draft
file, a paste, a milestone being edited), toasts quoting errors, user themes and the
keymap. Every one is drawn inert (see :mod:`tests.ui.hostile`)."""

from __future__ import annotations

from pathlib import Path

import msgspec
from textual import events
from textual.widgets import Input, SelectionList, TextArea

from cohort_tui.domain import op_kinds as k
from cohort_tui.paths import config_dir
from cohort_tui.store.drafts import Drafts, SavedDraft
from cohort_tui.store.workspace import Replica
from cohort_tui.ui.app import CohortApp
from cohort_tui.ui.screens.compose import ComposeScreen
from cohort_tui.ui.screens.dialogs import PromptScreen
from cohort_tui.ui.screens.discussions import DiscussionsScreen
from cohort_tui.ui.screens.milestone_forms import SessionForm
from cohort_tui.ui.screens.submit_files import SubmitScreen
from cohort_tui.ui.widgets.post_view import PostView
from tests.ui.helpers import demo_replica, make_app, wait_for, workers_done
from tests.ui.hostile import ESCAPES, HOSTILE_LINE, INVISIBLE, MARKUP, assert_inert, screen_text

SIZE = (100, 30)
BODY = f"{MARKUP}\n{ESCAPES}\n{INVISIBLE}"


def hostile_names(work: Path) -> list[str]:
    """Files whose names carry escapes, markup and bidi overrides (all legal on Linux)."""
    names = [
        "\x1b]0;pwned title\x07evil.py",
        "[reverse]rev.py",  # a name cannot hold a closing tag's slash
        "report\u202eyp.txt",
        "\x1b[2Jclear.md",
    ]
    work.mkdir(parents=True, exist_ok=True)
    for name in names:
        (work / name).write_text("print('hi')\n")
    return names


async def test_file_names_in_the_submit_dialog_are_inert(tmp_path: Path) -> None:
    work = tmp_path / "pod"
    names = hostile_names(work)
    app = make_app(tmp_path / "s", member="m_mei", open_target="reviews")
    app.work_dir = work
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, SubmitScreen))
        await workers_done(pilot)  # the files are listed in a thread
        dialog = app.screen
        assert isinstance(dialog, SubmitScreen)
        text = assert_inert(app)
        assert "[reverse]rev.py" in text and "report⟪U+202E⟫yp.txt" in text
        files = dialog.query_one(SelectionList)
        files.select(names[0])
        dialog.query_one("#submit-title", Input).value = "x"
        (work / names[0]).write_bytes(b"\x00binary now")  # refused by name
        await pilot.press("ctrl+s")
        await pilot.pause()
        text = assert_inert(app)
        assert "leave out: evil.py" in text


async def test_quoting_a_hostile_post_puts_inert_text_in_the_composer(tmp_path: Path) -> None:
    root = tmp_path / "s"
    demo_replica(root)
    other = Replica(root)
    other.write(k.ThreadCreate(thread="t_e", post="p_e", title="Q", body=BODY), author="m_priya")
    app = make_app(root, open_target="thread:t_e")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DiscussionsScreen)
        app.screen.query_one(PostView).select("p_e")
        await pilot.press(">")  # reply quoting the post
        await wait_for(pilot, lambda: isinstance(app.screen, ComposeScreen))
        assert isinstance(app.screen, ComposeScreen)
        text = assert_inert(app)
        assert "[reverse]rev[/reverse]" in text
        assert "\x1b" not in app.screen.query_one(TextArea).text


async def test_editing_my_own_hostile_post_shows_it_inert(tmp_path: Path) -> None:
    """An op authored as me can come from anywhere (an import, another device)."""
    root = tmp_path / "s"
    demo_replica(root)
    Replica(root).write(
        k.ThreadCreate(thread="t_m", post="p_m", title="Mine", body=BODY), author="m_sam"
    )
    app = make_app(root, open_target="thread:t_m")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one(PostView).select("p_m")
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ComposeScreen))
        assert isinstance(app.screen, ComposeScreen)
        assert "[reverse]rev[/reverse]" in assert_inert(app)


async def test_a_draft_file_and_a_paste_are_inert(tmp_path: Path) -> None:
    root = tmp_path / "s"
    demo_replica(root)
    thread = Replica(root).state.cohort.welcome_thread  # type: ignore[union-attr]
    Drafts(root, "m_sam").save(f"reply.{thread}", SavedDraft(body=BODY))
    app = make_app(root, open_target=f"thread:{thread}")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, ComposeScreen))
        assert isinstance(app.screen, ComposeScreen) and app.screen.restored
        assert "[reverse]rev[/reverse]" in assert_inert(app)
        area = app.screen.query_one(TextArea)
        area.load_text("")
        app.post_message(events.Paste(f"pasted {ESCAPES} {INVISIBLE}"))
        await pilot.pause()
        assert area.text.startswith("pasted ") and "\x1b" not in area.text
        assert "⟪U+202E⟫evil" in assert_inert(app)


async def test_a_session_being_edited_is_inert_in_its_fields(tmp_path: Path) -> None:
    root = tmp_path / "s"
    demo_replica(root)
    Replica(root).write(
        k.SessionUpsert(
            session="s_e",
            title="[reverse]Live[/reverse] \x1b]0;pwned title\x07",
            start=1_795_100_000_000,
            link="https://x.example/\x1b]8;;https://evil\x1b\\",
            agenda=BODY,
        ),
        author="m_ada",
    )
    app = make_app(root, member="m_ada", open_target="milestones")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        app.screen.query_one("RowList").highlight("s_e")  # type: ignore[attr-defined]
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, SessionForm))
        assert isinstance(app.screen, SessionForm)
        assert "[reverse]Live[/reverse]" in assert_inert(app)


async def test_toasts_are_inert_whoever_raises_them(tmp_path: Path) -> None:
    """Toasts quote OS and server errors, file names and member text: ``notify`` is the
    one boundary they all pass."""
    app = make_app(tmp_path / "s")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        app.notify(f"Could not save: {HOSTILE_LINE}", title=f"Title {ESCAPES}")
        app.screen.notify(f"from a screen: {MARKUP}")
        await wait_for(pilot, lambda: "from a screen:" in screen_text(app))
        text = assert_inert(app)
        assert "[reverse]rev[/reverse]" in text and "from a screen:" in text
        assert "Title " in text
        assert app.is_running


async def test_a_hostile_user_theme_is_refused_with_an_inert_toast(tmp_path: Path) -> None:
    themes = config_dir() / "themes"
    themes.mkdir(parents=True)
    (themes / "\x1b]0;pwned title\x07evil.toml").write_text(
        'name = "[@click=app.quit]x[/] \\u001b]0;pwned title\\u0007"\nprimary = "#ff0000"\n'
    )
    (themes / "css.toml").write_text(
        'name = "css"\nprimary = "#ff0000"\n[variables]\n"block-cursor-foreground" = "red; }"\n'
    )
    app = CohortApp(demo_replica(tmp_path / "s"), "m_sam", poll_interval=0, save_settings=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: screen_text(app).count("Theme skipped") == 2)
        text = assert_inert(app)
        assert text.count("Theme skipped") == 2
        assert not any("click" in name or name == "css" for name in app.available_themes)
        assert app.is_running


async def test_a_hostile_keymap_is_refused_and_help_stays_inert(tmp_path: Path) -> None:
    config_dir().mkdir(parents=True)
    (config_dir() / "config.toml").write_text(
        '[keymap]\n"app.help" = "\\u001b]0;pwned title\\u0007"\n'
    )
    app = CohortApp(demo_replica(tmp_path / "s"), "m_sam", poll_interval=0, save_settings=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: "using defaults" in screen_text(app))
        assert "using defaults" in assert_inert(app)
        assert app.user_config.keymap == {}
        await pilot.press("question_mark")
        await pilot.pause()
        assert_inert(app)


async def test_a_line_comment_from_a_draft_file_is_inert_in_its_prompt(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        prompt = PromptScreen("Comment on x.py:1", value=f"kept {ESCAPES} [reverse]r[/reverse]")
        app.push_screen(prompt)
        await pilot.pause()
        assert "[reverse]r[/reverse]" in assert_inert(app)
        assert "\x1b" not in prompt.query_one(Input).value


def test_config_and_theme_values_are_checked_as_outside_text() -> None:
    from cohort_tui.config import UserConfig
    from cohort_tui.ui.themes import ThemeFile

    for keymap in ({"app.quit": "\x1b[2J"}, {"app.quit": "a\u202eb"}, {"x[y]": "q"}):
        try:
            msgspec.convert({"keymap": keymap}, UserConfig)
        except msgspec.ValidationError:
            continue
        raise AssertionError(f"accepted {keymap!r}")
    assert msgspec.convert({"keymap": {"app.mode.home": "f1,ö"}}, UserConfig).keymap
    for theme in (
        {"name": "[b]x[/b]", "primary": "red"},
        {"name": "ok", "primary": "red\x1b"},
        {"name": "ok", "primary": "red", "variables": {"a": "b; }"}},
    ):
        try:
            msgspec.convert(theme, ThemeFile)
        except msgspec.ValidationError:
            continue
        raise AssertionError(f"accepted {theme!r}")
    assert msgspec.convert({"name": "my-theme.2", "primary": "#ff0000 50%"}, ThemeFile)
