"""The Reviews screens, driven with the keyboard: inbox, claiming, submitting, reviewing
with line comments and the rubric, calibration, replies, helpful marks, revisions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.screen import Screen
from textual.widgets import Input, Select, SelectionList, Static, Tab, Tabs, TextArea

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain import queries as q
from cohort_tui.domain import review_view as rv
from cohort_tui.domain.model import State, Submission
from cohort_tui.domain.reduce import active_assignment
from cohort_tui.ui.app import CohortApp
from cohort_tui.ui.review_looks import BAND_LOOK
from cohort_tui.ui.screens.compose import ComposeScreen
from cohort_tui.ui.screens.dialogs import ChoiceScreen, PromptScreen, TextScreen
from cohort_tui.ui.screens.review_view import ReviewScreen
from cohort_tui.ui.screens.reviews import ReviewsScreen
from cohort_tui.ui.screens.rubric_form import RubricScreen
from cohort_tui.ui.screens.submit_files import SubmitScreen, text_files
from cohort_tui.ui.widgets.code_view import CodeView
from cohort_tui.ui.widgets.row_list import RowList
from tests.ui.helpers import make_app, wait_for, workers_done

SIZE = (100, 30)


async def settle(pilot: Any) -> None:
    """Until the file listings and diffs worked out in threads are in."""
    await workers_done(pilot)


def by_title(state: State, words: str) -> Submission:
    return next(s for s in state.submissions.values() if words in s.title)


def priya(state: State) -> Submission:
    return by_title(state, "tags and search")


def jonas(state: State) -> Submission:
    return by_title(state, "add and list")


def listed(app: Any) -> list[str]:
    return [row.id for row in app.screen.query_one(RowList).rows if row.selectable]


def code_text(app: Any) -> str:
    return str(app.screen.query_one(CodeView).document_text())


def static_text(app: Any, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def open_review(app: Any, pilot: Any, sub_id: str) -> ReviewScreen:
    app.go(f"submission:{sub_id}")
    await settle(pilot)
    await settle(pilot)
    assert isinstance(app.screen, ReviewScreen)
    return app.screen


async def fill_rubric(pilot: Any, scores: dict[str, int], comment: str, verdict: str) -> None:
    form = pilot.app.screen
    assert isinstance(form, RubricScreen)
    for criterion, score in scores.items():
        form.query_one(f"#score-{criterion}", Select).value = score
    form.query_one("#rubric-comment", TextArea).text = comment
    if verdict:
        form.query_one("#rubric-verdict", Select).value = verdict
    await settle(pilot)


FULL = {"correctness": 3, "robustness": 2, "clarity": 3, "tests": 1}


# -- the inbox ----------------------------------------------------------------------------


async def test_inbox_tabs_counts_and_details(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="reviews")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ReviewsScreen)
        state = app.replica.state
        assert listed(app) == [priya(state).id]
        tabs = app.screen.query_one(Tabs)
        assert "To review (1)" in str(tabs.query_one("#to-review", Tab).label)
        details = static_text(app, "#review-details")
        assert "notes CLI with tags and search" in details
        assert "@priya" in details and "awaiting review" in details
        row = str(app.screen.query_one(RowList).rows[0].content())
        [task] = q.reviews_waiting(state, "m_sam")
        waited = app.now_ms() - task.assigned_at
        glyph = BAND_LOOK[rv.waiting_band(waited, 48)][0]  # against the 48 h target
        assert row.startswith(f"{glyph} {rv.waited(waited):>6} notes CLI")
        await pilot.press("tab")
        await settle(pilot)
        assert listed(app) == []  # sam has no submissions
        await pilot.press("right")
        await settle(pilot)
        assert listed(app) == [jonas(state).id]  # done: sam reviewed jonas twice, one row
        await pilot.press("left", "left")
        await settle(pilot)
        assert listed(app) == [priya(state).id]


async def test_author_sees_status_and_reviews_received(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", member="m_jonas", open_target="reviews")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("tab")
        await settle(pilot)
        assert listed(app) == [jonas(app.replica.state).id]
        row = str(app.screen.query_one(RowList).rows[0].content())
        assert "✓ approved" in row and "rev 2" in row and "2 reviews" in row
        details = static_text(app, "#review-details")
        assert "@lin: approved" in details and "@sam: approved" in details


async def test_waiting_time_colours_by_age(tmp_path: Path) -> None:
    from cohort_tui.domain.review_view import waiting_band

    assert waiting_band(10 * 3_600_000, 48) == "fresh"
    assert waiting_band(30 * 3_600_000, 48) == "due"
    assert waiting_band(49 * 3_600_000, 48) == "overdue"
    app = make_app(tmp_path / "s", open_target="reviews")
    app.now_ms = lambda: 1_795_000_000_000 + 3 * 86_400_000
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        row = str(app.screen.query_one(RowList).rows[0].content())
        assert "●" in row and "overdue" in row  # a word as well as a colour (NO_COLOR)


async def test_claim_then_release_after_asking(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="reviews")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        sub_id = priya(app.replica.state).id
        await pilot.press("c")
        await settle(pilot)
        a = active_assignment(app.replica.state, app.replica.state.submissions[sub_id], "m_sam")
        assert a is not None and a.claimed_until is not None
        assert "claimed" in str(app.screen.query_one(RowList).rows[0].content())
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("down", "enter")  # release
        await settle(pilot)
        sub = app.replica.state.submissions[sub_id]
        assert active_assignment(app.replica.state, sub, "m_sam") is None
        assert listed(app) == []


async def test_stale_assignments_are_handed_on_for_a_facilitator(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", member="m_ada", open_target="reviews")
    app.now_ms = lambda: 1_795_000_000_000 + 5 * 86_400_000  # priya's reviews went stale
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        sub = priya(app.replica.state)
        replaced = [a.reviewer for a in sub.assignments if a.replaced_at is not None]
        assert sorted(replaced) == ["m_lin", "m_sam"]
        assert sum(1 for a in sub.assignments if a.active) == 2


async def test_submit_files_from_the_app(tmp_path: Path) -> None:
    work = tmp_path / "pod"
    (work / ".git").mkdir(parents=True)
    (work / ".git" / "config").write_text("[core]\n")
    (work / "notes.py").write_text("print('hi')\n")
    (work / "README.md").write_text("# notes\n")
    (work / "logo.png").write_bytes(b"\x89PNG\x00\x00")
    app = make_app(tmp_path / "s", member="m_mei", open_target="reviews")
    app.work_dir = work
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, SubmitScreen))
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SubmitScreen)
        files = dialog.query_one(SelectionList)
        assert [files.get_option_at_index(i).value for i in range(files.option_count)] == [
            "README.md",
            "notes.py",
        ]
        await pilot.press("ctrl+s")  # nothing picked, no title
        await settle(pilot)
        assert "pick at least one file" in static_text(app, "#submit-problem")
        files.select("notes.py")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "the title is empty" in static_text(app, "#submit-problem")
        dialog.query_one("#submit-title", Input).value = "My notes CLI"
        lesson = dialog.query_one("#submit-lesson", Select).value
        assert lesson == "quality-notes-project"  # the only lesson with a project
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReviewsScreen)
        sub = by_title(app.replica.state, "My notes CLI")
        assert sub.author == "m_mei"
        assert [f.path for f in sub.revisions[0].files] == ["notes.py"]
        assert len([a for a in sub.assignments if a.active]) == 2
        assert listed(app) == [sub.id]  # My submissions, highlighted


def test_text_files_skips_binary_and_tool_folders(tmp_path: Path) -> None:
    (tmp_path / ".venv" / "lib").mkdir(parents=True)
    (tmp_path / ".venv" / "lib" / "x.py").write_text("x")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.py").write_text("a = 1\n")
    (tmp_path / "b.bin").write_bytes(b"\x00\x01")
    (tmp_path / "latin1.txt").write_bytes(b"caf\xe9")
    paths, skipped = text_files(tmp_path)
    assert paths == ["src/a.py"]
    assert skipped == 2


async def test_submit_shows_a_binary_refusal_by_name(tmp_path: Path) -> None:
    work = tmp_path / "pod"
    work.mkdir()
    (work / "a.py").write_text("a = 1\n")
    app = make_app(tmp_path / "s", member="m_mei", open_target="reviews")
    app.work_dir = work
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, SubmitScreen))
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SubmitScreen)
        dialog.query_one(SelectionList).select("a.py")
        dialog.query_one("#submit-title", Input).value = "x"
        (work / "a.py").write_bytes(b"\x00binary now")  # changed after listing
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "binary files cannot be submitted; leave out: a.py" in static_text(
            app, "#submit-problem"
        )
        await pilot.press("escape")
        await settle(pilot)
        assert q.my_submissions(app.replica.state, "m_mei") == []


# -- the review view: reviewer --------------------------------------------------------------


async def test_open_shows_numbered_code_and_files(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="reviews")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        text = code_text(app)
        assert "── notes.py · 33 lines" in text
        assert "── test_notes.py" in text
        assert ' 1 │ """notes: a tiny notes CLI."""' in text
        view = app.screen.query_one(CodeView)
        assert view.cursor_place() == ("notes.py", 1, 0)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert view.cursor_place() == ("test_notes.py", 1, 0)
        await pilot.press("left_square_bracket")
        assert view.cursor_place() == ("notes.py", 1, 0)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ReviewsScreen)


async def test_line_comments_are_kept_and_sent_with_the_rubric(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        sub_id = priya(app.replica.state).id
        screen = await open_review(app, pilot, sub_id)
        screen.query_one(CodeView).go_to("notes.py", 12)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        app.screen.query_one(Input).value = "What if the file is empty?"
        await pilot.press("enter")
        await settle(pilot)
        assert "✎ your comment, sent with your review: What if the file is empty?" in code_text(app)
        assert screen.drafts.load(screen.draft_key) is not None  # kept on disk
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, RubricScreen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Choose a level for: Correctness" in static_text(app, "#rubric-problem")
        await fill_rubric(pilot, FULL, "Nice tags. Empty file crashes.", "changes")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        state = app.replica.state
        [review] = [state.reviews[r] for r in state.submissions[sub_id].reviews]
        assert review.reviewer == "m_sam" and review.verdict == "changes"
        assert review.scores == FULL
        assert [(c.path, c.line, c.body) for c in review.lines] == [
            ("notes.py", 12, "What if the file is empty?")
        ]
        assert screen.drafts.load(screen.draft_key) is None
        text = code_text(app)
        assert "▸ @sam: What if the file is empty?" in text
        assert "● @sam · changes requested" in text


async def test_escape_keeps_the_rubric_form_as_a_draft(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_review(app, pilot, priya(app.replica.state).id)
        await pilot.press("v")
        await settle(pilot)
        await fill_rubric(pilot, {"correctness": 4}, "half done", "")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RubricScreen)
        assert form.query_one("#score-correctness", Select).value == 4
        assert form.query_one("#rubric-comment", TextArea).text == "half done"


async def test_example_review_on_a_key(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_review(app, pilot, priya(app.replica.state).id)
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, TextScreen)
        assert "JSONDecodeError traceback" in str(app.screen.body)


def shown(app: CohortApp) -> Screen[Any]:
    """The screen on top now (a call, so an earlier isinstance check does not narrow it)."""
    return app.screen


async def test_calibration_before_a_first_review(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", member="m_ada")  # facilitator: may review anything
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        review = await open_review(app, pilot, priya(app.replica.state).id)
        await pilot.press("v")
        await settle(pilot)
        calibration = app.screen
        assert isinstance(calibration, ReviewScreen) and calibration.calibration
        assert "Calibration" in static_text(app, "#review-meta")
        assert "notes_example.py" in code_text(app) or "──" in code_text(app)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, RubricScreen)
        await fill_rubric(
            pilot, {"correctness": 3, "robustness": 3, "clarity": 3, "tests": 0}, "", ""
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        report = app.screen
        assert isinstance(report, TextScreen)
        body = str(report.body)
        assert "= same" in body and "▲ 1 higher" in body  # robustness 3 against 2
        assert "The reference review" in body and "yours 3 Works · reference 3 Works" in body
        state = app.replica.state
        [mine] = [r for r in state.reviews.values() if r.calibration]
        assert mine.reviewer == "m_ada" and mine.submission == "example:notes-cli"
        await pilot.press("escape")
        await settle(pilot)
        assert shown(app) is review
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, RubricScreen)  # calibrated: straight to the form
        assert not app.screen.calibration


# -- the review view: author ----------------------------------------------------------------


async def test_author_sees_reviews_and_line_comments_of_each_revision(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", member="m_jonas")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_review(app, pilot, jonas(app.replica.state).id)
        text = code_text(app)
        assert "revision 2 of 2" in static_text(app, "#review-meta")
        assert "● @lin · approved" in text and "● @sam · approved" in text
        await pilot.press("less_than_sign")
        await settle(pilot)
        assert "revision 1 of 2" in static_text(app, "#review-meta")
        text = code_text(app)
        assert "▸ @lin: What if the file exists but is empty?" in text
        assert "↳ @jonas: Good catch, fixed in revision 2." in text
        assert "★ helpful" in text


async def test_author_replies_to_a_line_comment(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", member="m_jonas")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_review(app, pilot, jonas(app.replica.state).id)
        await pilot.press("less_than_sign")
        await settle(pilot)
        screen.query_one(CodeView).go_to("notes.py", 12)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ComposeScreen)
        app.screen.query_one("#compose-body", TextArea).text = "And a damaged file too."
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "↳ @jonas: And a damaged file too." in code_text(app)
        review = next(r for r in app.replica.state.reviews.values() if r.lines)
        assert review.replies[-1].comment == "c1"


async def test_author_marks_a_review_helpful(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", member="m_jonas")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_review(app, pilot, jonas(app.replica.state).id)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)  # two reviews of revision 2
        await pilot.press("enter")
        await settle(pilot)
        marked = [r for r in app.replica.state.reviews.values() if r.helpful]
        assert len(marked) == 2  # the first-revision one, and now this one


async def test_diff_between_revisions(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", member="m_jonas")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_review(app, pilot, jonas(app.replica.state).id)
        await pilot.press("d")
        await settle(pilot)
        assert "changes since revision 1" in static_text(app, "#review-meta")
        text = code_text(app)
        assert "── notes.py (changed)" in text
        assert "+    try:" in text and "-    return json.loads(STORE.read_text())" in text
        await pilot.press("d")
        await settle(pilot)
        assert "changes since" not in static_text(app, "#review-meta")


async def test_author_revises_from_the_app(tmp_path: Path) -> None:
    work = tmp_path / "pod"
    work.mkdir()
    (work / "notes.py").write_text("print('v3')\n")
    app = make_app(tmp_path / "s", member="m_jonas")
    app.work_dir = work
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        sub_id = jonas(app.replica.state).id
        await open_review(app, pilot, sub_id)
        await pilot.press("R")
        await wait_for(pilot, lambda: isinstance(app.screen, SubmitScreen))
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SubmitScreen)
        assert list(dialog.query_one(SelectionList).selected) == ["notes.py"]  # preselected
        await pilot.press("ctrl+s")
        await settle(pilot)
        sub = app.replica.state.submissions[sub_id]
        assert len(sub.revisions) == 3
        assert "revision 3 of 3" in static_text(app, "#review-meta")
        assert "print('v3')" in code_text(app)


async def test_keys_for_the_other_side_are_hidden_and_refused(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", member="m_priya")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_review(app, pilot, jonas(app.replica.state).id)
        assert screen.check_action("comment", ()) is False
        assert screen.check_action("revise", ()) is False
        await pilot.press("c", "v", "R")
        await settle(pilot)
        assert app.screen is screen
        assert not any(r.reviewer == "m_priya" for r in app.replica.state.reviews.values())


# -- hostile code -----------------------------------------------------------------------------

HOSTILE = (
    "ok = 1\n"
    "\x1b[2J\x1b[31mred\x1b[0m = 2\n"
    "\x1b]8;;http://evil.example\x07link\x1b]8;;\x07 = 3\n"
    'access = "user\u202e \u2066// admin\u2069\u2066"\n'
    "is\u200badmin = True\n"
    "label = '[bold red]not markup[/]'\n"
    "bell = '\x07\x08'\n"
)


def hostile_submission(app: Any) -> str:
    op = app.replica.write(
        k.SubmissionCreate(
            submission="s_evil",
            lesson="quality-notes-project",
            title="[bold]Evil[/bold] \x1b]0;pwned\x07title\u202e",
            revision=k.RevisionData(
                revision="r_evil",
                message="[link=http://x]click[/link]",
                files=[k.SubmittedFile(path="evil\u202e.py", content=HOSTILE)],
            ),
        ),
        author="m_priya",
    )
    assert op is not None
    return "s_evil"


async def test_hostile_code_is_shown_safely_with_a_banner(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", member="m_lin")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        sub_id = hostile_submission(app)
        await open_review(app, pilot, sub_id)
        text = code_text(app)
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
        assert "\u200b" not in text
        assert "⟪U+202E⟫" in text and "⟪U+200B⟫" in text
        assert "[bold red]not markup[/]" in text  # shown as written, never parsed
        assert "␛[2J␛[31mred␛[0m = 2" in text  # escape sequences shown, not obeyed or hidden
        assert "␛]8;;http://evil.example" in text
        assert "evil⟪U+202E⟫.py" in text
        banner = static_text(app, "#review-banner")
        assert "RIGHT-TO-LEFT OVERRIDE" in banner and "LEFT-TO-RIGHT ISOLATE" in banner
        assert "14 hidden characters" in banner and "more kinds" in banner
        meta = static_text(app, "#review-meta")
        assert "[bold]Evil[/bold]" in meta and "\x1b" not in meta
        # every visible strip is free of control characters
        view = app.screen.query_one(CodeView)
        for y in range(view.size.height):
            for segment in view.render_line(y):
                assert "\x1b" not in segment.text and "\u202e" not in segment.text
        assert "[link=http://x]click[/link]" in text


async def test_hostile_title_in_the_inbox_is_literal(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", member="m_priya", open_target="reviews")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        hostile_submission(app)
        await pilot.press("tab")
        await settle(pilot)
        rows = [str(r.content()) for r in app.screen.query_one(RowList).rows]
        assert any("[bold]Evil[/bold]" in r and "⟪U+202E⟫" in r for r in rows)
        assert not any("\x1b" in r for r in rows)


async def test_reply_to_a_review_when_the_line_has_no_comment(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", member="m_jonas")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_review(app, pilot, jonas(app.replica.state).id)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)  # two reviews of revision 2
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ComposeScreen)
        app.screen.query_one("#compose-body", TextArea).text = "Thanks both."
        await pilot.press("ctrl+s")
        await settle(pilot)
        replies = [
            reply
            for r in app.replica.state.reviews.values()
            for reply in r.replies
            if reply.body == "Thanks both."
        ]
        assert len(replies) == 1 and replies[0].comment is None
        assert "↳ @jonas: Thanks both." in code_text(app)


async def test_a_pending_comment_can_be_edited_and_removed(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_review(app, pilot, priya(app.replica.state).id)
        view = screen.query_one(CodeView)
        view.go_to("test_notes.py", 2)
        await pilot.press("c")
        await settle(pilot)
        app.screen.query_one(Input).value = "first try"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        assert prompt.query_one(Input).value == "first try"
        prompt.query_one(Input).value = ""
        await pilot.press("enter")
        await settle(pilot)
        assert "first try" not in code_text(app)
        assert screen.drafts.load(screen.draft_key) is None
        view.go_to("notes.py", 1)
        await pilot.press("less_than_sign")  # only one revision: stays
        await settle(pilot)
        assert "revision 1 of 1" in static_text(app, "#review-meta")


def test_a_character_cut_at_the_sample_edge_is_still_text(tmp_path: Path) -> None:
    from cohort_tui.ui.screens.submit_files import SAMPLE, looks_binary

    path = tmp_path / "long.txt"
    path.write_bytes(b"a" * (SAMPLE - 1) + "é".encode() + b"tail")
    assert not looks_binary(path)
    path.write_bytes(b"a" * 100 + b"\xe9")
    assert looks_binary(path)


async def test_help_lists_the_review_keys_and_unknown_targets_are_refused(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", open_target="submission:s_nope")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ReviewsScreen)  # stays on the inbox, says why
        await open_review(app, pilot, priya(app.replica.state).id)
        await pilot.press("question_mark")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "HelpScreen"
        rows = app.screen.rows  # type: ignore[attr-defined]
        tips = {row[3] for row in rows}
        assert "Score the rubric and send the review" in tips
        assert "Comment on the cursor line" in tips


async def test_long_lines_scroll_sideways_and_pages_move_the_cursor(tmp_path: Path) -> None:
    app = make_app(tmp_path / "s", member="m_lin")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        content = "".join(f"x_{n} = {'1' * n} + 2  # {'long ' * 40}\n" for n in range(120))
        app.replica.write(
            k.SubmissionCreate(
                submission="s_long",
                lesson="quality-notes-project",
                title="long lines",
                revision=k.RevisionData(
                    revision="r_long", files=[k.SubmittedFile(path="long.py", content=content)]
                ),
            ),
            author="m_priya",
        )
        screen = await open_review(app, pilot, "s_long")
        view = screen.query_one(CodeView)
        await pilot.press("right", "right", "right")
        await settle(pilot)
        assert view.scroll_offset.x > 0
        await pilot.press("pagedown")
        await settle(pilot)
        place = view.cursor_place()
        assert place is not None and place[1] is not None and place[1] > 10
        await pilot.press("end")
        await settle(pilot)
        assert view.cursor_place() == ("long.py", 120, 119)
        await pilot.press("home")
        assert view.cursor_place() == ("long.py", 1, 0)
