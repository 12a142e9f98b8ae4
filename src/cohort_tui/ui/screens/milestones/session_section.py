"""The sessions section: live sessions with my RSVP; the agenda, link, who comes and the
notes thread in the details."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.binding import BindingType

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.clock import new_id
from cohort_tui.domain.queries import handle_of
from cohort_tui.ui import palette
from cohort_tui.ui.screens.dialogs import ChoiceScreen
from cohort_tui.ui.screens.milestone_forms import SessionDraft, SessionForm
from cohort_tui.ui.screens.milestones.section import TrackerSection, section_binding
from cohort_tui.ui.text import local_time, member_block, member_line, plain
from cohort_tui.ui.widgets.row_list import Row


class SessionSection(TrackerSection):
    """Live sessions: schedule, edit, answer, and keep notes.

    | Key | Action |
    | :- | :- |
    | `n` | New live session (facilitator). |
    | `e` | Edit the session (facilitator). |
    | `r` | Answer yes, no or maybe. |
    | `o` | Open or start the session's notes thread. |
    """

    SECTION_ID = "sessions"
    KEY = "s"
    TITLE = "Sessions"
    BINDINGS: ClassVar[list[BindingType]] = [
        section_binding("n", "new", "New", "new", "New live session (facilitator)"),
        section_binding("e", "edit", "Edit", "edit", "Edit the session (facilitator)"),
        section_binding("r", "rsvp", "RSVP", "rsvp", "Answer yes, no or maybe for the session"),
        section_binding("o", "notes", "Notes", "notes", "Open or start the session's notes thread"),
    ]

    def rows(self) -> list[Row]:
        now = self.now()
        sessions = sorted(self.state.sessions.values(), key=lambda s: (s.start, s.id))
        rows = []
        for session in sessions:
            ended = session.start + session.minutes * 60_000 < now
            answer = session.rsvps.get(self.me)
            mark = "✗" if session.cancelled else ("✓" if ended else "●")
            parts: list[str | tuple[str, str] | Text] = [
                (f"{mark} ", "dim" if ended else "bold"),
                (local_time(session.start, "%a %d %b %H:%M"), "dim" if ended else ""),
                "  ",
                member_line(session.title, "dim" if ended else "bold", limit=40),
            ]
            if session.cancelled:
                parts.append(("  cancelled", palette.BAD))
            elif not ended:
                parts.append((f"  you: {answer}" if answer else "  RSVP?", "italic"))
            elif session.notes_thread:
                parts.append(("  notes", palette.OK))
            rows.append(Row(session.id, plain(*parts)))
        return rows

    def detail(self, row_id: str) -> Text:
        session = self.state.sessions.get(row_id)
        if session is None:
            return Text("")
        text = member_line(session.title, "bold")
        text.append(f"\n{local_time(session.start)} · {session.minutes} min (local time)\n")
        if session.link:
            text.append("Link: ")
            text.append_text(member_line(session.link))
            text.append("\n")
        if session.agenda:
            text.append("\nAgenda\n", style="bold")
            text.append_text(member_block(session.agenda))
            text.append("\n")
        answers: dict[str, list[str]] = {"yes": [], "maybe": [], "no": []}
        for member, answer in sorted(session.rsvps.items()):
            answers.setdefault(answer, []).append("@" + handle_of(self.state, member))
        text.append("\nRSVP\n", style="bold")
        for answer, people in answers.items():
            text.append(f"  {answer:<6}", style="bold")
            text.append_text(member_line(" ".join(people) or "-"))
            text.append("\n")
        text.append("\n")
        if session.notes_thread:
            text.append("o opens the notes thread", style="dim")
        else:
            text.append("o starts the notes thread (mentor or facilitator)", style="dim")
        text.append(" · r RSVP", style="dim")
        return text

    # -- actions -------------------------------------------------------------------

    def action_new(self) -> None:
        if not self.may(k.SessionUpsert.KIND):
            return self.refuse("a facilitator")
        self.app.push_screen(SessionForm("New live session"), self._save(new_id("se")))

    def action_edit(self) -> None:
        target = self.target()
        if target is None:
            return
        if not self.may(k.SessionUpsert.KIND):
            return self.refuse("a facilitator")
        s = self.state.sessions[target]
        draft = SessionDraft(s.title, s.start, s.minutes, s.link, s.agenda)
        self.app.push_screen(SessionForm("Edit session", draft), self._save(target))

    def _save(self, session_id: str) -> Callable[[object], None]:
        def done(result: object) -> None:
            if isinstance(result, SessionDraft):
                op = k.SessionUpsert(
                    session=session_id,
                    title=result.title,
                    start=result.start,
                    minutes=result.minutes,
                    link=result.link,
                    agenda=result.agenda,
                )
                if self.write(op):
                    self.notify("Session saved.")

        return done

    def action_rsvp(self) -> None:
        session = self.state.sessions.get(self.target() or "")
        if session is None:
            return
        if session.cancelled or session.start + session.minutes * 60_000 < self.now():
            self.notify("That session is over or cancelled.", severity="warning")
            return
        options = [(a, Text(a)) for a in ("yes", "maybe", "no")]
        session_id = session.id

        def chosen(answer: str | None) -> None:
            if answer in ("yes", "maybe", "no"):
                self.write(k.SessionRsvp(session=session_id, answer=answer))  # type: ignore[arg-type]

        current = session.rsvps.get(self.me, "")
        self.app.push_screen(ChoiceScreen(f"Coming to {session.title}?", options, current), chosen)

    def action_notes(self) -> None:
        session = self.state.sessions.get(self.target() or "")
        if session is None:
            return
        if session.notes_thread:
            self.cohort_app.go(f"thread:{session.notes_thread}")
            return
        if not self.may(k.SessionNotes.KIND):
            return self.refuse("a mentor or facilitator")
        thread, post = new_id("t"), new_id("p")
        body = f"Notes from the live session on {local_time(session.start)}.\n\n"
        ops = self.cohort_app.write_many(
            [
                k.ThreadCreate(
                    thread=thread,
                    post=post,
                    title=f"Notes: {session.title}"[:300],
                    body=body,
                    tags=["session-notes"],
                ),
                k.SessionNotes(session=session.id, thread=thread),
            ]
        )
        if len(ops) == 2:
            self.cohort_app.go(f"thread:{thread}")
