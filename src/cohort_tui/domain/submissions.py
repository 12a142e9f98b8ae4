"""Submission payloads, and the views of a submission a reviewer needs.

Building a payload is where the limits are enforced with a clear message: at most
:data:`~cohort_tui.domain.op_kinds.MAX_FILES` files and
:data:`~cohort_tui.domain.op_kinds.MAX_SUBMISSION_BYTES` bytes per revision, text only.
Binary files (a NUL byte, or bytes that are not UTF-8) are refused by name, whether
they come as files or inside a git diff.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.clock import new_id
from cohort_tui.domain.model import Reply, Review, ReviewLine, Revision

MAX_PATH = 300
MAX_TITLE = 300
MAX_RANGE = 200


class SubmissionProblem(ValueError):
    """A submission that cannot be built; the message is one sentence for the user."""


# -- building payloads ------------------------------------------------------------------


def is_binary(content: bytes) -> bool:
    """Whether ``content`` is not text we can store: it has a NUL byte or is not UTF-8."""
    if b"\x00" in content:
        return True
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _clean_path(path: str) -> str:
    cleaned = path.replace("\\", "/").strip()
    while cleaned.startswith("./"):
        cleaned = cleaned[2:]
    if not cleaned or cleaned.endswith("/"):
        raise SubmissionProblem(f"'{path}' is not a file name")
    if len(cleaned) > MAX_PATH:
        raise SubmissionProblem(
            f"the file name {cleaned[:40]}... is longer than {MAX_PATH} characters"
        )
    if any(ord(c) < 32 or ord(c) == 127 for c in cleaned):
        raise SubmissionProblem(f"the file name {cleaned!r} has control characters")
    return cleaned


# Plain string work rather than one clever regex: diffs come from other members too, and
# a backtracking pattern over a crafted 500 kB line takes minutes.
_DIFF_START = re.compile(rb"^diff --git ", re.MULTILINE)


def _header_path(line: bytes) -> str:
    """The new-side path of a ``diff --git a/X b/X`` line (quoted names too)."""
    rest = line[len(b"diff --git ") :].rstrip(b"\r")
    _, sep, new = rest.rpartition(b" b/")
    if not sep:
        _, sep, new = rest.rpartition(b' "b/')
    return (new.rstrip(b'"') if sep else rest).decode("utf-8", "replace")


def _diff_sections(diff: bytes) -> list[tuple[str, bytes]]:
    """``(path, section)`` per file of a git diff; one unnamed section for a plain patch."""
    starts = [m.start() for m in _DIFF_START.finditer(diff)]
    if not starts:
        return [("", diff)]
    sections = []
    if starts[0] > 0:
        sections.append(("", diff[: starts[0]]))
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(diff)
        eol = diff.find(b"\n", start, end)
        path = _header_path(diff[start : eol if eol >= 0 else end])
        sections.append((path, diff[start:end]))
    return sections


def _has_binary_note(section: bytes) -> bool:
    return any(
        line.startswith(b"Binary files ") and line.rstrip(b"\r").endswith(b" differ")
        for line in section.splitlines()
    )


def _check_diff(diff: bytes) -> str:
    """The diff as text, or a problem naming every binary file in it."""
    binary: list[str] = []
    for path, section in _diff_sections(diff):
        name = path or "the diff"
        if b"GIT binary patch" in section or _has_binary_note(section) or is_binary(section):
            binary.append(name)
    if binary:
        raise SubmissionProblem(
            "binary files cannot be submitted; leave out: " + ", ".join(sorted(set(binary)))
        )
    return diff.decode("utf-8")


def _size_problem(total: int, sizes: list[tuple[str, int]]) -> SubmissionProblem:
    biggest = sorted(sizes, key=lambda s: -s[1])[:3]
    detail = ", ".join(f"{name} {size:,}" for name, size in biggest)
    return SubmissionProblem(
        f"the submission is {total:,} bytes; the limit is {k.MAX_SUBMISSION_BYTES:,} bytes "
        f"(largest: {detail})"
    )


def build_revision(
    *,
    files: Sequence[tuple[str, bytes]] = (),
    diff: bytes | str = b"",
    diff_range: str = "",
    message: str = "",
    revision_id: str | None = None,
) -> k.RevisionData:
    """One revision's payload from ``(path, bytes)`` pairs and/or a diff.

    Raises:
        SubmissionProblem: nothing to submit, too many files, too many bytes, a binary
            file (named), a repeated or bad file name, or a message that is too long.
    """
    raw_diff = diff.encode("utf-8", "surrogatepass") if isinstance(diff, str) else diff
    if not files and not raw_diff.strip():
        raise SubmissionProblem("nothing to submit: give files or a non-empty diff")
    if len(files) > k.MAX_FILES:
        raise SubmissionProblem(
            f"{len(files)} files given; a submission may carry at most {k.MAX_FILES}"
        )
    binary = sorted(path for path, content in files if is_binary(content))
    if binary:
        raise SubmissionProblem("binary files cannot be submitted; leave out: " + ", ".join(binary))
    paths: set[str] = set()
    submitted: list[k.SubmittedFile] = []
    sizes: list[tuple[str, int]] = []
    for path, content in files:
        clean = _clean_path(path)
        if clean in paths:
            raise SubmissionProblem(f"{clean} is given twice")
        paths.add(clean)
        submitted.append(k.SubmittedFile(path=clean, content=content.decode("utf-8")))
        sizes.append((clean, len(content)))
    diff_text = _check_diff(raw_diff) if raw_diff.strip() else ""
    if diff_text:
        sizes.append(("the diff", len(raw_diff)))
    total = sum(size for _, size in sizes)
    if total > k.MAX_SUBMISSION_BYTES:
        raise _size_problem(total, sizes)
    if len(diff_range) > MAX_RANGE:
        raise SubmissionProblem(f"the revision range is longer than {MAX_RANGE} characters")
    limit = k.Body.__metadata__[0].max_length  # type: ignore[attr-defined]
    if len(message) > limit:
        raise SubmissionProblem(
            f"the message is {len(message):,} characters; the limit is {limit:,}"
        )
    return k.RevisionData(
        revision=revision_id or new_id("r"),
        message=message,
        files=submitted,
        diff=diff_text,
        diff_range=diff_range,
    )


def clean_title(title: str) -> str:
    """A submission title stripped and checked (1 to 300 characters)."""
    cleaned = " ".join(title.split())
    if not cleaned:
        raise SubmissionProblem("the title is empty")
    if len(cleaned) > MAX_TITLE:
        raise SubmissionProblem(f"the title is {len(cleaned)} characters; the limit is {MAX_TITLE}")
    return cleaned


def build_create(
    *,
    lesson: str,
    title: str,
    revision: k.RevisionData,
    submission_id: str | None = None,
    team: str | None = None,
) -> k.SubmissionCreate:
    """A new submission's op payload (see :func:`build_revision` for the revision);
    ``team`` submits for that team (the author must be one of its members)."""
    return k.SubmissionCreate(
        submission=submission_id or new_id("s"),
        lesson=lesson,
        title=clean_title(title),
        revision=revision,
        team=team,
    )


def build_revise(*, submission: str, revision: k.RevisionData) -> k.SubmissionRevise:
    """A new revision of an existing submission."""
    return k.SubmissionRevise(submission=submission, revision=revision)


# -- reading a revision -------------------------------------------------------------------


def diff_by_file(diff: str) -> dict[str, str]:
    """A git diff split per file (``path -> that file's part``); a plain patch is ``""``."""
    return {
        path: section.decode("utf-8")
        for path, section in _diff_sections(diff.encode("utf-8", "surrogatepass"))
    }


_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d{1,9})(?:,\d+)? @@")


def diff_rows(section: str) -> list[tuple[int | None, str]]:
    """Every line of a diff section with its new-side line number (None for headers,
    removed lines and notes), as a review view numbers them."""
    rows: list[tuple[int | None, str]] = []
    number: int | None = None
    for line in section.splitlines():
        hunk = _HUNK.match(line)
        if hunk:
            number = int(hunk.group(1))
            rows.append((None, line))
        elif number is not None and (line.startswith((" ", "+")) or line == ""):
            rows.append((number if number >= 1 else None, line))
            number += 1
        else:
            rows.append((None, line))
    return rows


def diff_new_lines(section: str) -> set[int]:
    """New-side line numbers a diff section shows (added and context lines)."""
    return {n for n, _ in diff_rows(section) if n is not None}


def commentable_lines(revision: Revision) -> dict[str, set[int] | int]:
    """Where a line comment may point in ``revision``.

    For a file: its line count (any line 1..count). For a file in a diff: the new-side
    line numbers the diff shows, as in a code host's review view.
    """
    where: dict[str, set[int] | int] = {}
    for f in revision.files:
        where[f.path] = max(1, len(f.content.splitlines()))
    if revision.diff:
        for path, section in diff_by_file(revision.diff).items():
            if path and path not in where:
                where[path] = diff_new_lines(section)
    return where


@dataclass(frozen=True)
class FileDiff:
    """How one file changed between two revisions."""

    path: str
    change: Literal["added", "removed", "changed"]
    lines: list[str] = field(default_factory=list)
    """Unified diff lines, without line ends."""


def _texts(revision: Revision) -> dict[str, str]:
    texts = {f.path: f.content for f in revision.files}
    if revision.diff:
        for path, section in diff_by_file(revision.diff).items():
            texts.setdefault(path or "(patch)", section)
    return texts


def diff_between_revisions(rev_a: Revision, rev_b: Revision) -> list[FileDiff]:
    """What changed from ``rev_a`` to ``rev_b``, one unified diff per changed file.

    Files are compared by content; a diff revision is compared per file by its patch
    text. Unchanged files are left out; the result is sorted by path. difflib takes tens
    of milliseconds on 10k-line files and more on big reshuffles: call it off the UI thread.
    """
    a, b = _texts(rev_a), _texts(rev_b)
    out = []
    for path in sorted(a.keys() | b.keys()):
        old, new = a.get(path), b.get(path)
        if old == new:
            continue
        change: Literal["added", "removed", "changed"] = (
            "added" if old is None else "removed" if new is None else "changed"
        )
        lines = difflib.unified_diff(
            (old or "").splitlines(),
            (new or "").splitlines(),
            fromfile="/dev/null" if old is None else f"a/{path}",
            tofile="/dev/null" if new is None else f"b/{path}",
            lineterm="",
        )
        out.append(FileDiff(path=path, change=change, lines=list(lines)))
    return out


# -- line comments -----------------------------------------------------------------------


@dataclass(frozen=True)
class AnchoredComment:
    """A line comment of one review, with the replies to it."""

    review: str
    reviewer: str
    comment: ReviewLine
    replies: list[Reply] = field(default_factory=list)


def line_comments_by_line(
    reviews: Review | Iterable[Review],
) -> dict[str, dict[int, list[AnchoredComment]]]:
    """Line comments grouped ``path -> line -> comments`` (in review order), with replies."""
    if isinstance(reviews, Review):
        reviews = [reviews]
    grouped: dict[str, dict[int, list[AnchoredComment]]] = {}
    for review in reviews:
        replies: dict[str, list[Reply]] = {}
        for reply in review.replies:
            if reply.comment is not None:
                replies.setdefault(reply.comment, []).append(reply)
        for line in review.lines:
            grouped.setdefault(line.path, {}).setdefault(line.line, []).append(
                AnchoredComment(
                    review=review.id,
                    reviewer=review.reviewer,
                    comment=line,
                    replies=replies.get(line.id, []),
                )
            )
    return grouped
