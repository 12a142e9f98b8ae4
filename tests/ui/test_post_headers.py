"""A post header says when once: "22 Nov 11:00", not "22 Nov · 22 Nov 11:00"
(issue 14, layout)."""

from __future__ import annotations

import re
from pathlib import Path

from cohort_tui.ui.widgets.post_view import PostView
from tests.ui.helpers import make_app


async def test_old_posts_show_their_date_once(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="discussions")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        welcome = next(t for t in app.replica.state.threads.values() if "Welcome" in t.title)
        app.go(f"thread:{welcome.id}")
        await pilot.pause()
        await pilot.pause()
        headers = [
            line
            for line in app.screen.query_one(PostView).document_text().splitlines()
            if line.startswith("@")
        ]
        assert headers
        for header in headers:
            dates = re.findall(r"\d\d [A-Z][a-z]{2}", header)
            assert len(dates) == 1, header
