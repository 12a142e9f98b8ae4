"""The code under review: a revision's files (or the changes since the revision before)
with each line's comment thread beneath it and the reviews above.

Line numbers are the ones ``cohort review show`` prints and ``--line FILE:LINE=`` takes:
a file's own lines from 1, and new-side numbers in a diff (``diff_rows``).
"""

from __future__ import annotations

from textual import on, work
from textual.message import Message

from cohort_tui.domain.model import Revision
from cohort_tui.domain.submissions import (
    AnchoredComment,
    diff_between_revisions,
    diff_by_file,
    diff_rows,
)
from cohort_tui.ui.widgets.code_view import CodeFile, CodeView


def revision_files(sub_revision_files: list[tuple[str, str]], diff: str) -> list[CodeFile]:
    """The files of a revision as the view shows them: plain files, then each file of
    its diff (new-side numbers)."""
    files = [
        CodeFile(path, [(n, line) for n, line in enumerate(content.splitlines(), start=1)])
        for path, content in sub_revision_files
    ]
    if diff:
        for path, section in diff_by_file(diff).items():
            files.append(CodeFile(path or "(patch)", diff_rows(section), diff=True, label="diff"))
    return files


def changed_files(before: Revision, after: Revision) -> list[CodeFile]:
    """What changed from one revision to the next, file by file, as diffs."""
    files = [
        CodeFile(fd.path, diff_rows("\n".join(fd.lines)), diff=True, label=fd.change)
        for fd in diff_between_revisions(before, after)
    ]
    return files or [CodeFile("(no changes)", [], label="the files are the same")]


class ChangesReady(Message):
    """The diff between two revisions, worked out off the UI thread. It bubbles on to
    the screen, which shows it."""

    def __init__(self, key: tuple[str, str], files: list[CodeFile]) -> None:
        super().__init__()
        self.key = key
        self.files = files


class ReviewCode(CodeView):
    """A :class:`CodeView` that knows the comments on its lines and works out the
    changes between revisions in a thread (kept, so stepping back and forth is free)."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._changes_files: dict[tuple[str, str], list[CodeFile]] = {}
        self.comments: dict[str, dict[int, list[AnchoredComment]]] = {}
        """The shown revision's line comments: path -> line number -> comments."""

    def changes(self, before: Revision, after: Revision) -> list[CodeFile] | None:
        """The changes from ``before`` to ``after``; None while they are worked out
        (a :class:`ChangesReady` follows)."""
        found = self._changes_files.get((before.id, after.id))
        if found is None:
            self._work_out_changes(before, after)
        return found

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _work_out_changes(self, before: Revision, after: Revision) -> None:
        self.post_message(ChangesReady((before.id, after.id), changed_files(before, after)))

    @on(ChangesReady)
    def _changes_ready(self, event: ChangesReady) -> None:
        self._changes_files[event.key] = event.files  # and on to the screen, which redraws

    def cursor_line(self) -> tuple[str, int] | None:
        """``(path, line number)`` under the cursor; None off a numbered line."""
        place = self.cursor_place()
        if place is None or place[1] is None:
            return None
        return place[0], place[1]

    def cursor_comments(self) -> list[AnchoredComment]:
        """The comments on the line under the cursor."""
        place = self.cursor_line()
        if place is None:
            return []
        return self.comments.get(place[0], {}).get(place[1], [])
