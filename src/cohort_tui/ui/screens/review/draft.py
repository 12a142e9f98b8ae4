"""A reviewer's unsent review as kept on this device: the pending line comments
(``path``, ``line``, ``body``) and the rubric form, one JSON draft per submission."""

from __future__ import annotations

import json

from cohort_tui.ui.screens.rubric_form import ReviewForm

PendingLine = dict[str, object]
"""A line comment not sent yet: ``{"path": str, "line": int, "body": str}``."""


def read_review_draft(body: str | None) -> tuple[list[PendingLine], ReviewForm]:
    """The pending line comments and the rubric form in a saved draft; whatever does not
    parse or has the wrong shape is left out (a draft is never worth an error)."""
    try:
        data = json.loads(body) if body else {}
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    lines = [
        c
        for c in data.get("lines", [])
        if isinstance(c, dict)
        and isinstance(c.get("path"), str)
        and isinstance(c.get("line"), int)
        and isinstance(c.get("body"), str)
    ]
    scores = data.get("scores", {})
    form = ReviewForm(
        scores={c: s for c, s in scores.items() if isinstance(s, int)}
        if isinstance(scores, dict)
        else {},
        comment=str(data.get("comment", "")),
        verdict=str(data.get("verdict", "")),
    )
    return lines, form


def review_draft_body(lines: list[PendingLine], form: ReviewForm) -> str:
    """The draft's text; empty when nothing is pending (an empty draft is dropped)."""
    data = {
        "lines": lines,
        "scores": form.scores,
        "comment": form.comment,
        "verdict": form.verdict,
    }
    empty = not lines and not form.scores and not form.comment.strip() and not form.verdict
    return "" if empty else json.dumps(data)
