"""Facilitator forms: a milestone (title, due, lessons, projects) and a live session."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import ClassVar
from urllib.parse import urlsplit

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static, TextArea

from cohort_tui.domain.sanitize import clean_line, clean_text
from cohort_tui.ui.text import member_line
from cohort_tui.ui.widgets.check_list import CheckList

DATE_FORMAT = "%Y-%m-%d %H:%M"


def parse_local(text: str) -> int | None:
    """``2026-11-30 18:00`` (or just the date: 23:59 that day) in the local time zone, as
    epoch ms; None if it does not parse."""
    text = text.strip()
    for fmt, suffix in ((DATE_FORMAT, ""), ("%Y-%m-%d", " 23:59")):
        try:
            parsed = time.strptime(text + suffix, fmt if not suffix else DATE_FORMAT)
        except ValueError:
            continue
        return int(time.mktime(parsed)) * 1000
    return None


def is_web_link(text: str) -> bool:
    """Whether ``text`` is an http(s) address with a host and nothing that would break
    it in a calendar file (spaces, control characters)."""
    if any(c.isspace() or not c.isprintable() for c in text):
        return False
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:  # "http://[::1": a bracket with no end
        return False
    return parts.scheme in ("http", "https") and bool(host)


def format_local(ms: int) -> str:
    return time.strftime(DATE_FORMAT, time.localtime(ms / 1000))


@dataclass(frozen=True)
class MilestoneDraft:
    title: str
    due: int
    description: str
    lessons: list[str] = field(default_factory=list)
    projects: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SessionDraft:
    title: str
    start: int
    minutes: int
    link: str
    agenda: str


FORM_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 90%; max-width: 100; height: 90%; border: round $primary;
    background: $surface; padding: 0 1;
}}
{name} Label {{ margin-top: 1; color: $text-muted; }}
{name} .form-help {{ height: 1; color: $foreground 60%; }}
{name} TextArea {{ height: 5; }}
"""


class _Form(ModalScreen[object]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="form.save", priority=True, tooltip="Save"),
        Binding("escape", "cancel", "Close", id="form.close", tooltip="Close without saving"),
        # Priority: Tab moves focus as soon as it reaches the app. Handled after the
        # field it left (a key bubbles up from there), keys typed right after it were
        # already on their way to that field and landed in the previous one.
        Binding("tab", "app.focus_next", "Next field", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", "Previous field", show=False, priority=True),
    ]

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _text(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value.strip()


class MilestoneForm(_Form):
    """Create or edit a milestone; returns a :class:`MilestoneDraft`.

    | Key | Action |
    |---|---|
    | tab / shift+tab | next / previous field |
    | space | tick a lesson or project |
    | ctrl+s | save |
    | escape | close without saving |
    """

    AUTO_FOCUS = "#ms-title"

    DEFAULT_CSS = FORM_CSS.format(name="MilestoneForm") + ("MilestoneForm CheckList { height: 8; }")

    def __init__(
        self,
        heading: str,
        lessons: list[tuple[str, str, bool]],  # (title, id, has a project)
        draft: MilestoneDraft | None = None,
    ) -> None:
        super().__init__()
        self.heading = heading
        self.lessons = lessons
        self.draft = draft

    def compose(self) -> ComposeResult:
        d = self.draft
        chosen = set(d.lessons) if d else set()
        projects = set(d.projects) if d else set()
        with Vertical():
            yield Static(member_line(self.heading, "bold"))
            with VerticalScroll():
                yield Label("Title")
                # Values being edited come from ops: an Input draws them as they are.
                yield Input(clean_line(d.title) if d else "", id="ms-title", max_length=200)
                yield Label("Due (local time: YYYY-MM-DD HH:MM, or a date for 23:59)")
                yield Input(format_local(d.due) if d else "", id="ms-due", placeholder="2026-12-01")
                yield Label("Lessons to have done (space toggles)")
                yield CheckList[str](
                    *((member_line(title), lid, lid in chosen) for title, lid, _ in self.lessons),
                    id="ms-lessons",
                )
                yield Label("Projects to have approved")
                yield CheckList[str](
                    *(
                        (member_line(t), lid, lid in projects)
                        for t, lid, project in self.lessons
                        if project
                    ),
                    id="ms-projects",
                )
                yield Label("Description")
                yield TextArea(clean_text(d.description) if d else "", id="ms-description")
            yield Static("ctrl+s saves · esc closes", classes="form-help")

    def action_save(self) -> None:
        title = self._text("ms-title")
        due = parse_local(self._text("ms-due"))
        if not title:
            self.notify("Give the milestone a title.", severity="warning")
            return
        if due is None:
            self.notify(
                "Due: write a date like 2026-12-01 or 2026-12-01 18:00.", severity="warning"
            )
            return
        lessons = list(self.query_one("#ms-lessons", CheckList).selected)
        projects = list(self.query_one("#ms-projects", CheckList).selected)
        if not lessons and not projects:
            self.notify("Pick at least one lesson or project.", severity="warning")
            return
        description = self.query_one("#ms-description", TextArea).text
        self.dismiss(MilestoneDraft(title, due, description, lessons, projects))


class SessionForm(_Form):
    """Schedule or edit a live session; returns a :class:`SessionDraft`.

    | Key | Action |
    |---|---|
    | tab / shift+tab, enter | next / previous field |
    | ctrl+s | save |
    | escape | close without saving |
    """

    AUTO_FOCUS = "#se-title"

    DEFAULT_CSS = FORM_CSS.format(name="SessionForm")

    def __init__(self, heading: str, draft: SessionDraft | None = None) -> None:
        super().__init__()
        self.heading = heading
        self.draft = draft

    def compose(self) -> ComposeResult:
        d = self.draft
        with Vertical():
            yield Static(member_line(self.heading, "bold"))
            with VerticalScroll():
                yield Label("Title")
                yield Input(clean_line(d.title) if d else "", id="se-title", max_length=200)
                yield Label("Starts (local time: YYYY-MM-DD HH:MM)")
                yield Input(
                    format_local(d.start) if d else "",
                    id="se-start",
                    placeholder="2026-12-03 18:00",
                )
                yield Label("Minutes")
                yield Input(str(d.minutes) if d else "60", id="se-minutes", type="integer")
                yield Label("Link")
                yield Input(clean_line(d.link) if d else "", id="se-link", max_length=2000)
                yield Label("Agenda")
                yield TextArea(clean_text(d.agenda) if d else "", id="se-agenda")
            yield Static("ctrl+s saves · esc closes", classes="form-help")

    @on(Input.Submitted)
    def _next(self) -> None:
        self.focus_next()

    def action_save(self) -> None:
        title = self._text("se-title")
        start = parse_local(self._text("se-start"))
        minutes_text = self._text("se-minutes")
        if not title:
            self.notify("Give the session a title.", severity="warning")
            return
        if start is None or " " not in self._text("se-start"):
            self.notify("Starts: write a time like 2026-12-03 18:00.", severity="warning")
            return
        if not minutes_text.isdigit() or not 1 <= int(minutes_text) <= 24 * 60:
            self.notify("Minutes: a number from 1 to 1440.", severity="warning")
            return
        link = self._text("se-link")
        if link and not is_web_link(link):
            self.notify(
                "Link: a web address like https://meet.example.org/pod (no spaces).",
                severity="warning",
            )
            return
        agenda = self.query_one("#se-agenda", TextArea).text
        self.dismiss(SessionDraft(title, start, int(minutes_text), link, agenda))
