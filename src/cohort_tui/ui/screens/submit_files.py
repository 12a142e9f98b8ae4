"""Submitting from the app: pick text files under the folder cohort was started in.

The folder is walked in a worker (it can be big); version-control, virtualenv and cache
folders are skipped, and so are binary files and files past the submission size limit.
The payload is built by :mod:`cohort_tui.domain.submissions`, so the app and
``cohort submit`` refuse the same things with the same sentences, shown in the dialog.
"""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Select, Static

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.sanitize import clean_line
from cohort_tui.domain.submissions import (
    SubmissionProblem,
    build_create,
    build_revise,
    build_revision,
)
from cohort_tui.ui.text import member_block, member_line
from cohort_tui.ui.widgets.check_list import CheckList

SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        "env",
        "node_modules",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".tox",
        ".idea",
        ".vscode",
    }
)
MAX_LISTED = 2000
"""Most files the picker lists (a home folder would otherwise take a while)."""


SAMPLE = 8192
"""Bytes read to tell text from binary when listing; submitting checks the whole file."""


def looks_binary(path: Path) -> bool:
    """Whether the start of a file has a NUL byte or is not UTF-8 (a character cut at
    the end of the sample is fine)."""
    with path.open("rb") as f:
        sample = f.read(SAMPLE)
    if b"\x00" in sample:
        return True
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=len(sample) < SAMPLE)
    except UnicodeDecodeError:
        return True
    return False


def text_files(root: Path, limit: int = MAX_LISTED) -> tuple[list[str], int]:
    """Relative paths of the text files under ``root`` (sorted) and how many were skipped
    as binary or too big. Unreadable files and folders are left out quietly."""
    found: list[str] = []
    skipped = 0
    for folder, dirs, names in os.walk(root, onerror=lambda _: None):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.endswith(".egg-info"))
        for name in sorted(names):
            path = Path(folder) / name
            try:
                if not path.is_file() or path.stat().st_size > k.MAX_SUBMISSION_BYTES:
                    skipped += 1
                    continue
                if looks_binary(path):
                    skipped += 1
                    continue
            except OSError:
                continue
            found.append(path.relative_to(root).as_posix())
            if len(found) >= limit:
                return found, skipped
    return found, skipped


@dataclass(frozen=True)
class SubmitSetup:
    """What the dialog needs: where to look, the lessons to choose from, what it revises."""

    work_dir: Path
    lessons: list[tuple[str, str]]  # (title, id)
    lesson: str | None = None
    revise: str | None = None  # the submission id when revising
    revise_title: str = ""
    preselect: tuple[str, ...] = ()


class SubmitScreen(ModalScreen[k.SubmissionCreate | k.SubmissionRevise | None]):
    """Title, lesson, message and files; ``ctrl+s`` submits, ``escape`` closes."""

    DEFAULT_CSS = """
    SubmitScreen { align: center middle; }
    SubmitScreen > Vertical {
        width: 90%; max-width: 100; height: 90%; border: round $primary;
        background: $surface; padding: 0 1;
    }
    SubmitScreen #submit-files { height: 1fr; min-height: 4; }
    SubmitScreen #submit-problem { color: $error; height: auto; }
    SubmitScreen .dialog-help { color: $foreground 60%; height: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "send", "Submit", id="submit.send", priority=True, tooltip="Hand it in"),
        Binding(
            "escape", "cancel", "Close", id="submit.cancel", tooltip="Close without submitting"
        ),
    ]

    class Listed(Message):
        def __init__(self, paths: list[str], skipped: int, problem: str = "") -> None:
            super().__init__()
            self.paths = paths
            self.skipped = skipped
            self.problem = problem

    def __init__(self, setup: SubmitSetup) -> None:
        super().__init__()
        self.setup = setup

    def compose(self) -> ComposeResult:
        setup = self.setup
        with Vertical():
            if setup.revise:
                yield Static(member_line(f"Revise: {setup.revise_title}", "bold"))
            else:
                yield Static(Text("Submit for review", style="bold"))
                yield Input(placeholder="title", id="submit-title", max_length=300)
                options = [(member_line(title), lesson) for title, lesson in setup.lessons]
                yield Select(
                    options,
                    prompt="lesson",
                    id="submit-lesson",
                    value=setup.lesson if setup.lesson else Select.NULL,
                    compact=True,
                )
            yield Input(placeholder="a note for the reviewers (optional)", id="submit-message")
            where = Text("Files under ", style="dim")
            where.append_text(member_line(str(setup.work_dir), "dim"))
            yield Static(where, id="submit-where")
            yield CheckList[str](id="submit-files")
            yield Static(id="submit-problem")
            yield Static("space picks a file · ctrl+s submits · esc closes", classes="dialog-help")

    def on_mount(self) -> None:
        files = self.query_one("#submit-files", CheckList)
        files.border_title = "looking for text files…"
        self._list_files()
        first = "#submit-message" if self.setup.revise else "#submit-title"
        self.query_one(first, Input).focus()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _list_files(self) -> None:
        try:
            paths, skipped = text_files(self.setup.work_dir)
        except OSError as exc:
            self.post_message(self.Listed([], 0, f"Could not read the folder: {exc}"))
            return
        self.post_message(self.Listed(paths, skipped))

    @on(Listed)
    def _listed(self, event: Listed) -> None:
        files = self.query_one("#submit-files", CheckList)
        wanted = set(self.setup.preselect)
        files.add_options(
            [(Content(clean_line(path)), path, path in wanted) for path in event.paths]
        )
        note = f"{len(event.paths)} text files"
        if event.skipped:
            note += f" ({event.skipped} binary or too big left out)"
        files.border_title = Text(note)
        if event.problem:
            self._problem(event.problem)
        elif not event.paths:
            self._problem("No text files here: start cohort in your project's folder.")

    def _problem(self, message: str) -> None:
        # Problems name files and quote OS errors: outside text.
        self.query_one("#submit-problem", Static).update(member_block(message))

    def payload(self) -> k.SubmissionCreate | k.SubmissionRevise:
        """The op from what is filled in; raises SubmissionProblem with a sentence."""
        chosen = list(self.query_one("#submit-files", CheckList).selected)
        if not chosen:
            raise SubmissionProblem("pick at least one file (space)")
        root = self.setup.work_dir
        total = 0
        for path in chosen:
            total += (root / path).stat().st_size
        if total > k.MAX_SUBMISSION_BYTES:
            raise SubmissionProblem(
                f"the files are {total:,} bytes; the limit is {k.MAX_SUBMISSION_BYTES:,} bytes"
            )
        files = [(path, (root / path).read_bytes()) for path in chosen]
        message = self.query_one("#submit-message", Input).value.strip()
        revision = build_revision(files=files, message=message)
        if self.setup.revise:
            return build_revise(submission=self.setup.revise, revision=revision)
        lesson = self.query_one("#submit-lesson", Select).value
        if not isinstance(lesson, str):
            raise SubmissionProblem("choose the lesson this project belongs to")
        title = self.query_one("#submit-title", Input).value
        return build_create(lesson=lesson, title=title, revision=revision)

    def action_send(self) -> None:
        try:
            op = self.payload()
        except SubmissionProblem as exc:
            self._problem(f"Cannot submit: {exc}.")
            return
        except OSError as exc:
            self._problem(f"Could not read a file: {exc.strerror or exc}.")
            return
        self.dismiss(op)

    def action_cancel(self) -> None:
        self.dismiss(None)
