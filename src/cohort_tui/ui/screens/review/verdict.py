"""What a reviewer sends: comments on lines (``c``, kept in the draft until sent), the
rubric's scores, a comment and the verdict (``v``); and calibration, where a reviewer
scores a rubric's example first and compares with its reference review."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain import review_view as rv
from cohort_tui.domain.clock import new_id
from cohort_tui.domain.model import Rubric
from cohort_tui.domain.review_input import ReviewProblem, parse_line_comments
from cohort_tui.domain.sanitize import clean_line
from cohort_tui.domain.submissions import commentable_lines
from cohort_tui.ui import palette
from cohort_tui.ui.review_looks import VERDICT_WORDS
from cohort_tui.ui.screens.dialogs import PromptScreen, TextScreen
from cohort_tui.ui.screens.review.draft import PendingLine
from cohort_tui.ui.screens.review.subject import ReviewSubject
from cohort_tui.ui.screens.review.thread import Notes
from cohort_tui.ui.screens.rubric_form import ReviewForm, RubricScreen
from cohort_tui.ui.text import member_block, member_line, plain

COMMENT_LIMIT = 20_000


def add_pending(notes: Notes, pending: list[PendingLine]) -> None:
    """Show my unsent line comments under their lines too."""
    for item in pending:
        path, number, body = str(item["path"]), int(str(item["line"])), str(item["body"])
        notes.setdefault(path, {}).setdefault(number, []).append(
            plain(("✎ your comment, sent with your review: ", palette.WARN_STRONG))
            + member_block(body)
        )


def comment_on_line(screen: ReviewSubject, place: tuple[str, int] | None, changes: bool) -> None:
    """Write, change or remove (empty) my comment on the line at ``place`` of the latest
    revision; it is kept in the draft and sent with the review. With ``changes`` the
    changes since the revision before are shown, and only plain files take comments."""
    sub = screen.sub
    if sub is None or not rv.may_review(screen.state, screen.me, sub):
        screen.notify("Only a reviewer of this submission comments on lines.", severity="warning")
        return
    if not screen.latest_or_warn(sub):
        return
    if place is None:
        screen.notify("Put the cursor on a numbered line to comment on it.", severity="warning")
        return
    path, number = place
    latest = sub.revisions[-1]
    where = commentable_lines(latest).get(path)
    plain_files = {f.path for f in latest.files}
    ok = (isinstance(where, int) and 1 <= number <= where) or (
        isinstance(where, set) and number in where
    )
    if not ok or (changes and path not in plain_files):
        screen.notify("That line cannot take a comment here; press d for the files.")
        return
    lines, _ = screen.load_draft()
    mine = next((c for c in lines if c["path"] == path and c["line"] == number), None)

    def done(body: str | None) -> None:
        if body is None:
            return
        current, current_form = screen.load_draft()
        current = [c for c in current if not (c["path"] == path and c["line"] == number)]
        if body.strip():
            current.append({"path": path, "line": number, "body": body.strip()})
            current.sort(key=lambda c: (str(c["path"]), int(str(c["line"]))))
        screen.save_draft(current, current_form)
        screen.notify(
            "Comment kept; it is sent with your review (v)." if body.strip() else "Comment removed."
        )
        screen.refresh_view()

    prompt = PromptScreen(
        f"Comment on {clean_line(path)}:{number}" + (" (empty removes it)" if mine else ""),
        placeholder="what should the author look at here?",
        value=str(mine["body"]) if mine else "",
        max_length=COMMENT_LIMIT,
        keep=done,  # quitting mid-comment keeps it with the review draft
    )
    screen.app.push_screen(prompt, done)


def score_and_send(screen: ReviewSubject, calibrate_first: Callable[[Rubric], None]) -> None:
    """Open the rubric form on my draft and send the review from it; a reviewer who has
    not calibrated on the rubric's example is sent there first (``calibrate_first``)."""
    sub = screen.sub
    if sub is None or not rv.may_review(screen.state, screen.me, sub):
        screen.notify("You are not a reviewer of this submission.", severity="warning")
        return
    if not screen.latest_or_warn(sub):
        return
    rubric = screen.rubric
    if rv.needs_calibration(screen.state, screen.me, rubric):
        assert rubric is not None
        screen.notify("First, calibrate: score the rubric's example and compare (v there).")
        calibrate_first(rubric)
        return
    lines, form = screen.load_draft()
    sub_id, revision = sub.id, sub.revisions[-1].id

    def done(result: ReviewForm | None) -> None:
        current_lines, _ = screen.load_draft()
        if result is None:
            return
        if not result.send:
            screen.save_draft(current_lines, result)
            return
        current = screen.state.submissions.get(sub_id)
        if current is None or current.revisions[-1].id != revision:
            screen.save_draft(current_lines, result)
            screen.notify("A new revision arrived: your review is kept as a draft.")
            screen.refresh_view()
            return
        specs = [f"{c['path']}:{c['line']}={c['body']}" for c in current_lines]
        try:
            comments = parse_line_comments(current, specs)
        except ReviewProblem as exc:
            screen.save_draft(current_lines, result)
            screen.notify(f"Not sent: {exc}.", severity="error")
            return
        op = k.ReviewSubmit(
            review=new_id("v"),
            submission=sub_id,
            revision=revision,
            verdict="approve" if result.verdict == "approve" else "changes",
            scores=result.scores,
            comment=result.comment.strip(),
            lines=comments,
        )
        if screen.write(op):
            screen.drafts.discard(screen.draft_key)
            screen.notify(f"Review sent: {VERDICT_WORDS.get(op.verdict, op.verdict)}.")
            screen.refresh_view()
        else:
            screen.save_draft(current_lines, result)

    heading = f"Review: {sub.title}"
    form_screen = RubricScreen(
        rubric,
        heading,
        initial=form,
        pending_lines=len(lines),
        keep=lambda kept: screen.save_draft(screen.load_draft()[0], kept),
    )
    screen.app.push_screen(form_screen, done)


def calibrate(screen: ReviewSubject) -> None:
    """Score the rubric's example; once sent, close the example and show my scores
    beside the reference review's."""
    rubric = screen.rubric
    if rubric is None or rubric.example is None:
        return
    rubric_id = rubric.id

    def done(result: ReviewForm | None) -> None:
        if result is None or not result.send:
            return
        op = k.ReviewSubmit(
            review=new_id("v"),
            submission=rv.calibration_id(rubric_id),
            revision=rv.CALIBRATION_REVISION,
            verdict="approve",
            scores=result.scores,
            comment=result.comment.strip(),
            calibration=True,
        )
        if not screen.write(op):
            return
        current = screen.state.rubrics.get(rubric_id)
        body = calibration_report(current, result.scores) if current else Text()
        screen.app.pop_screen()
        screen.app.push_screen(TextScreen("Your scores and the reference review", body))
        screen.notify("Calibrated. Now review the submission: press v.")

    heading = f"Calibration: {rubric.example.title}"
    screen.app.push_screen(RubricScreen(rubric, heading, calibration=True), done)


def calibration_report(rubric: Rubric, scores: dict[str, int]) -> Text:
    """My calibration scores beside the reference, criterion by criterion, then the
    reference review's comment (its paragraphs reflowed to the dialog's width)."""
    text = Text(end="")
    for row in rv.calibration_rows(rubric, scores):
        if row.delta is None:
            mark, style = "not scored", "dim"
        elif row.delta == 0:
            mark, style = "= same", palette.OK
        elif row.delta > 0:
            mark, style = f"▲ {row.delta} higher", palette.WARN
        else:
            mark, style = f"▼ {-row.delta} lower", palette.WARN
        text.append_text(member_line(row.criterion, "bold"))
        text.append("\n  yours ", style="dim")
        text.append_text(member_line(row.mine))
        text.append(" · reference ", style="dim")
        text.append_text(member_line(row.reference))
        text.append(" · ")
        text.append(mark + "\n", style=style)
    example = rubric.example
    if example and example.comment:
        text.append("\nThe reference review\n", style="bold")
        paragraphs = [" ".join(p.split()) for p in example.comment.strip().split("\n\n")]
        text.append_text(member_block("\n\n".join(p for p in paragraphs if p)))
    return text
