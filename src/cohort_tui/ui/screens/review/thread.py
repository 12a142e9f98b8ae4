"""The talk about a revision as shown with its code: the reviews above it, each line's
comment thread beneath the line, and the two things its authors and reviewers do with
them here, replying (``r``) and marking a review helpful (``h``)."""

from __future__ import annotations

from rich.text import Text

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain import review_view as rv
from cohort_tui.domain.clock import new_id
from cohort_tui.domain.model import Review, Rubric, State, Submission
from cohort_tui.domain.permissions import credited
from cohort_tui.domain.review_input import rubric_for
from cohort_tui.domain.submissions import AnchoredComment
from cohort_tui.store.drafts import SavedDraft
from cohort_tui.ui import palette
from cohort_tui.ui.review_looks import VERDICT_WORDS
from cohort_tui.ui.screens.compose import ComposeScreen, ComposeSetup, Draft
from cohort_tui.ui.screens.dialogs import ChoiceScreen
from cohort_tui.ui.screens.review.subject import ReviewSubject
from cohort_tui.ui.text import at_handle, member_block, member_line, plain

REPLY_LIMIT = 20_000

Notes = dict[str, dict[int, list[Text]]]
"""What the code view shows under its lines: path -> line number -> texts."""


def line_threads(state: State, comments: dict[str, dict[int, list[AnchoredComment]]]) -> Notes:
    """Each line comment with its replies, to show under its line."""
    notes: Notes = {}
    for path, by_line in comments.items():
        for number, anchored in by_line.items():
            texts = notes.setdefault(path, {}).setdefault(number, [])
            for c in anchored:
                texts.append(
                    plain(
                        ("▸ ", palette.INFO),
                        (at_handle(state, c.reviewer), palette.INFO_STRONG),
                        ": ",
                    )
                    + member_block(c.comment.body)
                )
                for reply in c.replies:
                    texts.append(
                        plain(("  ↳ ", "dim"), (at_handle(state, reply.author), "bold"), ": ")
                        + member_block(reply.body)
                    )
    return notes


def reviews_above(
    state: State, me: str, sub: Submission, index: int, reviews: list[Review]
) -> list[Text]:
    """Above the code: the author's note on the revision, its reviews with their replies,
    and which keys apply to me."""
    revision = sub.revisions[index]
    out: list[Text] = []
    if revision.message:
        out.append(
            plain(("Note from ", "dim"), at_handle(state, revision.author or sub.author), ": ")
            + member_block(revision.message, "italic")
        )
    rubric = rubric_for(state, sub)
    for review in reviews:
        out.append(review_line(state, review, rubric))
        if review.comment:
            out.append(member_block(review.comment))
        for reply in review.replies:
            if reply.comment is None:
                out.append(
                    plain(("  ↳ ", "dim"), (at_handle(state, reply.author), "bold"), ": ")
                    + member_block(reply.body)
                )
    if not reviews:
        out.append(Text("No reviews of this revision yet.", style="dim italic"))
    if credited(sub, me):
        out.append(
            Text("r replies to a comment · h marks a review helpful · R revises", style="dim")
        )
    elif rv.may_review(state, me, sub) and index == len(sub.revisions) - 1:
        out.append(
            Text("c comments on the cursor line · v scores the rubric and sends", style="dim")
        )
    return out


def review_line(state: State, review: Review, rubric: Rubric | None) -> Text:
    """One review in a line: who, the verdict, the helpful mark and the scores."""
    look = palette.OK_STRONG if review.verdict == "approve" else palette.BAD_STRONG
    text = plain(
        ("● ", look),
        (at_handle(state, review.reviewer), "bold"),
        " · ",
        (VERDICT_WORDS.get(review.verdict, review.verdict), look),
    )
    if review.helpful:
        text.append(" · ★ helpful", style=palette.STAR)
    for criterion in rubric.criteria if rubric else []:
        score = review.scores.get(criterion.id)
        if score is None:
            continue
        level = next((lv for lv in criterion.levels if lv.score == score), None)
        text.append(" · ", style="dim")
        text.append_text(member_line(criterion.title, "dim"))
        text.append_text(member_line(f" {score} {level.label if level else ''}".rstrip()))
    return text


def reply(screen: ReviewSubject, line_comments: list[AnchoredComment]) -> None:
    """Reply to a comment on the cursor line (``line_comments``) or, with none there, to
    a review of the shown revision; asks which when there are several."""
    sub = screen.sub
    if sub is None:
        return
    state = screen.state
    choices: list[tuple[str, Text]] = []
    targets: dict[str, tuple[str, str | None]] = {}
    for n, c in enumerate(line_comments):
        key = f"line{n}"
        targets[key] = (c.review, c.comment.id)
        choices.append(
            (
                key,
                plain(at_handle(state, c.reviewer), ": ") + member_line(c.comment.body, limit=60),
            )
        )
    if not choices:
        index = screen.index(sub)
        for review in rv.reviews_of_revision(state, sub, sub.revisions[index].id):
            key = f"review{len(choices)}"
            targets[key] = (review.id, None)
            choices.append(
                (
                    key,
                    plain(at_handle(state, review.reviewer), " · review: ")
                    + member_line(review.comment or review.verdict, limit=60),
                )
            )
    if not choices:
        screen.notify("Nothing to reply to here: no comment on this line, no review yet.")
        return

    def write_reply(target: tuple[str, str | None]) -> None:
        key = f"review-reply.{target[0]}.{target[1] or 'review'}"

        def done(draft: Draft | None) -> None:
            if draft is None or not draft.body.strip():
                return
            body = draft.body.strip()
            if len(body) > REPLY_LIMIT:
                screen.notify(
                    f"Too long: a reply may have {REPLY_LIMIT:,} characters; "
                    "your text is kept as a draft.",
                    severity="warning",
                )
                screen.keep_draft(key, SavedDraft(body=draft.body, saved_at=screen.now()))
                return
            op = k.ReviewReply(review=target[0], reply=new_id("y"), body=body, comment=target[1])
            if screen.write(op):
                screen.drafts.discard(key)
                screen.notify("Reply sent.")

        what = "the comment" if target[1] else "the review"
        setup = ComposeSetup(heading=f"Reply to {what}", drafts=screen.drafts, draft_key=key)
        screen.app.push_screen(ComposeScreen(setup), done)

    if len(choices) == 1:
        write_reply(targets[choices[0][0]])
        return

    def chosen(key: str | None) -> None:
        if key in targets:
            write_reply(targets[key])

    screen.app.push_screen(ChoiceScreen("Reply to which?", choices), chosen)


def mark_helpful(screen: ReviewSubject) -> None:
    """Mark a review of the shown revision helpful, or take the mark back (authors)."""
    sub = screen.sub
    if sub is None or not credited(sub, screen.me):
        screen.notify("Only the authors mark a review helpful.", severity="warning")
        return
    state = screen.state
    reviews = rv.reviews_of_revision(state, sub, sub.revisions[screen.index(sub)].id)
    if not reviews:
        screen.notify("No reviews of this revision yet.")
        return

    def toggle(review_id: str | None) -> None:
        review = screen.state.reviews.get(review_id or "")
        if review is None:
            return
        if screen.write(k.ReviewHelpful(review=review.id, helpful=not review.helpful)):
            screen.notify(
                "Marked helpful: thank you for telling them."
                if review.helpful
                else "No longer marked helpful."
            )

    if len(reviews) == 1:
        toggle(reviews[0].id)
        return
    options = [
        (
            r.id,
            plain(
                ("★ " if r.helpful else "  ", palette.STAR),
                at_handle(state, r.reviewer),
                f" · {VERDICT_WORDS.get(r.verdict, r.verdict)}",
            ),
        )
        for r in reviews
    ]
    screen.app.push_screen(ChoiceScreen("Which review helped?", options), toggle)
