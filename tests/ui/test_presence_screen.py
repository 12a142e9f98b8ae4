"""Presence on screen: Home's "here now" and the curriculum map's, from the presence
file other panes write; this pane's own entry, hidden by the config, gone on exit."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from cohort_tui.config import UserConfig
from cohort_tui.domain.presence import Seen
from cohort_tui.store.presence_file import beat, read_presence
from cohort_tui.ui.app import CohortApp
from cohort_tui.ui.screens.curriculum import CurriculumScreen
from cohort_tui.ui.widgets.row_list import RowList
from tests.ui.helpers import NOW, demo_replica, make_app, wait_for, workers_done

SIZE = (100, 30)


def others_here(root: Path) -> None:
    """Two other panes on the store: @lin on the JSON lesson, @zoe in Discussions."""
    demo_replica(root)
    beat(root, "pane-lin", Seen("m_lin", "lesson:io-json", NOW), NOW)
    beat(root, "pane-zoe", Seen("m_zoe", "discussions", NOW), NOW)


async def test_home_says_who_is_here_and_where(tmp_path: Path) -> None:
    root = tmp_path / "s"
    others_here(root)
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: len(app.presence.seats) == 2)
        panel = app.screen.query_one("#here-now", Static)
        await wait_for(pilot, lambda: panel.display)
        text = str(panel.render())
        assert text.startswith("2 here now:")
        assert "@lin on JSON: saving structured data" in text
        assert "@zoe in Discussions" in text
        # My own pane is in the file, on Home; I am not in my own list.
        mine = read_presence(root).panes[app.presence.pane]
        assert (mine.member, mine.where) == ("m_sam", "home")
        # @zoe's pane closes: gone from Home at the next heartbeat.
        beat(root, "pane-zoe", None, NOW)
        app.presence.beat()
        await wait_for(pilot, lambda: str(panel.render()).startswith("1 here now:"))
    assert app.presence.pane not in read_presence(root).panes  # gone when the app exits


async def test_nobody_else_here_hides_the_panel(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.presence.pane in read_presence(tmp_path / "s").panes)
        assert not app.screen.query_one("#here-now", Static).display


async def test_the_map_shows_who_is_on_a_lesson_now_and_where_i_am(tmp_path: Path) -> None:
    root = tmp_path / "s"
    others_here(root)
    app = make_app(root, open_target="lesson:io-json")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: len(app.presence.seats) == 2)
        screen = app.screen
        assert isinstance(screen, CurriculumScreen)
        meta = screen.query_one("#lesson-meta", Static)
        await wait_for(pilot, lambda: "● here now: @lin" in str(meta.render()))
        rows = {r.id: str(r.text) for r in screen.query_one("#lesson-list", RowList).rows}
        assert "●1 JSON: saving" in rows["lesson:io-json"]
        await wait_for(
            pilot, lambda: read_presence(root).panes[app.presence.pane].where == "lesson:io-json"
        )
        await pilot.press("j")  # to the next lesson: my pane says so
        await wait_for(
            pilot,
            lambda: read_presence(root).panes[app.presence.pane].where == "lesson:io-argparse",
        )
        await pilot.press("3")  # Discussions
        await wait_for(
            pilot, lambda: read_presence(root).panes[app.presence.pane].where == "discussions"
        )


async def test_a_member_who_hides_presence_writes_no_entry_but_sees_others(
    tmp_path: Path,
) -> None:
    root = tmp_path / "s"
    others_here(root)
    app = CohortApp(
        demo_replica(root),
        "m_sam",
        config=UserConfig(show_presence=False),
        poll_interval=0,
        save_settings=False,
        clock=lambda: NOW,
    )
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: len(app.presence.seats) == 2)
        await workers_done(pilot)  # every beat so far: none wrote this pane
        assert {s.member for s in read_presence(root).everyone()} == {"m_lin", "m_zoe"}


async def test_two_panes_on_one_store_see_each_other(tmp_path: Path) -> None:
    root = tmp_path / "s"
    sam = make_app(root)
    lin = make_app(root, "m_lin", open_target="lesson:io-files")
    async with sam.run_test(size=SIZE) as sam_pilot, lin.run_test(size=SIZE) as lin_pilot:
        mine = lin.presence.pane
        await wait_for(
            lin_pilot,
            lambda: (
                mine in (panes := read_presence(root).panes)
                and panes[mine].where == "lesson:io-files"
            ),
        )
        sam.presence.beat()
        await wait_for(
            sam_pilot,
            lambda: (
                [(s.member, s.where) for s in sam.presence.seats] == [("m_lin", "lesson:io-files")]
            ),
        )
        lin.presence.beat()
        await wait_for(lin_pilot, lambda: [s.member for s in lin.presence.seats] == ["m_sam"])


async def test_home_shown_again_catches_up_with_who_came_meanwhile(tmp_path: Path) -> None:
    root = tmp_path / "s"
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.presence.pane in read_presence(root).panes)
        await pilot.press("3")  # Discussions
        await wait_for(pilot, lambda: app.current_mode == "discussions")
        beat(root, "pane-lin", Seen("m_lin", "lesson:io-json", NOW), NOW)
        app.presence.beat()
        await wait_for(pilot, lambda: len(app.presence.seats) == 1)
        await pilot.press("1")  # back Home
        panel = app.screen.query_one("#here-now", Static)
        await wait_for(pilot, lambda: panel.display and "@lin" in str(panel.render()))
