"""Checking what a reviewer typed against the rubric and the submission.

Shared by the CLI (``--score works=yes``, ``--line notes.py:12=...``) and the review
form, so both refuse the same things with the same sentences, before an op is written.
"""

from __future__ import annotations

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.model import Rubric, State, Submission
from cohort_tui.domain.submissions import commentable_lines


class ReviewProblem(ValueError):
    """Reviewer input that does not fit; the message is one sentence for the user."""


def rubric_for(state: State, sub: Submission) -> Rubric | None:
    """The rubric of the submission's lesson project, if it has one."""
    lesson = state.lessons.get(sub.lesson)
    rubric_id = lesson.project.rubric if lesson and lesson.project else None
    return state.rubrics.get(rubric_id) if rubric_id else None


def resolve_score(rubric: Rubric, criterion: str, level: str) -> tuple[str, int]:
    """``(criterion id, score)`` for a criterion named by id or title and a level named by
    label or score (case-insensitive).

    Raises:
        ReviewProblem: unknown criterion or level; the message lists the valid ones.
    """
    wanted = criterion.strip().lower()
    match = next(
        (c for c in rubric.criteria if wanted in (c.id.lower(), c.title.strip().lower())), None
    )
    if match is None:
        names = ", ".join(c.id for c in rubric.criteria)
        raise ReviewProblem(f"no criterion '{criterion}' in rubric {rubric.id} (criteria: {names})")
    given = level.strip().lower()
    for lv in match.levels:
        if given in (lv.label.strip().lower(), str(lv.score)):
            return match.id, lv.score
    levels = ", ".join(f"{lv.score}={lv.label}" for lv in match.levels)
    raise ReviewProblem(f"'{level}' is not a level of {match.id} (levels: {levels})")


def parse_scores(state: State, sub: Submission, specs: list[str]) -> dict[str, int]:
    """Scores from ``CRITERION=LEVEL`` specs, checked against the lesson's rubric."""
    if not specs:
        return {}
    rubric = rubric_for(state, sub)
    if rubric is None:
        raise ReviewProblem(f"lesson {sub.lesson} has no rubric to score; leave out --score")
    scores: dict[str, int] = {}
    for spec in specs:
        criterion, sep, level = spec.partition("=")
        if not sep or not criterion.strip() or not level.strip():
            raise ReviewProblem(f"a score is CRITERION=LEVEL, not '{spec}'")
        cid, score = resolve_score(rubric, criterion, level)
        if cid in scores:
            raise ReviewProblem(f"{cid} is scored twice")
        scores[cid] = score
    return scores


def parse_line_comments(sub: Submission, specs: list[str]) -> list[k.LineComment]:
    """Line comments from ``FILE:LINE=TEXT`` specs, checked against the latest revision."""
    if not specs:
        return []
    where = commentable_lines(sub.revisions[-1])
    comments: list[k.LineComment] = []
    for n, spec in enumerate(specs, start=1):
        anchor, sep, text = spec.partition("=")
        path, colon, number = anchor.rpartition(":")
        if not sep or not colon or not path or not text.strip():
            raise ReviewProblem(f"a line comment is FILE:LINE=TEXT, not '{spec[:60]}'")
        try:
            line = int(number)
        except ValueError:
            raise ReviewProblem(f"'{number}' is not a line number (in --line {anchor})") from None
        path = path.removeprefix("./")
        lines = where.get(path)
        if lines is None:
            names = ", ".join(sorted(where)) or "none"
            raise ReviewProblem(f"no file {path} in the latest revision (files: {names})")
        if line < 1:
            raise ReviewProblem(f"line numbers start at 1, not {line}")
        if isinstance(lines, int):
            if not 1 <= line <= lines:
                raise ReviewProblem(f"{path} has {lines} lines; line {line} is not one of them")
        elif line not in lines:
            shown = _spans(sorted(lines))
            raise ReviewProblem(f"the diff does not show line {line} of {path} (it shows {shown})")
        body = text.strip()
        if len(body) > 20_000:
            raise ReviewProblem(f"the comment on {anchor} is longer than 20,000 characters")
        comments.append(k.LineComment(id=f"c{n}", path=path, line=line, body=body))
    return comments


def _spans(numbers: list[int]) -> str:
    if not numbers:
        return "no lines"
    spans: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        spans.append(f"{start}" if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(spans[:6]) + (", ..." if len(spans) > 6 else "")
