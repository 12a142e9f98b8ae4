"""Reviews: the inbox (to review, my submissions, done) and submitting from the app.

Opening a submission pushes :class:`~cohort_tui.ui.screens.review_view.ReviewScreen`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

import msgspec
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Tab, Tabs

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain import queries as q
from cohort_tui.domain import review_view as rv
from cohort_tui.domain.model import Submission
from cohort_tui.domain.permissions import credited
from cohort_tui.domain.review_upkeep import stale_for
from cohort_tui.domain.teams import author_label, team_of
from cohort_tui.ui import palette
from cohort_tui.ui.review_looks import BAND_LOOK, STATUS_LOOK
from cohort_tui.ui.screens.base import CohortScreen
from cohort_tui.ui.screens.dialogs import ChoiceScreen
from cohort_tui.ui.screens.review.details import SubmissionDetails
from cohort_tui.ui.screens.submit_files import SubmitScreen, SubmitSetup
from cohort_tui.ui.text import ago, member_line, plain
from cohort_tui.ui.widgets.cohort_footer import CohortFooter
from cohort_tui.ui.widgets.cohort_header import CohortHeader
from cohort_tui.ui.widgets.row_list import Row, RowList

TABS: list[tuple[str, str]] = [
    ("to-review", "To review"),
    ("mine", "My submissions"),
    ("done", "Done"),
]


def _binding(key: str, action: str, label: str, name: str, tip: str, show: bool = True) -> Binding:
    return Binding(key, action, label, show=show, id=f"reviews.{name}", tooltip=tip)


class ReviewsScreen(CohortScreen):
    """Tabs over a list of submissions, the highlighted one's details beside it."""

    TITLE_TEXT = "Reviews"
    AUTO_FOCUS = "#review-list"
    DEFAULT_CSS = """
    ReviewsScreen #reviews-body { height: 1fr; }
    ReviewsScreen #reviews-left { width: 3fr; min-width: 36; }
    ReviewsScreen #reviews-tabs { height: 2; }
    ReviewsScreen #review-list { height: 1fr; }
    ReviewsScreen #reviews-right { width: 2fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        _binding("tab", "tab(1)", "Next tab", "next_tab", "Next tab", False),
        _binding("shift+tab", "tab(-1)", "Prev tab", "prev_tab", "Previous tab", False),
        _binding("right", "tab(1)", "Next tab", "right_tab", "Next tab", False),
        _binding("left", "tab(-1)", "Prev tab", "left_tab", "Previous tab", False),
        _binding("enter", "open", "Open", "open", "Open the highlighted submission"),
        _binding("c", "claim", "Claim", "claim", "Claim the review (or release it)"),
        _binding("s", "submit", "Submit", "submit", "Submit files from this folder for review"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._tab = "to-review"
        self._upkeep_tried: set[tuple[str, str]] = set()

    def compose(self) -> ComposeResult:
        yield CohortHeader()
        with Horizontal(id="reviews-body"):
            with Vertical(id="reviews-left", classes="panel") as left:
                left.border_title = "Inbox"
                tabs = Tabs(*(Tab(label, id=tab_id) for tab_id, label in TABS), id="reviews-tabs")
                tabs.can_focus = False
                yield tabs
                yield RowList(id="review-list")
            with VerticalScroll(id="reviews-right", classes="panel") as right:
                right.border_title = "Details"
                yield SubmissionDetails(id="review-details")
        yield CohortFooter()

    # -- upkeep ----------------------------------------------------------------------

    # Textual calls every class's handler down the MRO: CohortScreen's refresh runs too.
    # The upkeep waits for the screen's frame: handing on a dozen stale assignments folds
    # each (a reviewer chosen over the whole cohort), and the screen is shown first.
    def on_mount(self) -> None:
        self.call_after_refresh(self._upkeep)

    def on_screen_resume(self) -> None:
        self.call_after_refresh(self._upkeep)

    def _upkeep(self) -> None:
        """Hand on stale assignments, as ``cohort reviews`` does, when I may."""
        ops = [
            op
            for op in stale_for(self.state, self.me, self.now())
            if (op.submission, op.reviewer) not in self._upkeep_tried
        ]
        if not ops:
            return
        self._upkeep_tried.update((op.submission, op.reviewer) for op in ops)
        written = self.cohort_app.write_many(list(ops))
        if written:
            n = len(written)
            self.notify(f"Reassigned {n} stale review assignment{'s' if n != 1 else ''}.")

    # -- state -> view ---------------------------------------------------------------

    def refresh_view(self) -> None:
        state = self.state
        waiting = q.reviews_waiting(state, self.me)
        self.fill_header(reviews=len(waiting))
        counts = {
            "to-review": len(waiting),
            "mine": len(q.my_submissions(state, self.me)),
            "done": len(rv.my_reviewed_submissions(state, self.me)),
        }
        tabs = self.query_one(Tabs)
        for tab_id, label in TABS:
            tabs.query_one(f"#{tab_id}", Tab).label = Text(f"{label} ({counts[tab_id]})")
        self._fill_list()

    def _target_hours(self) -> int:
        cohort = self.state.cohort
        return cohort.response_target_hours if cohort else 48

    def _rows(self) -> list[Row]:
        state = self.state
        now = self.now()
        rows: list[Row] = []
        if self._tab == "to-review":
            target = self._target_hours()
            for task in q.reviews_waiting(state, self.me):
                rows.append(Row(task.submission.id, self._task_row(task, now, target)))
            empty = "Nothing to review. Thank you!"
        elif self._tab == "mine":
            for sub in q.my_submissions(state, self.me):
                rows.append(Row(sub.id, self._mine_row(sub, now)))
            empty = "No submissions yet: press s to submit files from this folder."
        else:
            for review in rv.my_reviewed_submissions(state, self.me):
                rows.append(Row(review.submission, self._done_row(review.id, now)))
            empty = "No reviews given yet."
        if not rows:
            rows.append(Row("none", Text(empty, style="italic"), selectable=False))
        return rows

    def _task_row(self, task: q.ReviewTask, now: int, target: int) -> Callable[[], Text]:
        def build() -> Text:
            sub = task.submission
            band = rv.waiting_band(now - task.assigned_at, target)
            glyph, colour = BAND_LOOK[band]
            parts: list[str | tuple[str, str] | Text] = [
                (f"{glyph} {rv.waited(now - task.assigned_at):>6} ", colour),
                member_line(sub.title, "bold", limit=60),
                (f" · {author_label(self.state, sub)}", "dim"),
            ]
            if band == "overdue":
                parts.append((" · overdue", palette.BAD_STRONG))
            if task.claimed_until is not None and task.claimed_until > now:
                parts.append((" · ✎ claimed", palette.INFO))
            return plain(*parts)

        return build

    def _mine_row(self, sub: Submission, now: int) -> Callable[[], Text]:
        def build() -> Text:
            status = q.submission_status(self.state, sub)
            glyph, word, colour = STATUS_LOOK[status]
            reviews = q.latest_reviews(self.state, sub)
            return plain(
                (f"{glyph} {word:<17} ", colour),
                member_line(sub.title, "bold", limit=60),
                (f" · rev {len(sub.revisions)} · {len(reviews)} review", "dim"),
                ("" if len(reviews) == 1 else "s", "dim"),
                (f" · {ago(sub.created_at, now)}", "dim"),
            )

        return build

    def _done_row(self, review_id: str, now: int) -> Callable[[], Text]:
        def build() -> Text:
            review = self.state.reviews[review_id]
            sub = self.state.submissions.get(review.submission)
            look = palette.OK_STRONG if review.verdict == "approve" else palette.BAD_STRONG
            return plain(
                ("✓ approve " if review.verdict == "approve" else "✗ changes ", look),
                member_line(sub.title if sub else review.submission, "bold", limit=60),
                (f" · {ago(review.submitted_at, now)}", "dim"),
            )

        return build

    def _fill_list(self) -> None:
        listing = self.query_one("#review-list", RowList)
        listing.set_rows(self._rows())
        self._fill_details(listing.highlighted_id)

    @on(RowList.Highlighted, "#review-list")
    def _highlighted(self, event: RowList.Highlighted) -> None:
        self._fill_details(event.row_id)

    def _fill_details(self, sub_id: str | None) -> None:
        sub = self.state.submissions.get(sub_id or "")
        self.query_one(SubmissionDetails).show(self.state, sub, self.now())

    # -- actions ---------------------------------------------------------------------

    def action_tab(self, step: int) -> None:
        ids = [tab_id for tab_id, _ in TABS]
        self._show_tab(ids[(ids.index(self._tab) + step) % len(ids)])

    def _show_tab(self, tab_id: str) -> None:
        self._tab = tab_id
        tabs = self.query_one(Tabs)
        if tabs.active != tab_id:
            tabs.active = tab_id
        self._fill_list()

    @on(Tabs.TabActivated, "#reviews-tabs")
    def _tab_clicked(self, event: Tabs.TabActivated) -> None:
        if event.tab.id and event.tab.id != self._tab:
            self._show_tab(event.tab.id)

    @on(RowList.Selected, "#review-list")
    def _selected(self, event: RowList.Selected) -> None:
        self.open_submission(event.row_id)

    def action_open(self) -> None:
        row = self.query_one("#review-list", RowList).highlighted_id
        if row and row in self.state.submissions:
            self.open_submission(row)

    def open_submission(self, sub_id: str) -> None:
        """Push the review view of a submission."""
        from cohort_tui.ui.screens.review_view import ReviewScreen

        if sub_id not in self.state.submissions:
            self.notify("No such submission.", severity="warning")
            return
        self.app.push_screen(ReviewScreen(sub_id))

    def open_target(self, kind: str, target_id: str) -> None:
        if kind == "submission":
            self.open_submission(target_id)

    def _current_sub(self) -> Submission | None:
        row = self.query_one("#review-list", RowList).highlighted_id
        return self.state.submissions.get(row or "")

    def action_claim(self) -> None:
        sub = self._current_sub()
        if sub is None:
            self.notify("Highlight a submission to claim.", severity="warning")
            return
        claim_review(self, sub)

    def action_submit(self) -> None:
        state = self.state
        lessons = [(lesson.title, lesson.id) for lesson in q.ordered_lessons(state)]
        with_project = [(t, i) for t, i in lessons if state.lessons[i].project is not None]
        choices = with_project or lessons
        setup = SubmitSetup(
            work_dir=self.cohort_app.work_dir,
            lessons=choices,
            lesson=self._lesson_to_submit([i for _, i in choices]),
        )

        def done(op: k.SubmissionCreate | k.SubmissionRevise | None) -> None:
            if isinstance(op, k.SubmissionCreate):
                # In a team for the lesson: the submission is the team's (one per team).
                team = team_of(self.state, self.me, op.lesson)
                if team is not None and team.submission is not None:
                    self.notify(
                        "Your team has submitted already: open it and revise (R).",
                        severity="warning",
                    )
                    return
                if team is not None:
                    op = msgspec.structs.replace(op, team=team.id)
            if op is not None and self.write(op):
                assert isinstance(op, k.SubmissionCreate)
                self.notify(
                    "Submitted"
                    + (" for your team" if op.team else "")
                    + ". Reviewers have been asked."
                )
                self._show_tab("mine")
                self.query_one("#review-list", RowList).highlight(op.submission)

        self.app.push_screen(SubmitScreen(setup), done)

    def _lesson_to_submit(self, choices: list[str]) -> str | None:
        """My current lesson when it has a project, else the next project from there."""
        order = [lesson.id for lesson in q.ordered_lessons(self.state)]
        current = q.next_lesson(self.state, self.me)
        start = order.index(current.id) if current and current.id in order else 0
        ahead = [i for i in order[start:] if i in choices]
        return ahead[0] if ahead else (choices[0] if len(choices) == 1 else None)


def claim_review(screen: CohortScreen, sub: Submission) -> None:
    """Claim a review of ``sub`` (a lease), or release my claimed one after asking."""
    from cohort_tui.domain.reduce import active_assignment, reviewed_latest_revision

    state, me, now = screen.state, screen.me, screen.now()
    if credited(sub, me):
        screen.notify("You cannot review your own submission.", severity="warning")
        return
    mine = active_assignment(state, sub, me)
    if mine is None and reviewed_latest_revision(state, sub, me):
        screen.notify(
            "You already reviewed the latest revision; a new one will ask you again.",
            severity="warning",
        )
        return
    if mine is None or mine.claimed_until is None or mine.claimed_until <= now:
        hours = state.cohort.claim_lease_hours if state.cohort else 24
        if screen.write(k.ReviewClaim(submission=sub.id)):
            screen.notify(f"Claimed for {hours} hours: the review is yours.")
        return
    sub_id = sub.id

    def chosen(answer: str | None) -> None:
        if answer == "release" and screen.write(k.ReviewRelease(submission=sub_id)):
            screen.notify("Released: the review goes to someone else.")

    options = [
        ("keep", Text("Keep it: I will review it")),
        ("release", Text("Release it: hand the review to someone else")),
    ]
    screen.app.push_screen(ChoiceScreen("You have claimed this review", options), chosen)
