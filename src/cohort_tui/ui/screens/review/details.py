"""The inbox's details pane: the highlighted submission's facts (author, lesson, status,
revision), who it waits on and who claimed it, the latest reviews and the author's note."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from cohort_tui.domain import queries as q
from cohort_tui.domain.model import State, Submission
from cohort_tui.domain.teams import author_label
from cohort_tui.ui import palette
from cohort_tui.ui.review_looks import STATUS_LOOK, VERDICT_WORDS
from cohort_tui.ui.text import ago, at_handle, member_block, member_line, plain


class SubmissionDetails(Static):
    """One submission's facts, or a line saying nothing is highlighted."""

    DEFAULT_CSS = """
    SubmissionDetails { padding: 0 1; height: auto; }
    """

    def show(self, state: State, sub: Submission | None, now: int) -> None:
        empty = Text("Nothing highlighted.", style="italic")
        self.update(details(state, sub, now) if sub else empty)


def details(state: State, sub: Submission, now: int) -> Text:
    """The facts of ``sub`` as of ``now``."""
    lesson = state.lessons.get(sub.lesson)
    status = q.submission_status(state, sub)
    glyph, word, colour = STATUS_LOOK[status]
    revision = sub.revisions[-1]
    text = plain(member_line(sub.title, "bold"), "\n")
    text.append_text(
        plain(
            ("by ", "dim"),
            author_label(state, sub),
            (f" · {ago(sub.created_at, now)}\n", "dim"),
        )
    )
    if lesson is not None:
        text.append_text(plain(("lesson ", "dim"), member_line(lesson.title), "\n"))
    text.append(f"{glyph} {word}", style=colour)
    files = len(revision.files) + (1 if revision.diff else 0)
    text.append(
        f" · revision {len(sub.revisions)} · {files} file{'s' if files != 1 else ''}\n",
        style="dim",
    )
    open_ = [a for a in sub.assignments if a.active]
    if open_:
        text.append("waiting on ", style="dim")
        for n, a in enumerate(open_):
            who = at_handle(state, a.reviewer)
            claimed = a.claimed_until is not None and a.claimed_until > now
            text.append(("" if n == 0 else ", ") + who + (" (claimed)" if claimed else ""))
        text.append("\n")
    for review in q.latest_reviews(state, sub):
        who = at_handle(state, review.reviewer)
        look = palette.OK if review.verdict == "approve" else palette.BAD
        text.append(f"{who}: ")
        text.append(VERDICT_WORDS.get(review.verdict, review.verdict), style=look)
        if review.lines:
            text.append(f" · {len(review.lines)} line comment", style="dim")
            text.append("s" if len(review.lines) != 1 else "", style="dim")
        if review.helpful:
            text.append(" · ★ helpful", style=palette.STAR)
        text.append("\n")
    if revision.message:
        text.append("\n")
        text.append_text(member_block(revision.message, "italic"))
        text.append("\n")
    text.append("\nEnter opens it.", style="dim")
    return text
