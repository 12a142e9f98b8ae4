"""A new thread's draft keeps its tags and lesson, not only title and body (issue 14,
bug 6)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Select, TextArea

from cohort_tui.store.drafts import Drafts, SavedDraft
from cohort_tui.ui.screens.compose import ComposeScreen
from tests.ui.helpers import make_app


async def test_tags_and_lesson_survive_closing_the_composer(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="discussions")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        composer = app.screen
        assert isinstance(composer, ComposeScreen)
        composer.query_one("#compose-title", Input).value = "Half a question"
        composer.query_one("#compose-tags", Input).value = "python, files"
        composer.query_one("#compose-lesson", Select).value = "io-json"
        composer.query_one(TextArea).insert("so far")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("n")
        composer = app.screen
        assert isinstance(composer, ComposeScreen) and composer.restored
        assert composer.query_one("#compose-title", Input).value == "Half a question"
        assert composer.query_one("#compose-tags", Input).value == "python, files"
        assert composer.query_one("#compose-lesson", Select).value == "io-json"


def test_a_draft_saved_before_tags_were_kept_still_loads(tmp_path: Path) -> None:
    drafts = Drafts(tmp_path, "m_sam")
    drafts.folder.mkdir(parents=True)
    (drafts.folder / "thread-new.json").write_text('{"title": "t", "body": "b"}')
    assert drafts.load("thread-new") == SavedDraft(title="t", body="b")
