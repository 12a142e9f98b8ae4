"""A reviewer's figures as ``Text``: a list row for Insights, and a short block for the
Insights details and the People page (narrow: 26 cells a line)."""

from __future__ import annotations

from rich.text import Text

from cohort_tui.domain.reviewer_figures import ReviewerFigures
from cohort_tui.domain.stats import duration
from cohort_tui.ui import palette
from cohort_tui.ui.text import member_line, plain


def _share(figures: ReviewerFigures) -> str:
    return f"{round(figures.within_target.rate * 100)}%" if figures.done else "-"


def figures_row(figures: ReviewerFigures) -> Text:
    """One list row: ``@lin  2/3 done · median 28h 00m · 100% on target · ★1``."""
    return plain(
        member_line(f"@{figures.handle}", "bold", limit=14),
        (f"  {figures.done}/{figures.assigned} done", ""),
        (f" · median {duration(figures.median_ms)} · {_share(figures)} on target", "dim"),
        (f" · ★{figures.helpful}" if figures.helpful else "", palette.STAR),
    )


def figures_text(
    figures: ReviewerFigures | None, target_hours: int, *, heading: Text | None = None
) -> Text:
    """The figures as aligned lines: asked, done, response times, the share within the
    cohort's target, helpful marks. ``heading`` (a member's name) goes first."""
    text = Text(end="")
    if heading is not None:
        text.append_text(heading)
        text.append("\n\n")
    text.append("Reviewing", style="bold")
    text.append(f" (target {target_hours}h)\n", style="dim")
    f = figures
    if f is None or (f.assigned == 0 and f.reviews == 0):
        text.append("  not asked to review yet\n", style="dim")
        return text
    rows = [
        ("asked", str(f.assigned) + (f" · {f.handed_on} handed on" if f.handed_on else "")),
        ("done", f"{f.done} · {f.waiting} waiting"),
        ("median", duration(f.median_ms)),
        ("p90", duration(f.p90_ms)),
        ("on target", f"{f.within_target.done} of {f.within_target.total} ({_share(f)})"),
        ("helpful", f"{f.helpful} of {f.reviews} review{'' if f.reviews == 1 else 's'}"),
    ]
    for label, value in rows:
        text.append(f"  {label:<10} ", style="dim")
        text.append(f"{value}\n")
    return text
