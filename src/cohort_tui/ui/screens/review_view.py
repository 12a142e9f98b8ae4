"""One submission under review: the code with line comments inline, the reviews, and
what each side does next (comment, score the rubric, reply, mark helpful, revise).

The screen composes the parts in :mod:`cohort_tui.ui.screens.review`: the facts and the
hidden-character banner above the code (:mod:`.facts`), the code pane
(:mod:`.code_pane`), the reviews and comment threads shown in it and the replies and
helpful marks (:mod:`.thread`), the line comments, rubric and verdict a reviewer sends
(:mod:`.verdict`). Its keys are declared here, in the order the footer shows them (the
focused code view's own keys would come first), and each runs its part.

The screen also runs calibration: the rubric's example opens here (id ``example:RUBRIC``)
and its scores are compared with the reference review once sent.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain import review_view as rv
from cohort_tui.domain.model import Rubric
from cohort_tui.domain.permissions import credited, may_reply_on
from cohort_tui.domain.submissions import line_comments_by_line
from cohort_tui.ui.screens.review import thread, verdict
from cohort_tui.ui.screens.review.code_pane import ChangesReady, ReviewCode, revision_files
from cohort_tui.ui.screens.review.facts import HiddenCharsBanner, ReviewFacts
from cohort_tui.ui.screens.review.subject import ReviewSubject
from cohort_tui.ui.screens.submit_files import SubmitScreen, SubmitSetup
from cohort_tui.ui.widgets.cohort_footer import CohortFooter
from cohort_tui.ui.widgets.cohort_header import CohortHeader


def _binding(key: str, action: str, label: str, name: str, tip: str, show: bool = True) -> Binding:
    return Binding(key, action, label, show=show, id=f"review.{name}", tooltip=tip)


class ReviewScreen(ReviewSubject):
    """The code of one submission's revision, and its reviews."""

    TITLE_TEXT = "Review"
    AUTO_FOCUS = "#code"
    DEFAULT_CSS = """
    ReviewScreen #review-main { height: 1fr; }
    ReviewScreen #code { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        _binding("escape", "back", "Back", "back", "Back to the inbox"),
        _binding("c", "comment", "Comment", "comment", "Comment on the cursor line"),
        _binding("v", "review", "Review", "review", "Score the rubric and send the review"),
        _binding("r", "reply", "Reply", "reply", "Reply to a comment on this line, or a review"),
        _binding("h", "helpful", "Helpful", "helpful", "Mark a review as helpful (author)"),
        _binding("R", "revise", "Revise", "revise", "Submit a new revision from this folder"),
        _binding("d", "changes", "Changes", "changes", "Show what changed since the last revision"),
        _binding("less_than_sign", "revision(-1)", "Older", "older", "Older revision", False),
        _binding("greater_than_sign", "revision(1)", "Newer", "newer", "Newer revision", False),
    ]

    def __init__(self, submission_id: str) -> None:
        super().__init__(submission_id)
        self._changes = False

    def compose(self) -> ComposeResult:
        yield CohortHeader()
        with Vertical(id="review-main", classes="panel"):
            yield ReviewFacts(id="review-meta")
            yield HiddenCharsBanner(id="review-banner")
            yield ReviewCode(id="code")
        yield CohortFooter()

    # -- what is shown -------------------------------------------------------------

    @property
    def code(self) -> ReviewCode:
        return self.query_one("#code", ReviewCode)

    def refresh_view(self) -> None:
        self.fill_header()
        if self.calibration:
            self._show_calibration()
            return
        sub = self.sub
        code, facts = self.code, self.query_one(ReviewFacts)
        if sub is None:
            facts.show_missing("This submission is not in the store.")
            code.show([])
            return
        state, index = self.state, self.index(sub)
        revision = sub.revisions[index]
        reviews = rv.reviews_of_revision(state, sub, revision.id)
        code.comments = line_comments_by_line(reviews)
        changes = self._changes and index > 0
        above = thread.reviews_above(state, self.me, sub, index, reviews)
        if changes:
            found = code.changes(sub.revisions[index - 1], revision)
            if found is None:
                above.append(Text("Working out the changes…", style="italic"))
            files = found or []
        else:
            files = revision_files([(f.path, f.content) for f in revision.files], revision.diff)
        facts.show_submission(state, sub, index, changes)
        self.query_one(HiddenCharsBanner).show_for(files)
        notes = thread.line_threads(state, code.comments)
        if index == len(sub.revisions) - 1 and rv.may_review(state, self.me, sub):
            verdict.add_pending(notes, self.load_draft()[0])
        code.show(files, notes, above)
        self.refresh_bindings()

    def _show_calibration(self) -> None:
        rubric = self.rubric
        code, facts = self.code, self.query_one(ReviewFacts)
        if rubric is None or rubric.example is None:
            facts.show_missing("This rubric has no example to calibrate on.")
            code.show([])
            return
        example = rubric.example
        facts.show_calibration(example)
        files = revision_files([(example.path, example.content)], "")
        self.query_one(HiddenCharsBanner).show_for(files)
        code.show(files, {}, [])
        self.refresh_bindings()

    @on(ChangesReady)
    def _changes_ready(self, event: ChangesReady) -> None:
        self.refresh_view()

    def open_target(self, kind: str, target_id: str) -> None:
        if kind == "submission" and target_id != self.sub_id:
            self.app.pop_screen()
            self.app.push_screen(ReviewScreen(target_id))

    # -- who may do what -------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        sub = self.sub
        if action == "review":
            return self.calibration or (sub is not None and rv.may_review(self.state, self.me, sub))
        if action == "comment":
            return (
                not self.calibration and sub is not None and rv.may_review(self.state, self.me, sub)
            )
        if action in ("helpful", "revise"):
            return sub is not None and credited(sub, self.me)
        if action == "reply":
            return sub is not None and may_reply_on(self.state, self.me, sub)
        if action in ("changes", "revision"):
            return sub is not None and len(sub.revisions) > 1
        return True

    # -- actions -------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_revision(self, step: int) -> None:
        sub = self.sub
        if sub is None:
            return
        index = self.index(sub) + step
        if not 0 <= index < len(sub.revisions):
            self.notify("No older revision." if step < 0 else "This is the latest revision.")
            return
        self._rev = None if index == len(sub.revisions) - 1 else index
        self.refresh_view()

    def action_changes(self) -> None:
        sub = self.sub
        if sub is None:
            return
        if self.index(sub) == 0:
            self.notify("This is the first revision: nothing to compare with (< > move).")
            return
        self._changes = not self._changes
        self.refresh_view()

    def action_comment(self) -> None:
        verdict.comment_on_line(self, self.code.cursor_line(), self._changes)

    def action_review(self) -> None:
        if self.calibration:
            verdict.calibrate(self)
        else:
            verdict.score_and_send(self, self._calibrate_first)

    def _calibrate_first(self, rubric: Rubric) -> None:
        self.app.push_screen(ReviewScreen(rv.calibration_id(rubric.id)))

    def action_reply(self) -> None:
        thread.reply(self, self.code.cursor_comments())

    def action_helpful(self) -> None:
        thread.mark_helpful(self)

    def action_revise(self) -> None:
        sub = self.sub
        if sub is None or not credited(sub, self.me):
            self.notify("Only the authors revise a submission.", severity="warning")
            return
        setup = SubmitSetup(
            work_dir=self.cohort_app.work_dir,
            lessons=[],
            revise=sub.id,
            revise_title=sub.title,
            preselect=tuple(f.path for f in sub.revisions[-1].files),
        )

        def done(op: k.SubmissionCreate | k.SubmissionRevise | None) -> None:
            if op is not None and self.write(op):
                self._rev = None
                self.notify("Revision sent; your reviewers are asked to look again.")

        self.app.push_screen(SubmitScreen(setup), done)
