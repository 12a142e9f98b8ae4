"""Member text with escapes and markup renders literally on Home, never as styling."""

from __future__ import annotations

from pathlib import Path

from cohort_tui.domain import op_kinds as k
from cohort_tui.store.workspace import Replica
from tests.ui.helpers import make_app

HOSTILE_TITLE = "[bold]x[/bold] [@click=app.quit]q[/] \x1b]52;c;SGVsbG8=\x07\x1b[2J\u202eevil"


async def test_hostile_thread_title_is_shown_literally(tmp_path: Path) -> None:
    root = tmp_path / "s"
    app = make_app(root)
    other = Replica(root)
    other.write(
        k.ThreadCreate(thread="t_evil", post="p_evil", title=HOSTILE_TITLE, body="@sam look"),
        author="m_priya",
    )
    other.write(k.CohortUpdate(name="[red]Pod[/red]\x1b]0;title\x07"), author="m_ada")
    async with app.run_test(size=(120, 30)) as pilot:
        app.poll_store()
        await pilot.pause()
        strips = app.screen._compositor.render_strips()
        text = "\n".join(strip.text for strip in strips)
        assert "[bold]x[/bold]" in text
        assert "[@click=app.quit]q[/]" in text
        assert "⟪U+202E⟫evil" in text
        assert "[red]Pod[/red]" in text
        assert "\x1b]52" not in text and "\x1b[2J" not in text and "\x1b]0" not in text
        assert app.is_running  # the [@click=app.quit] did nothing
