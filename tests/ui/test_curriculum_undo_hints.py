"""Undo on the curriculum map undoes only what I did here; the hint line counts true
(issue 14, bugs 2 and 10)."""

from __future__ import annotations

from pathlib import Path

from cohort_tui.ui.screens.curriculum import CurriculumScreen
from tests.ui.helpers import lesson_pane_shown, make_app, wait_for

SIZE = (100, 30)


def status(app: object, lesson: str, member: str = "m_sam") -> str | None:
    p = app.replica.state.progress.get(member, {}).get(lesson)  # type: ignore[attr-defined]
    return p.status if p else None


def notices(app: object) -> list[str]:
    return [n.message for n in app._notifications]  # type: ignore[attr-defined]


async def test_undo_on_a_lesson_not_changed_here_changes_nothing(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="lesson:core-functions")
    async with app.run_test(size=SIZE) as pilot:
        await lesson_pane_shown(pilot)
        assert status(app, "core-functions") == "done"
        await pilot.press("u")
        await wait_for(pilot, lambda: "Nothing to undo." in notices(app))
        assert status(app, "core-functions") == "done"  # an old change is not reverted


async def test_done_on_a_done_lesson_leaves_nothing_to_undo(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="lesson:core-functions")
    async with app.run_test(size=SIZE) as pilot:
        await lesson_pane_shown(pilot)
        await pilot.press("d")  # already done: writes nothing
        await pilot.press("u")
        await wait_for(pilot, lambda: "Nothing to undo." in notices(app))
        assert status(app, "core-functions") == "done"


async def test_undo_still_undoes_my_own_changes_in_order(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="lesson:quality-pytest")
    async with app.run_test(size=SIZE) as pilot:
        await lesson_pane_shown(pilot)
        await pilot.press("s", "d", "u")
        assert status(app, "quality-pytest") == "doing"
        await pilot.press("u")
        assert status(app, "quality-pytest") == "todo"
        await pilot.press("u")
        assert status(app, "quality-pytest") == "todo"
        assert "Nothing to undo." in notices(app)


async def test_the_hint_line_says_when_every_hint_is_shown(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="lesson:core-functions")
    async with app.run_test(size=SIZE) as pilot:
        await lesson_pane_shown(pilot)
        screen = app.screen
        assert isinstance(screen, CurriculumScreen)
        lesson = screen.lesson
        assert lesson is not None and len(lesson.hints) >= 2
        for _ in lesson.hints:
            await pilot.press("h")
        meta = str(screen.query_one("#lesson-meta").render())
        total = len(lesson.hints)
        assert f"Hints: {total}/{total} shown" in meta
        assert "h for another" not in meta and "all shown" in meta
