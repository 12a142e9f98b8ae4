"""The app shell: Home, help, themes, keymap, live refresh from another process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import OptionList

from cohort_tui.domain import op_kinds as k
from cohort_tui.store.workspace import Replica
from cohort_tui.ui.app import CohortApp
from cohort_tui.ui.screens.help import HelpScreen, KeyTable
from cohort_tui.ui.widgets.cohort_header import CohortHeader
from tests.ui.helpers import make_app


async def test_home_lists_what_needs_me(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        agenda = app.screen.query_one("#agenda", OptionList)
        ids = [agenda.get_option_at_index(i).id for i in range(agenda.option_count)]
        assert any(i and i.startswith("lesson:") for i in ids)
        assert any(i and i.startswith("milestone:") for i in ids)
        assert any(i and i.startswith("submission:") for i in ids)  # Sam's claimed review
        assert any(i and i.startswith("thread:") for i in ids)
        header = app.screen.query_one(CohortHeader)
        assert header.handle == "sam" and header.unread > 0


async def test_help_lists_every_binding_and_closes(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        keys = {row[2] for row in app.screen.rows}
        assert {"Help", "Quit", "Home"} <= keys
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_help_draws_its_table_once_per_screen_and_theme(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opening help again on the same screen renders no table (it took most of the key's
    time under load); another theme draws it again, in that theme."""
    KeyTable.DRAWN.clear()
    # The warm-up's steps draw too (a sample lesson, a CSS refresh): not counted here.
    monkeypatch.setattr(CohortApp, "WARM_AFTER", 3600.0)
    app = make_app(tmp_path / "s")
    async with app.run_test(size=(100, 30)) as pilot:
        rendered: list[object] = []
        render_lines = app.console.render_lines

        def counted(*args: Any, **kwargs: Any) -> Any:
            rendered.append(args[0])
            return render_lines(*args, **kwargs)

        monkeypatch.setattr(app.console, "render_lines", counted)
        await pilot.press("question_mark")
        await pilot.pause()
        first = len(rendered)
        assert first >= 1
        await pilot.press("q", "question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert len(rendered) == first
        shown = app.screen.query_one(KeyTable).render_line(0).text
        await pilot.press("q")
        app.theme = next(name for name in app.available_themes if name != app.theme)
        await pilot.press("question_mark")
        await pilot.pause()
        assert len(rendered) > first
        assert app.screen.query_one(KeyTable).render_line(0).text == shown
    assert len(KeyTable.DRAWN) <= KeyTable.DRAWN.maxsize


async def post_from_another_pane(app: CohortApp, pilot: Any, store: Path) -> None:
    """Another process of the pod posts; the app folds it."""
    other = Replica(store)
    thread = next(iter(other.state.threads))
    other.write(
        k.PostCreate(post="p_live", thread=thread, body="hello from pane two"), author="m_priya"
    )
    app.poll_store()
    await pilot.pause()


async def test_another_process_write_shows_up_live(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=(100, 30)) as pilot:
        header = app.screen.query_one(CohortHeader)
        before = header.unread
        await post_from_another_pane(app, pilot, tmp_path / "s")
        assert header.unread == before + 1


async def test_the_screen_under_help_stays_live(tmp_path: Path) -> None:
    """Home, dimmed behind help, takes another pane's post while help shows: closing help
    does not have to catch Home up first."""
    app = make_app(tmp_path / "s")
    async with app.run_test(size=(100, 30)) as pilot:
        home = app.screen
        header = home.query_one(CohortHeader)
        before = header.unread
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await post_from_another_pane(app, pilot, tmp_path / "s")
        assert header.unread == before + 1  # drawn behind the dialog
        refreshed: list[str] = []
        refresh_view = home.refresh_view  # type: ignore[attr-defined]

        def counted() -> None:
            refreshed.append("refresh")
            refresh_view()

        home.refresh_view = counted  # type: ignore[attr-defined]
        await pilot.press("q")
        await pilot.pause()
        assert app.screen is home and refreshed == []


async def test_theme_choice_is_saved(tmp_path: Path, monkeypatch: object) -> None:
    from cohort_tui.config import load_config

    app = make_app(tmp_path / "s")
    app.save_settings = True
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.theme == "cohort-dark"
        app.theme = "cohort-ansi"
        await pilot.pause()
    assert load_config()[0].theme == "cohort-ansi"


async def test_keymap_override_from_config(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    app.user_config.keymap = {"app.help": "f2"}
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f2")
        assert isinstance(app.screen, HelpScreen)


async def test_bad_user_theme_file_is_skipped_with_a_notice(tmp_path: Path) -> None:
    from cohort_tui.paths import config_dir

    themes = config_dir() / "themes"
    themes.mkdir(parents=True)
    (themes / "broken.toml").write_text("name = 'x'\nprimary = 'not-a-colour'\n")
    (themes / "garbage.toml").write_bytes(b"\x00\x01[[[")
    app = make_app(tmp_path / "s")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert sum("Theme skipped" in m for m in messages) == 2
        assert app.theme == "cohort-dark"


async def test_enter_on_an_agenda_item_routes(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=(100, 30)) as pilot:
        agenda = app.screen.query_one("#agenda", OptionList)
        agenda.focus()
        routed: list[str | None] = []
        app.go = routed.append  # type: ignore[method-assign,assignment]
        await pilot.press("enter")
        assert routed and routed[0] is not None and routed[0].startswith("lesson:")


async def test_a_log_damaged_while_running_is_reported_once(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=(100, 30)) as pilot:
        with (tmp_path / "s" / "ops.jsonl").open("ab") as f:
            f.write(b"garbage line\n")
        for _ in range(3):
            app.poll_store()
        await pilot.pause()
        problems = [n for n in app._notifications if "damaged op" in n.message]
        assert len(problems) == 1 and "cohort repair" in problems[0].message
        assert app.is_running
