"""What the review screen is about: one submission (or a rubric's calibration example),
the revision shown, and the reviewer's unsent draft of a review of it.

:class:`ReviewSubject` is the review screen's base: the parts in this package take it
to act (comment, send, reply), so none of them imports the screen itself.
"""

from __future__ import annotations

from cohort_tui.domain import review_view as rv
from cohort_tui.domain.model import Rubric, Submission
from cohort_tui.domain.review_input import rubric_for
from cohort_tui.store.drafts import Drafts, SavedDraft
from cohort_tui.ui.screens.base import CohortScreen
from cohort_tui.ui.screens.review.draft import PendingLine, read_review_draft, review_draft_body
from cohort_tui.ui.screens.rubric_form import ReviewForm


class ReviewSubject(CohortScreen):
    """A screen about one submission's revision, with my review draft of it."""

    def __init__(self, submission_id: str) -> None:
        super().__init__()
        self.sub_id = submission_id
        self.calibration = submission_id.startswith(rv.CALIBRATION_PREFIX)
        self._rev: int | None = None  # None: the latest

    @property
    def sub(self) -> Submission | None:
        return self.state.submissions.get(self.sub_id)

    @property
    def rubric(self) -> Rubric | None:
        if self.calibration:
            return self.state.rubrics.get(self.sub_id.removeprefix(rv.CALIBRATION_PREFIX))
        sub = self.sub
        return rubric_for(self.state, sub) if sub else None

    def index(self, sub: Submission) -> int:
        """The shown revision's index (the latest unless I stepped back)."""
        last = len(sub.revisions) - 1
        return last if self._rev is None else min(max(self._rev, 0), last)

    def latest_or_warn(self, sub: Submission) -> bool:
        """Whether the latest revision is shown; says how to get there when not."""
        if self.index(sub) != len(sub.revisions) - 1:
            self.notify("Reviews go on the latest revision: press > to get there.")
            return False
        return True

    # -- my draft --------------------------------------------------------------------

    @property
    def drafts(self) -> Drafts:
        return Drafts(self.cohort_app.replica.root, self.me)

    @property
    def draft_key(self) -> str:
        return f"review.{self.sub_id}"

    def load_draft(self) -> tuple[list[PendingLine], ReviewForm]:
        """Pending line comments (``path``, ``line``, ``body``) and the rubric form."""
        saved = self.drafts.load(self.draft_key)
        return read_review_draft(saved.body if saved else None)

    def save_draft(self, lines: list[PendingLine], form: ReviewForm) -> None:
        body = review_draft_body(lines, form)
        self.keep_draft(self.draft_key, SavedDraft(body=body, saved_at=self.now()))

    def keep_draft(self, key: str, draft: SavedDraft) -> None:
        """Save a draft; a disk that refuses is a toast, never a crash (it is only a draft)."""
        try:
            self.drafts.save(key, draft)
        except OSError as error:
            self.notify(f"Could not save the draft: {error.strerror}", severity="warning")
