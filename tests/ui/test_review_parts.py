"""The review screen's parts stand alone: each is driven here in a small app of its
own, with no cohort, store or review screen around it."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from cohort_tui.domain.model import Reply, Review, ReviewLine, Revision, SubmittedFile
from cohort_tui.domain.op_kinds import RubricExample
from cohort_tui.domain.submissions import line_comments_by_line
from cohort_tui.ui.palette import Palette
from cohort_tui.ui.screens.review.code_pane import ChangesReady, ReviewCode, revision_files
from cohort_tui.ui.screens.review.facts import HiddenCharsBanner, ReviewFacts

BEFORE = Revision(id="r1", created_at=1, files=[SubmittedFile(path="a.py", content="x = 1\n")])
AFTER = Revision(
    id="r2",
    created_at=2,
    files=[SubmittedFile(path="a.py", content="x = 1\ny = 2\nz = 3\n")],
)


class CodeApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.ready: list[ChangesReady] = []

    def compose(self) -> ComposeResult:
        yield ReviewCode(id="code")

    @on(ChangesReady)
    def _changes_ready(self, event: ChangesReady) -> None:
        self.ready.append(event)


async def until(pilot: Pilot[None], condition: Callable[[], object], tries: int = 200) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.01)
    assert condition()


async def test_the_code_pane_works_out_changes_and_finds_the_comments_under_the_cursor() -> None:
    app = CodeApp()
    async with app.run_test(size=(60, 20)) as pilot:
        code = app.query_one(ReviewCode)
        assert code.changes(BEFORE, AFTER) is None  # worked out in a thread
        await until(pilot, lambda: app.ready)  # the news bubbles up past the pane
        assert app.ready[0].key == ("r1", "r2")
        changes = code.changes(BEFORE, AFTER)  # kept: no second worker, no second message
        assert changes is not None and [f.path for f in changes] == ["a.py"]
        assert [n for n, _ in changes[0].rows if n is not None][-2:] == [2, 3]

        review = Review(
            id="v1",
            submission="s1",
            revision="r2",
            reviewer="m_rev",
            verdict="changes",
            submitted_at=3,
            lines=(ReviewLine(id="l1", path="a.py", line=2, body="why y?"),),
            replies=(Reply(id="y1", author="m_a", body="for z", at=4, comment="l1"),),
        )
        code.comments = line_comments_by_line(review)
        files = revision_files([(f.path, f.content) for f in AFTER.files], AFTER.diff)
        code.show(files)
        await pilot.pause()
        code.focus()
        assert code.cursor_line() == ("a.py", 1)
        assert code.cursor_comments() == []
        await pilot.press("j")  # the code view's own keys move the cursor
        await until(pilot, lambda: code.cursor_line() == ("a.py", 2))
        [comment] = code.cursor_comments()
        assert (comment.reviewer, comment.comment.body) == ("m_rev", "why y?")
        assert [r.body for r in comment.replies] == ["for z"]
        await app.workers.wait_for_complete()
    assert len(app.ready) == 1


class BannerApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ReviewFacts(id="facts")
        yield HiddenCharsBanner(id="banner")

    def on_mount(self) -> None:
        Palette(self).apply()  # the looks the parts name (cohort.warn ...), as the app does


async def test_the_banner_shows_only_over_code_with_hidden_characters() -> None:
    app = BannerApp()
    async with app.run_test(size=(80, 10)) as pilot:
        banner = app.query_one(HiddenCharsBanner)
        assert not banner.display
        banner.show_for(revision_files([("evil.py", "ok = 1\nif admin\u202e:\n")], ""))
        await pilot.pause()
        assert banner.display
        shown = str(banner.render())
        assert "1 hidden character" in shown and "evil.py:2" in shown
        banner.show_for(revision_files([("fine.py", "ok = 1\n")], ""))
        await pilot.pause()
        assert not banner.display


async def test_the_facts_show_a_calibration_example_as_plain_text() -> None:
    app = BannerApp()
    async with app.run_test(size=(80, 10)) as pilot:
        facts = app.query_one(ReviewFacts)
        title = "[bold red]boom[/] \x1b[31mred"
        example = RubricExample(title=title, path="ex.py", content="x = 1\n", scores={})
        facts.show_calibration(example)
        await pilot.pause()
        shown = str(facts.render())
        assert shown.startswith("Calibration: [bold red]boom[/]")  # markup stays text
        assert "\x1b" not in shown and "score this example" in shown
        facts.show_missing("This rubric has no example to calibrate on.")
        await pilot.pause()
        assert str(facts.render()) == "This rubric has no example to calibrate on."
