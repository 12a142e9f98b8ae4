"""Above the code: the facts of what is shown (which submission, by whom, its status
and revision) and a banner naming the hidden characters in the code, if any."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from cohort_tui.domain import queries as q
from cohort_tui.domain.model import State, Submission
from cohort_tui.domain.op_kinds import RubricExample
from cohort_tui.domain.sanitize import BIDI_CONTROLS, clean_line, find_invisibles, has_invisibles
from cohort_tui.domain.teams import author_label
from cohort_tui.ui import palette
from cohort_tui.ui.review_looks import STATUS_LOOK
from cohort_tui.ui.text import member_line, plain
from cohort_tui.ui.widgets.code_view import CodeFile

MAX_BANNER_NAMES = 3


class ReviewFacts(Static):
    """Up to three lines: the submission's title, author, lesson, status and revision
    (or what a calibration asks)."""

    DEFAULT_CSS = """
    ReviewFacts { height: auto; max-height: 3; padding: 0 1; }
    """

    def show_submission(self, state: State, sub: Submission, index: int, changes: bool) -> None:
        """Revision ``index`` of ``sub`` (``changes``: the changes since the one before)."""
        status = q.submission_status(state, sub)
        glyph, word, colour = STATUS_LOOK[status]
        lesson = state.lessons.get(sub.lesson)
        text = plain(member_line(sub.title, "bold"), "\n", ("by ", "dim"), author_label(state, sub))
        if lesson is not None:
            text.append_text(member_line(f" · {lesson.title}", "dim", limit=40))
        text.append(" · ")
        text.append(f"{glyph} {word}", style=colour)
        text.append(f" · revision {index + 1} of {len(sub.revisions)}", style="bold")
        revision = sub.revisions[index]
        if revision.diff_range:
            text.append_text(member_line(f" · {revision.diff_range}", "dim", limit=50))
        if changes:
            text.append(f" · changes since revision {index}", style=palette.NEW)
        if len(sub.revisions) > 1:
            text.append(" (< > other revisions)", style="dim")
        self.update(text)

    def show_calibration(self, example: RubricExample) -> None:
        """A rubric's example to score before a first review with the rubric."""
        self.update(
            plain(
                ("Calibration: ", palette.WARN_STRONG),
                member_line(example.title, "bold"),
                "\n",
                (
                    "Before your first review with this rubric, score this example "
                    "(press v); then compare with the reference review.",
                    "dim",
                ),
            )
        )

    def show_missing(self, what: str) -> None:
        """Nothing to show, and why."""
        self.update(Text(what, style="italic"))


class HiddenCharsBanner(Static):
    """A warning over the code when it holds invisible or bidi characters; hidden when
    it holds none."""

    DEFAULT_CSS = """
    HiddenCharsBanner {
        height: auto; max-height: 4; padding: 0 1; background: $error 25%; color: $text;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.display = False  # until some code shows it a reason

    def show_for(self, files: list[CodeFile]) -> None:
        warning = invisible_banner(files)
        self.display = warning is not None
        self.update(warning or "")


def invisible_banner(files: list[CodeFile]) -> Text | None:
    """A warning naming the invisible and bidi characters in the files, with where the
    first of each kind is; None when there are none."""
    found: dict[str, tuple[int, str]] = {}
    total = 0
    for f in files:
        if not has_invisibles("\n".join(raw for _, raw in f.rows)):
            continue
        for row, (number, raw) in enumerate(f.rows, start=1):
            for mark in find_invisibles(raw):
                total += 1
                rank = 0 if mark.codepoint in BIDI_CONTROLS else 1 if mark.codepoint > 0x7F else 2
                found.setdefault(mark.name, (rank, f"{clean_line(f.path)}:{number or row}"))
    if not found:
        return None
    # Bidi controls first (they reorder what you read), then invisible ones, then controls.
    ranked = sorted(found.items(), key=lambda item: item[1][0])
    names = [(name, where) for name, (_, where) in ranked]
    kinds = len(names)
    text = Text(f"⚠ {total} hidden character{'s' if total != 1 else ''} in this code: ")
    text.stylize("bold")
    text.append(", ".join(f"{name} ({where})" for name, where in names[:MAX_BANNER_NAMES]))
    if kinds > MAX_BANNER_NAMES:
        text.append(f", {kinds - MAX_BANNER_NAMES} more kind{'s' if kinds > 4 else ''}")
    text.append(". Marked ⟪U+…⟫ or ␛ in reverse video: read those lines with care.")
    return text
