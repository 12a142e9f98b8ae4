"""The Reviews screens as pictures: inbox, review view and rubric form, at two sizes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cohort_tui.ui.screens.review_view import ReviewScreen
from cohort_tui.ui.screens.rubric_form import RubricScreen
from tests.ui.helpers import make_app, mode_shown, screen_shown, workers_done

SIZES = [(100, 30), (80, 24)]


async def settle(pilot: Any) -> None:
    await mode_shown(pilot, "reviews")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_reviews_inbox(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    app = make_app(tmp_path / "s", open_target="reviews")
    assert snap_compare(app, terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_review_view(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    # Jonas's first revision, as Jonas: a review with a line comment and his reply inline.
    async def open_first_revision(pilot: Any) -> None:
        await mode_shown(pilot, "reviews")
        await pilot.press("tab", "enter")
        await screen_shown(pilot, ReviewScreen)
        await pilot.press("less_than_sign")
        await workers_done(pilot)
        await pilot.press(*["pagedown"] * 1)
        await pilot.pause()

    app = make_app(tmp_path / "s", member="m_jonas", open_target="reviews")
    assert snap_compare(app, terminal_size=size, run_before=open_first_revision)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_review_rubric_form(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    async def open_form(pilot: Any) -> None:
        await mode_shown(pilot, "reviews")
        await pilot.press("enter")
        await screen_shown(pilot, ReviewScreen)
        await pilot.press("v")
        await screen_shown(pilot, RubricScreen)

    app = make_app(tmp_path / "s", open_target="reviews")
    assert snap_compare(app, terminal_size=size, run_before=open_form)


def test_review_view_hostile_code(snap_compare: Any, tmp_path: Path) -> None:
    # Escape sequences, bidi controls, zero-width characters and markup in submitted code.
    from tests.ui.test_reviews_screen import hostile_submission

    app = make_app(tmp_path / "s", member="m_lin")

    async def open_it(pilot: Any) -> None:
        await mode_shown(pilot, "home")
        hostile_submission(app)
        app.go("submission:s_evil")
        await screen_shown(pilot, ReviewScreen)

    assert snap_compare(app, terminal_size=(100, 30), run_before=open_it)
