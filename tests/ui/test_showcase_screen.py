"""The showcase screen: reading, reacting, thanking, featuring, editing a write-up."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.showcase import ordered_entries
from cohort_tui.store.workspace import Replica
from cohort_tui.ui.screens.dialogs import ChoiceScreen, PromptScreen
from cohort_tui.ui.screens.showcase import ShowcaseScreen
from cohort_tui.ui.screens.showcase_form import ShowcaseForm
from tests.ui.helpers import demo_replica, make_app, wait_for
from tests.ui.hostile import HOSTILE_LINE, MARKUP, assert_inert


def _entry(app: object) -> object:
    return ordered_entries(app.replica.state)[0]  # type: ignore[attr-defined]


async def test_react_and_thank_as_a_member(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="showcase")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ShowcaseScreen))
        await pilot.pause()
        text = "\n".join(s.text for s in app.screen._compositor.render_strips())
        assert "notes: a tiny notes CLI" in text and "★" in text
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("down", "enter")  # 🎉
        await wait_for(pilot, lambda: "m_sam" in _entry(app).reactions.get("🎉", []))  # type: ignore[attr-defined]
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptScreen))
        await pilot.press(*"the error message idea is great", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ShowcaseScreen))
        thanks = _entry(app).thanks[-1]  # type: ignore[attr-defined]
        assert (thanks.author, thanks.text) == ("m_sam", "the error message idea is great")
        assert app.screen.check_action("feature", ()) is None  # not a facilitator
        assert app.screen.check_action("edit", ()) is None  # not an author


async def test_a_facilitator_features_and_the_author_edits(tmp_path: Path) -> None:
    root = tmp_path / "s"
    app = make_app(root, "m_ada", open_target="showcase")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ShowcaseScreen))
        await pilot.press("f")
        await wait_for(pilot, lambda: not _entry(app).featured)  # type: ignore[attr-defined]
    app = make_app(root, "m_jonas", open_target="showcase")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ShowcaseScreen))
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ShowcaseForm))
        title = app.screen.query_one("#form-title", Input)
        title.value = ""
        await pilot.press(*"notes, the CLI", "enter", "enter", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ShowcaseScreen))
        assert _entry(app).title == "notes, the CLI"  # type: ignore[attr-defined]


async def test_hostile_write_ups_and_thanks_are_inert(tmp_path: Path) -> None:
    root = tmp_path / "s"
    replica = demo_replica(root)
    entry = ordered_entries(replica.state)[0]
    replica.write(
        k.ShowcasePublish(
            entry=entry.id,
            submission=entry.submission,
            title=MARKUP[:120],
            built=HOSTILE_LINE,
            feedback=HOSTILE_LINE,
        ),
        author="m_jonas",
    )
    Replica(root).write(
        k.ShowcaseThank(entry=entry.id, thanks="ty_evil", text=HOSTILE_LINE[:200]),
        author="m_priya",
    )
    Replica(root).write(k.ShowcaseReact(entry=entry.id, emoji="\x1b[2J\u202e"), author="m_mei")
    app = make_app(root, open_target="showcase")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ShowcaseScreen))
        await pilot.pause()
        text = assert_inert(app)
        assert "[reverse]rev[/reverse]" in text
        assert app.is_running
