"""The composer: a modal for a new thread, a reply or an edit.

Writing happens in a ``TextArea`` (or in ``$EDITOR``, one key away), with a preview of
how the post will read, ``@handle`` completion from the roster, and a draft saved to the
store folder as you type, so a crash or an accidental escape loses nothing.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, Select, Static, TextArea

from cohort_tui.domain.discussions import mention_prefix
from cohort_tui.domain.op_kinds import Body
from cohort_tui.domain.sanitize import clean_line, clean_text
from cohort_tui.store.drafts import Drafts, SavedDraft
from cohort_tui.ui.markdown_lite import style_block
from cohort_tui.ui.text import member_line

BODY_LIMIT: int = Body.__metadata__[0].max_length  # type: ignore[attr-defined]
TITLE_LIMIT = 300
MAX_TAGS = 10
SAVE_DELAY = 0.4  # seconds of quiet before the draft is written


@dataclass(frozen=True)
class Draft:
    """What the composer returns."""

    title: str
    body: str
    tags: list[str] = field(default_factory=list)
    lesson: str | None = None


@dataclass(frozen=True)
class ComposeSetup:
    """What the composer needs from the screen that opens it."""

    heading: str
    with_title: bool = False
    title: str = ""
    body: str = ""
    lesson: str | None = None
    lessons: list[tuple[str, str]] = field(default_factory=list)  # (title, id) to anchor to
    handles: list[str] = field(default_factory=list)  # the roster, for @completion
    drafts: Drafts | None = None
    draft_key: str = ""


def parse_tags(raw: str) -> list[str]:
    """``python, Files #io`` -> ``["python", "files", "io"]`` (lowercase, unique, in order)."""
    seen: list[str] = []
    for word in raw.replace(",", " ").split():
        tag = "".join(c for c in word.lstrip("#").lower() if c.isalnum() or c in "-_")[:32]
        if tag and tag not in seen:
            seen.append(tag)
    return seen


class ComposeScreen(ModalScreen[Draft | None]):
    """Write a post. ``ctrl+s`` sends; ``escape`` closes and keeps the draft."""

    DEFAULT_CSS = """
    ComposeScreen { align: center middle; }
    ComposeScreen > Vertical {
        width: 90%; max-width: 100; height: 90%; border: round $primary;
        background: $surface; padding: 0 1;
    }
    ComposeScreen #compose-meta { height: auto; }
    ComposeScreen #compose-tags { width: 1fr; }
    ComposeScreen #compose-lesson { width: 1fr; }
    ComposeScreen #compose-body { height: 1fr; }
    ComposeScreen #compose-preview { height: 1fr; border: round $primary 50%; }
    ComposeScreen #compose-help { height: 1; color: $foreground 60%; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "send", "Send", id="compose.send", priority=True, tooltip="Post it"),
        Binding(
            "escape",
            "cancel",
            "Close",
            id="compose.cancel",
            tooltip="Close without posting (the draft is kept)",
        ),
        Binding(
            "ctrl+t",
            "toggle_preview",
            "Preview",
            id="compose.preview",
            priority=True,
            tooltip="Show how the post will read",
        ),
        Binding(
            "ctrl+o",
            "external_editor",
            "$EDITOR",
            id="compose.editor",
            priority=True,
            tooltip="Write the body in your $EDITOR",
        ),
        Binding(
            "tab",
            "complete_mention",
            "Complete @",
            id="compose.complete",
            show=False,
            tooltip="Complete the @handle being typed",
        ),
    ]

    def __init__(self, setup: ComposeSetup) -> None:
        super().__init__()
        self.setup = setup
        self._save_timer: Timer | None = None
        self._sent = False
        saved = setup.drafts.load(setup.draft_key) if setup.drafts and setup.draft_key else None
        self.restored = saved is not None
        # What the fields start with comes from outside: a quoted post, a draft file,
        # check output, a lesson title. An Input or TextArea draws its text as it is, so
        # it is sanitised first (what is sent is what was shown).
        self._title = clean_line(saved.title if saved and saved.title else setup.title)
        self._body = clean_text(saved.body if saved else setup.body)
        self._tags = clean_line(", ".join(saved.tags)) if saved else ""
        self._lesson = saved.lesson if saved and saved.lesson else setup.lesson

    def compose(self) -> ComposeResult:
        setup = self.setup
        with Vertical():
            heading = member_line(setup.heading, "bold")
            if self.restored:
                heading.append("  (draft restored)", style="italic")
            yield Static(heading)
            title = Input(
                self._title,
                placeholder="Title",
                id="compose-title",
                max_length=TITLE_LIMIT,
            )
            title.display = setup.with_title
            yield title
            with Horizontal(id="compose-meta") as meta:
                meta.display = setup.with_title
                yield Input(self._tags, placeholder="tags: python, files", id="compose-tags")
                lesson_ids = {lesson_id for _, lesson_id in setup.lessons}
                yield Select(
                    [(member_line(title_), lesson_id) for title_, lesson_id in setup.lessons],
                    prompt="No lesson",
                    value=self._lesson if self._lesson in lesson_ids else Select.NULL,
                    id="compose-lesson",
                )
            yield TextArea(self._body, id="compose-body", soft_wrap=True, show_line_numbers=False)
            with VerticalScroll(id="compose-preview") as preview:
                preview.display = False
                preview.border_title = "Preview"
                yield Static(id="compose-preview-text")
            yield Static(self._help_text(), id="compose-help")

    def on_mount(self) -> None:
        if self.setup.with_title and not self._title:
            self.query_one("#compose-title", Input).focus()
        else:
            area = self.query_one("#compose-body", TextArea)
            area.focus()
            area.move_cursor(area.document.end)

    # -- values --------------------------------------------------------------------

    def _values(self) -> tuple[str, str, list[str], str | None]:
        title = self.query_one("#compose-title", Input).value.strip()
        body = self.query_one("#compose-body", TextArea).text
        tags = parse_tags(self.query_one("#compose-tags", Input).value)
        lesson = self.query_one("#compose-lesson", Select).value
        return title, body, tags, (lesson if isinstance(lesson, str) else None)

    def action_send(self) -> None:
        # ctrl+s is a priority binding: it runs as soon as the key reaches the app, while
        # keys typed just before it may still wait in the focused field's queue (a paste,
        # tmux send-keys, a browser seat). Sending from the back of that queue posts every
        # character typed.
        focused = self.focused
        if focused is None:
            self._send()
        else:
            focused.call_later(self._send)

    def _send(self) -> None:
        if self._sent or not self.is_attached:
            return
        title, body, tags, lesson = self._values()
        if self.setup.with_title and not title:
            self.notify("Give the thread a title.", severity="warning")
            return
        if not body.strip():
            self.notify("Write something first.", severity="warning")
            return
        if len(body) > BODY_LIMIT:
            self.notify(
                f"Too long: {len(body):,} characters; a post may have {BODY_LIMIT:,}.",
                severity="warning",
            )
            return
        if len(tags) > MAX_TAGS:
            self.notify(f"At most {MAX_TAGS} tags.", severity="warning")
            return
        self._sent = True
        self._stop_timer()
        self.dismiss(Draft(title=title, body=body, tags=tags, lesson=lesson))

    def action_cancel(self) -> None:
        self._stop_timer()
        kept = self._save_draft()
        if kept:
            self.app.notify("Draft kept: it comes back when you open this again.", timeout=3)
        self.dismiss(None)

    # -- drafts --------------------------------------------------------------------

    @on(TextArea.Changed)
    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        self._refresh_help()
        if self.setup.drafts is None or not self.setup.draft_key:
            return
        self._stop_timer()
        self._save_timer = self.set_timer(SAVE_DELAY, self._save_draft)

    def keep_draft(self) -> None:
        """Save the draft now: the app is quitting, or its terminal went away."""
        self._stop_timer()
        self._save_draft()

    def _stop_timer(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None

    def _save_draft(self) -> bool:
        """Write the draft now; True if there was something to keep."""
        drafts, key = self.setup.drafts, self.setup.draft_key
        if drafts is None or not key or self._sent:
            return False
        title, body, tags, lesson = self._values()
        try:
            drafts.save(key, SavedDraft(title=title, body=body, tags=tags, lesson=lesson))
        except OSError as error:
            self.notify(f"Could not save the draft: {error.strerror}", severity="warning")
            return False
        return bool(title.strip() or body.strip())

    # -- preview, editor, mentions -------------------------------------------------

    def action_toggle_preview(self) -> None:
        area = self.query_one("#compose-body", TextArea)
        preview = self.query_one("#compose-preview", VerticalScroll)
        showing = not preview.display
        if showing:
            rendered = style_block(clean_text(area.text)) if area.text.strip() else None
            self.query_one("#compose-preview-text", Static).update(
                rendered or Text("Nothing to preview yet.", style="italic")
            )
        preview.display = showing
        area.display = not showing
        (preview if showing else area).focus()

    def action_external_editor(self) -> None:
        if self.app.is_web:  # a browser seat: no terminal to hand to an editor
            self.notify("No $EDITOR in a browser seat: write here.", severity="warning")
            return
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        if not editor:
            self.notify("Set $EDITOR (or $VISUAL) to write in your editor.", severity="warning")
            return
        area = self.query_one("#compose-body", TextArea)
        with tempfile.NamedTemporaryFile(
            "w", suffix=".md", prefix="cohort-post-", delete=False, encoding="utf-8"
        ) as handle:
            handle.write(area.text)
            path = Path(handle.name)
        try:
            try:
                with self.app.suspend():
                    code = _run_editor(editor, path)
            except SuspendNotSupported:  # headless (tests) or a driver that cannot suspend
                code = _run_editor(editor, path)
            if code != 0:
                self.notify(f"The editor exited with {code}; the text is unchanged.")
                return
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError as error:
            self.notify(f"Could not run {editor!r}: {error.strerror}", severity="error")
            return
        finally:
            path.unlink(missing_ok=True)
        area.load_text(clean_text(text.removesuffix("\n")))  # the file is outside text
        area.move_cursor(area.document.end)
        area.focus()
        self._changed()

    def _mention(self) -> tuple[str, list[str]] | None:
        area = self.query_one("#compose-body", TextArea)
        if not area.has_focus:
            return None
        row, column = area.cursor_location
        before = area.document.get_line(row)[:column]
        prefix = mention_prefix(before)
        if prefix is None:
            return None
        found = [h for h in self.setup.handles if h.lower().startswith(prefix.lower())]
        return (prefix, found[:6]) if found else None

    def action_complete_mention(self) -> None:
        mention = self._mention()
        if mention is None:
            self.app.action_focus_next()
            return
        prefix, found = mention
        area = self.query_one("#compose-body", TextArea)
        area.insert(found[0][len(prefix) :] + " ")

    def _help_text(self) -> Text:
        mention = self._mention() if self.is_mounted else None
        if mention is not None:
            _, found = mention
            text = Text("tab completes: ", style="bold")
            text.append_text(member_line("  ".join("@" + h for h in found)))
            return text
        return Text("ctrl+s posts · esc closes (draft kept) · ctrl+t preview · ctrl+o $EDITOR")

    def _refresh_help(self) -> None:
        self.query_one("#compose-help", Static).update(self._help_text())

    def on_text_area_selection_changed(self) -> None:
        self._refresh_help()


def _run_editor(editor: str, path: Path) -> int:
    return subprocess.run([*shlex.split(editor), str(path)], check=False).returncode
