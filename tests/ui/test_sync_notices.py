"""What a sync has to tell the member (refused ops, ops re-sent after an id conflict)
reaches the app as plain, cleaned toasts."""

from __future__ import annotations

from pathlib import Path

from cohort_tui.sync.live import LiveStatus
from tests.ui.helpers import make_app


async def test_sync_notices_become_clean_toasts(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    hostile = "refused op_1: \x1b]0;pwned\x07[b]bold[/b] \x1b[2J gone"
    notices = (
        hostile,
        "conflict op_2: the server holds other content under this id; your op was sent "
        "again as op_3",
        "refused op_4: x",
        "refused op_5: y",
    )
    async with app.run_test(size=(100, 30)) as pilot:
        app.show_sync_status(LiveStatus("online", notices=notices))
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("sent again as op_3" in m for m in messages)
        first = next(m for m in messages if m.startswith("refused op_1"))
        assert "\x1b" not in first and "\x07" not in first and "pwned" not in first
        assert "[b]bold[/b]" in first  # shown as typed, never as markup
        assert any("1 more" in m and "cohort sync" in m for m in messages)
        assert not any("op_5" in m for m in messages)
