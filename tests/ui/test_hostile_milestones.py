"""Hostile member text in the milestone tracker (shoutouts, names, bios, session agendas
and links, milestone titles) is shown literally, styles nothing and never reaches the
terminal."""

from __future__ import annotations

from pathlib import Path

from cohort_tui.domain import op_kinds as k
from cohort_tui.store.workspace import Replica
from cohort_tui.ui.widgets.row_list import RowList
from tests.ui.helpers import demo_replica, make_app
from tests.ui.test_hostile_discussions import ESCAPES, MARKUP, assert_safe, screen_text


async def test_every_section_renders_hostile_text_safely(tmp_path: Path) -> None:
    root = tmp_path / "s"
    demo_replica(root)
    other = Replica(root)
    other.write(
        k.ShoutoutCreate(shoutout="h_e", to="m_ada", message=MARKUP + ESCAPES), author="m_zoe"
    )
    other.write(
        k.MemberUpdate(member="m_zoe", display_name="Zoe " + MARKUP, bio=ESCAPES + "\u202ebio"),
        author="m_zoe",
    )
    other.write(
        k.SessionUpsert(
            session="s_evil",
            title="[bold]Live[/] \x1b]0;t\x07",
            start=1_795_100_000_000,
            link="https://x.example/\x1b]8;;https://evil\x1b\\",
            agenda=MARKUP + "\n" + ESCAPES,
        ),
        author="m_ada",
    )
    other.write(
        k.MilestoneUpsert(
            milestone="ms_evil", title="[red]M[/red] \x9b2J", due=1_795_500_000_000,
            lessons=["setup-terminal"], description=ESCAPES,
        ),
        author="m_ada",
    )  # fmt: skip
    app = make_app(root, member="m_ada", open_target="milestones")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for key, row in (
            ("m", "ms_evil"),
            ("s", "s_evil"),
            ("p", "m_zoe"),
            ("t", "h_e"),
            ("g", "m_zoe"),
        ):
            await pilot.press(key)
            await pilot.pause()
            app.screen.query_one(RowList).highlight(row)
            await pilot.pause()
            shown = screen_text(app)
            assert_safe(shown)
            for strip in app.screen._compositor.render_strips():
                for segment in strip:
                    assert segment.control is None
                    assert segment.style is None or segment.style.link is None
        await pilot.press("t")
        await pilot.pause()
        assert "[bold]b[/bold]" in screen_text(app)
        assert app.is_running
