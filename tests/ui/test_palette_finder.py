"""The command palette finds lessons, threads, submissions, milestones and members by
name and opens them; hostile names show literally and inert."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.command import CommandList, CommandPalette
from textual.widgets import Input

from cohort_tui.domain import op_kinds as k
from cohort_tui.store.workspace import Replica
from cohort_tui.ui.finder import candidates
from cohort_tui.ui.screens.curriculum import CurriculumScreen
from cohort_tui.ui.screens.discussions import DiscussionsScreen
from cohort_tui.ui.screens.milestones import MilestonesScreen
from cohort_tui.ui.widgets.row_list import RowList
from tests.ui.helpers import make_app, wait_for
from tests.ui.hostile import ESCAPES, INVISIBLE, MARKUP, assert_inert

SIZE = (100, 30)


async def find(app: Any, pilot: Any, query: str) -> CommandPalette:
    """Open the palette, type ``query`` and wait for hits."""
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
    palette = app.screen
    assert isinstance(palette, CommandPalette)
    palette.query_one(Input).value = query
    hits = palette.query_one(CommandList)
    await wait_for(pilot, lambda: hits.option_count > 0)
    # Hits arrive in batches (a quarter second apart), the list sorted again and its
    # first hit highlighted each time: wait until the gathering is over.
    await wait_for(
        pilot,
        lambda: not any(w.is_running for w in palette.workers if w.node is palette),
        timeout=10,
    )
    await pilot.pause()
    return palette


def first_hit(palette: CommandPalette) -> str:
    hits = palette.query_one(CommandList)
    return str(hits.get_option_at_index(0).prompt).split("\n")[0]


async def open_first(app: Any, pilot: Any, palette: CommandPalette) -> None:
    """Enter: the highlighted hit, which is the first (the best) once the search is over."""
    assert palette.query_one(CommandList).highlighted == 0
    await pilot.press("enter")
    await wait_for(pilot, lambda: not isinstance(app.screen, CommandPalette))
    await pilot.pause()


async def test_a_thread_by_name_opens_in_discussions(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        thread = next(t for t in app.replica.state.threads.values() if "pathlib" in t.title)
        palette = await find(app, pilot, "thread pathlib")
        assert first_hit(palette).startswith("Thread: ")
        assert "pathlib" in first_hit(palette)
        await open_first(app, pilot, palette)
        await wait_for(pilot, lambda: isinstance(app.screen, DiscussionsScreen))
        listing = app.screen.query_one("#thread-list", RowList)
        await wait_for(pilot, lambda: listing.highlighted_id == thread.id)


async def test_a_lesson_by_name_opens_in_the_curriculum(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        lesson = list(app.replica.state.lessons.values())[-1]
        palette = await find(app, pilot, f"lesson {lesson.title}")
        assert first_hit(palette) == f"Lesson: {lesson.title}"
        await open_first(app, pilot, palette)
        await wait_for(pilot, lambda: isinstance(app.screen, CurriculumScreen))
        listing = app.screen.query_one("#lesson-list", RowList)
        await wait_for(pilot, lambda: listing.highlighted_id == f"lesson:{lesson.id}")


async def test_a_member_by_handle_opens_in_people(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        member = app.replica.state.members["m_priya"]
        palette = await find(app, pilot, f"member @{member.handle}")
        assert first_hit(palette).startswith(f"Member: @{member.handle}")
        await open_first(app, pilot, palette)
        await wait_for(pilot, lambda: isinstance(app.screen, MilestonesScreen))
        screen = app.screen
        assert isinstance(screen, MilestonesScreen)
        await wait_for(pilot, lambda: screen.section == "roster")
        await wait_for(pilot, lambda: screen.query_one(RowList).highlighted_id == "m_priya")


async def test_milestones_and_submissions_are_found(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    found = {c.target.partition(":")[0] for c in candidates(app.replica.state)}
    assert found >= {"lesson", "thread", "submission", "milestone", "member"}
    async with app.run_test(size=SIZE) as pilot:
        milestone = next(iter(app.replica.state.milestones.values()))
        palette = await find(app, pilot, f"milestone {milestone.title}")
        assert first_hit(palette) == f"Milestone: {milestone.title}"
        help_line = str(palette.query_one(CommandList).get_option_at_index(0).prompt)
        assert "\nDue " in help_line
        await open_first(app, pilot, palette)
        screen = app.screen
        await wait_for(pilot, lambda: isinstance(app.screen, MilestonesScreen))
        assert isinstance(screen, MilestonesScreen)
        await wait_for(pilot, lambda: screen.query_one(RowList).highlighted_id == milestone.id)


async def test_system_commands_stay_beside_the_finder(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        palette = await find(app, pilot, "theme")
        prompts = [
            str(palette.query_one(CommandList).get_option_at_index(i).prompt)
            for i in range(palette.query_one(CommandList).option_count)
        ]
        assert any("theme" in p.lower() for p in prompts)


async def test_hostile_names_show_literally_and_open(tmp_path: Path) -> None:
    make_app(tmp_path / "s")  # builds the demo store
    other = Replica(tmp_path / "s")
    title = f"zebra {MARKUP} {ESCAPES} {INVISIBLE}"
    other.write(
        k.ThreadCreate(thread="t_evil", post="p_evil", title=title, body="hello"),
        author="m_priya",
    )
    other.write(k.MemberUpdate(member="m_priya", display_name=f"Zed {MARKUP}"), author="m_priya")
    app = make_app(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        palette = await find(app, pilot, "zebra")
        await pilot.pause()
        shown = assert_inert(app)
        assert "[bold]" in shown or "[reverse]" in shown  # markup shown as typed
        assert "pwned title" not in shown
        assert app.is_running
        await open_first(app, pilot, palette)
        await wait_for(pilot, lambda: isinstance(app.screen, DiscussionsScreen))
        listing = app.screen.query_one("#thread-list", RowList)
        await wait_for(pilot, lambda: listing.highlighted_id == "t_evil")

        palette = await find(app, pilot, "Zed")
        shown = assert_inert(app)
        assert "Member: @priya Zed [" in shown
        await pilot.press("escape")
