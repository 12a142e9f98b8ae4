"""A new member's Home starts with a checklist that ticks itself."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList, TextArea

from cohort_tui.domain import op_kinds as k
from cohort_tui.store.workspace import Replica
from cohort_tui.ui.screens.compose import ComposeScreen
from cohort_tui.ui.screens.dialogs import TextScreen
from tests.ui.helpers import NOW, demo_replica, make_app, wait_for


def agenda(app: object) -> list[str]:
    options = app.screen.query_one("#agenda", OptionList)  # type: ignore[attr-defined]
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_new_member_checklist(tmp_path: Path) -> None:
    root = tmp_path / "s"
    demo_replica(root)
    Replica(root).write(
        k.MemberAdd(member="m_new", handle="newbie", display_name="New Bie", roles=["learner"]),
        author="m_ada",
    )
    app = make_app(root, member="m_new")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        rows = agenda(app)
        assert rows[0] == "Getting started (0/3)"
        assert "☐ Read the cohort's charter and norms" in rows[2]
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, TextScreen)
        assert "Be kind" in app.screen.body.plain
        await pilot.press("escape")
        await pilot.pause()
        assert agenda(app)[0] == "Getting started (1/3)"
        options = app.screen.query_one("#agenda", OptionList)
        options.highlighted = 1  # introduce yourself
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ComposeScreen))
        assert isinstance(app.screen, ComposeScreen)
        app.screen.query_one(TextArea).insert("Hi, I'm new here!")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await app.switch_mode("home")
        await pilot.pause()
        assert agenda(app)[0] == "Getting started (2/3)"


async def test_members_of_two_weeks_see_no_checklist(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert not any("Getting started" in row for row in agenda(app))
        assert NOW  # the demo's Sam joined 16 days before NOW
