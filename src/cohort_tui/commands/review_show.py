"""``cohort review show``: a submission as numbered plain text, with its line comments.

What a reviewer on the command line needs before ``--line FILE:LINE=TEXT``: the line
numbers. Everything a member wrote (code, titles, comments) is sanitised; invisible and
bidi characters appear as ``⟪U+XXXX⟫`` and a warning says so.
"""

from __future__ import annotations

from collections.abc import Iterator

from cohort_tui.domain.model import Revision, State, Submission
from cohort_tui.domain.review_input import rubric_for
from cohort_tui.domain.sanitize import clean_line, clean_text, has_invisibles
from cohort_tui.domain.submissions import (
    AnchoredComment,
    diff_between_revisions,
    diff_by_file,
    diff_rows,
    line_comments_by_line,
)

RULE = "─"


def _who(state: State, member: str) -> str:
    m = state.members.get(member)
    return "@" + clean_line(m.handle) if m else member


def _comments(state: State, notes: list[AnchoredComment]) -> Iterator[str]:
    for note in notes:
        yield f"{'':>7}▸ {_who(state, note.reviewer)}: {clean_line(note.comment.body)}"
        for reply in note.replies:
            yield f"{'':>9}↳ {_who(state, reply.author)}: {clean_line(reply.body)}"


def _numbered(
    state: State, rows: list[tuple[int | None, str]], notes: dict[int, list[AnchoredComment]]
) -> Iterator[str]:
    for number, text in rows:
        shown = clean_text(text).expandtabs(4)
        yield f"{number if number is not None else '':>5}  {shown}"
        if number is not None and number in notes:
            yield from _comments(state, notes[number])


def render_submission(
    state: State, sub: Submission, index: int, *, changes: bool = False
) -> list[str]:
    """The text of ``cohort review show``: revision ``index`` (0-based) of ``sub``."""
    from cohort_tui.domain import queries as q
    from cohort_tui.domain.teams import author_label

    revision: Revision = sub.revisions[index]
    out = [
        clean_line(sub.title),
        f"{sub.id} · by {author_label(state, sub)} · lesson {sub.lesson} · "
        f"{q.submission_status(state, sub)} · revision {index + 1} of {len(sub.revisions)}"
        + (f" by {_who(state, revision.author)}" if sub.team and revision.author else "")
        + (f" · {clean_line(revision.diff_range)}" if revision.diff_range else ""),
    ]
    if revision.message:
        out += ["", *clean_text(revision.message).splitlines()]
    texts = [f.content for f in revision.files] + [revision.diff]
    if any(has_invisibles(t) for t in texts):
        out += ["", "warning: this revision has invisible or bidi characters, shown as ⟪U+…⟫"]
    reviews = [
        state.reviews[r]
        for r in sub.reviews
        if r in state.reviews and state.reviews[r].revision == revision.id
    ]
    notes = line_comments_by_line(reviews)
    if changes:
        if index == 0:
            out += ["", "(the first revision: nothing to compare with)"]
        for fd in diff_between_revisions(sub.revisions[index - 1], revision) if index else []:
            out += ["", f"{RULE * 3} {clean_line(fd.path)} ({fd.change})"]
            out += [clean_text(line).expandtabs(4) for line in fd.lines]
    else:
        for f in revision.files:
            out += ["", f"{RULE * 3} {clean_line(f.path)}"]
            rows: list[tuple[int | None, str]] = [
                (n, line) for n, line in enumerate(f.content.splitlines(), start=1)
            ]
            out += list(_numbered(state, rows, notes.get(f.path, {})))
        for path, section in diff_by_file(revision.diff).items() if revision.diff else []:
            out += ["", f"{RULE * 3} {clean_line(path) or '(patch)'} (diff)"]
            out += list(_numbered(state, diff_rows(section), notes.get(path, {})))
    rubric = rubric_for(state, sub)
    order = {c.id: n for n, c in enumerate(rubric.criteria)} if rubric else {}
    for review in reviews:
        ranked = sorted(review.scores.items(), key=lambda cs: (order.get(cs[0], len(order)), cs[0]))
        scores = ", ".join(f"{c}={s}" for c, s in ranked)
        out += [
            "",
            f"{RULE * 3} review by {_who(state, review.reviewer)}: {review.verdict}"
            + (f" · {scores}" if scores else ""),
        ]
        if review.comment:
            out += clean_text(review.comment).splitlines()
    return out
