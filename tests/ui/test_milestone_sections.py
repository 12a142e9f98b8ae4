"""The tracker is six section widgets under one screen: a section's keys work, and show
in the footer, only while that section is shown, and a section runs on its own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from cohort_tui.ui.screens.dialogs import ChoiceScreen, PromptScreen
from cohort_tui.ui.screens.milestones import MilestonesScreen
from cohort_tui.ui.screens.milestones.roster_section import RosterSection
from cohort_tui.ui.screens.milestones.screen import SECTIONS
from cohort_tui.ui.screens.milestones.section import TrackerSection
from cohort_tui.ui.widgets.cohort_footer import CohortFooter
from cohort_tui.ui.widgets.row_list import RowList
from tests.ui.helpers import make_app

SIZE = (100, 30)
SECTION_KEYS = {"n", "e", "r", "x", "o", "w"}
"""Every key some section binds."""
KEYS = {
    "milestones": {"n", "e", "x"},
    "grid": {"x"},
    "sessions": {"n", "e", "r", "o"},
    "roster": {"e", "w"},
    "shoutouts": {"n"},
    "metrics": set(),
}


async def wait_for(pilot: Any, condition: Any) -> None:
    for _ in range(200):
        if condition():
            return
        await pilot.pause(0.01)
    raise AssertionError("condition never held")


async def test_each_section_shows_its_own_keys_and_only_one_is_mounted(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", member="m_ada", open_target="milestones")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, MilestonesScreen))
        screen = app.screen
        assert isinstance(screen, MilestonesScreen)
        for section in SECTIONS:
            await pilot.press(section.KEY)
            await wait_for(pilot, lambda s=section: screen.section == s.SECTION_ID)
            mounted = list(screen.query(TrackerSection))
            assert [type(m) for m in mounted] == [section]
            assert screen.focused is screen.query_one(RowList)
            shown = set(screen.query_one(CohortFooter).shown_keys()) & SECTION_KEYS
            assert shown == KEYS[section.SECTION_ID], section.SECTION_ID


async def test_a_sections_key_does_nothing_in_another_section(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", member="m_ada", open_target="milestones")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, MilestonesScreen))
        screen = app.screen
        await pilot.press("w")  # the roster's rotation key, in the milestones section
        await pilot.press("r")  # the sessions' RSVP key
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("p", "w")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        assert isinstance(app.screen, ChoiceScreen)
        assert app.screen.options[0][0].startswith("reviewer|")


async def test_the_cursor_follows_a_member_from_the_grid_to_the_roster(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", member="m_ada", open_target="milestones")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, MilestonesScreen))
        await pilot.press("g")
        await wait_for(pilot, lambda: app.screen.query_one(RowList).highlight("m_tomas"))
        await pilot.press("p")
        screen = app.screen
        assert isinstance(screen, MilestonesScreen)
        await wait_for(pilot, lambda: screen.section == "roster")
        assert screen.query_one(RowList).highlighted_id == "m_tomas"


class _Alone(Screen[None]):
    """A screen holding one section and nothing else."""

    def __init__(self, section: TrackerSection) -> None:
        super().__init__()
        self.section = section

    def compose(self) -> ComposeResult:
        yield self.section


async def test_a_section_runs_on_its_own(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", member="m_ada")
    async with app.run_test(size=SIZE) as pilot:
        section = RosterSection()
        await app.push_screen(_Alone(section))
        section.refill()
        section.listing.focus()
        assert section.listing.highlight("m_tomas")
        await pilot.pause()
        assert "@tomas" in str(section.query_one("#ms-detail", Static).render())
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptScreen))
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, _Alone))
        await pilot.press("n")  # another section's key: nothing here binds it
        await pilot.pause()
        assert isinstance(app.screen, _Alone)


async def test_clicking_a_tab_shows_its_section(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", member="m_ada", open_target="milestones")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, MilestonesScreen))
        screen = app.screen
        assert isinstance(screen, MilestonesScreen)
        await pilot.click("#tab-sessions")
        await wait_for(pilot, lambda: screen.section == "sessions")
        await pilot.press("g")  # a key while the click's swap may still be settling
        await wait_for(pilot, lambda: screen.section == "grid")
        assert [type(s).__name__ for s in screen.query(TrackerSection)] == ["GridSection"]
