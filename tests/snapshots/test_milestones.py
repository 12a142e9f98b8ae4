"""The milestone tracker as pictures: a learner's milestones, sessions and roster, and the
facilitator's grid, at 100x30 and 80x24."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.ui.helpers import make_app, mode_shown, workers_done

SIZES = [(100, 30), (80, 24)]
VIEWS = [
    ("milestones", "m_sam", []),
    ("sessions", "m_sam", ["s"]),
    ("roster", "m_sam", ["p", "down", "down"]),
    ("grid", "m_ada", ["g"]),
]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize(("view", "member", "keys"), VIEWS, ids=[v[0] for v in VIEWS])
def test_tracker(
    snap_compare: Any,
    tmp_path: Path,
    size: tuple[int, int],
    view: str,
    member: str,
    keys: list[str],
) -> None:
    async def go(pilot: Any) -> None:
        await mode_shown(pilot, "milestones")
        for key in keys:
            await pilot.press(key)
        await workers_done(pilot)

    app = make_app(tmp_path / "s", member=member, open_target="milestones")
    assert snap_compare(app, terminal_size=size, run_before=go)
