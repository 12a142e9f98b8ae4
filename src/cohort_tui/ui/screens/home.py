"""Home: what needs me today, my progress and the cohort's pulse."""

from __future__ import annotations

import contextlib
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from cohort_tui.domain import queries as q
from cohort_tui.domain.onboarding import checklist, offer_checklist
from cohort_tui.domain.pods import pod_activity, pod_of
from cohort_tui.domain.presence import place
from cohort_tui.domain.queries import handle_of
from cohort_tui.domain.teams import author_label, invitations
from cohort_tui.domain.today import Today, relative_due
from cohort_tui.store.personal import LocalFacts
from cohort_tui.ui import palette
from cohort_tui.ui.messages import PresenceChanged
from cohort_tui.ui.modes import SCREENS, TARGET_MODES
from cohort_tui.ui.screens.base import CohortScreen
from cohort_tui.ui.text import ago, local_time, member_block, member_line, plain, progress_bar
from cohort_tui.ui.widgets.agenda_list import AgendaList
from cohort_tui.ui.widgets.cohort_footer import CohortFooter
from cohort_tui.ui.widgets.cohort_header import CohortHeader


def can_open(target: str) -> bool:
    """Whether this build has the screen that shows ``target`` (``thread:ID``, ``reviews``)."""
    kind, _, _ = target.partition(":")
    return TARGET_MODES.get(kind, kind) in SCREENS


class HomeScreen(CohortScreen):
    """The first screen: an agenda of things to do, each one Enter away."""

    TITLE_TEXT = "Home"
    DEFAULT_CSS = """
    HomeScreen #home-body { height: 1fr; }
    HomeScreen #side { width: 2fr; min-width: 30; }
    /* A panel of its own rather than a list inside a panel container: one widget
       fewer to lay out and draw on every start. It spells out the .panel look of
       app.tcss (keep the two alike) instead of taking the class: .panel's padding, app
       CSS, would win over the wider padding here, the panel's and the list's together. */
    HomeScreen #agenda {
        width: 3fr; height: 1fr; background: $surface; padding: 0 2;
        border: round $panel; border-title-color: $primary; border-title-style: bold;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    HomeScreen #agenda:focus { border: round $primary; }
    HomeScreen #progress, HomeScreen #pulse, HomeScreen #pod { height: auto; }
    HomeScreen #pulse { margin-top: 0; }
    HomeScreen #here-now { height: auto; display: none; }
    HomeScreen #here-now.-someone { display: block; }
    HomeScreen #pod { text-wrap: nowrap; text-overflow: ellipsis; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "open_item",
            "Open",
            id="home.open",
            tooltip="Open the selected item",
            show=False,
        ),
        Binding("r", "refresh_home", "Refresh", id="home.refresh", tooltip="Re-read the store now"),
        Binding(
            "n",
            "norms",
            "Norms",
            id="home.norms",
            tooltip="Read the cohort's charter and norms",
        ),
    ]

    def compose(self) -> ComposeResult:
        yield CohortHeader()
        with Horizontal(id="home-body"):
            agenda = AgendaList(id="agenda")
            agenda.border_title = "Today"
            yield agenda
            with Vertical(id="side"):
                progress = Static(id="progress", classes="panel")
                progress.border_title = "My progress"
                yield progress
                pulse = Static(id="pulse", classes="panel")
                pulse.border_title = "Cohort pulse"
                yield pulse
                here = Static(id="here-now", classes="panel")
                here.border_title = "Here now"
                yield here
                pod = Static(id="pod", classes="panel")
                pod.border_title = "My pod"
                yield pod
        yield CohortFooter()

    # What the panels show now: refresh_view runs on every batch of posts, and
    # replacing the same content lays the whole screen out again.
    _shown: dict[str, Text] | None = None

    def _update(self, panel: Static, text: Text) -> None:
        """Show ``text`` in ``panel`` unless it shows it already: ``Static.update`` lays
        out the whole screen again, and Home refreshes on every batch of posts."""
        if self._shown is None:
            self._shown = {}
        key = panel.id or ""
        if self._shown.get(key) != text:
            self._shown[key] = text
            panel.update(text)

    def refresh_view(self) -> None:
        now = self.now()
        t = self.cohort_app.derived().today(self.state, now)
        self.cohort_app.memo_seed("cohort-median", t.cohort_median)  # the map's summary
        self.fill_header(unread=t.unread_total, reviews=len(t.reviews_waiting))
        self._fill_agenda(t, now)
        self._fill_progress(t)
        self._fill_pulse(t)
        self._fill_here_now()
        self._fill_pod(now)

    # -- panels ------------------------------------------------------------------

    def _fill_agenda(self, t: Today, now: int) -> None:
        agenda = self.query_one("#agenda", AgendaList)
        highlighted = agenda.highlighted_option.id if agenda.highlighted_option else None
        state = self.state
        options: list[Option] = []
        self._onboarding(options, now)

        def row(glyph: str, target: str, *parts: str | tuple[str, str] | Text) -> None:
            # What matters most goes first: narrow panes cut the end of a row.
            # A row whose screen is not in this build is shown, but not offered to open.
            options.append(
                Option(
                    plain((f"{glyph} ", "bold"), *parts), id=target, disabled=not can_open(target)
                )
            )

        if t.next_lesson is not None:
            lesson = t.next_lesson
            doing = q.lesson_state(state, self.me, lesson) == "doing"
            minutes = f" · ~{lesson.minutes} min" if lesson.minutes else ""
            row(
                "▶",
                f"lesson:{lesson.id}",
                "Continue: " if doing else "Start: ",
                member_line(lesson.title, "bold"),
                minutes,
            )
        if t.next_milestone is not None and t.milestone_due is not None:
            overdue = t.milestone_due < now
            due = relative_due(t.milestone_due, now)
            row(
                "◆",
                f"milestone:{t.next_milestone.id}",
                (
                    f"OVERDUE by {due.removesuffix(' overdue')}" if overdue else f"Due {due}",
                    palette.BAD_STRONG if overdue else "bold",
                ),
                " · ",
                member_line(t.next_milestone.title),
            )
        if t.next_session is not None:
            rsvp = f"you said {t.my_rsvp}" if t.my_rsvp else "RSVP?"
            row(
                "●",
                "milestones",
                f"Live {local_time(t.next_session.start)} · {rsvp} · ",
                member_line(t.next_session.title),
            )
        for task in t.reviews_waiting[:5]:
            sub = task.submission
            waiting = ago(task.assigned_at, now).replace(" ago", "")
            row(
                "✎",
                f"submission:{sub.id}",
                ("Review", "bold"),
                f" (waiting {waiting}) ",
                member_line(author_label(state, sub)),
                ": ",
                member_line(sub.title),
            )
        for sub in t.changes_requested:
            row(
                "⚠",
                f"submission:{sub.id}",
                ("Changes requested", "bold"),
                ": ",
                member_line(sub.title),
            )
        for team in invitations(state, self.me):
            inviter = team.members[0] if team.members else team.created_by
            team_lesson = state.lessons.get(team.lesson)
            row(
                "☺",
                f"lesson:{team.lesson}",
                ("Team invite", "bold"),
                " from ",
                member_line("@" + handle_of(self.state, inviter)),
                ": ",
                member_line(team.name),
                " · ",
                member_line(team_lesson.title if team_lesson else team.lesson),
            )
        mentioned = {state.posts[p].thread for p in t.mentions if p in state.posts}
        for thread_id, unread in t.unread[:8]:
            glyph = "@" if thread_id in mentioned else "✉"
            row(
                glyph,
                f"thread:{thread_id}",
                (f"{unread} new", "bold"),
                " · ",
                member_line(state.threads[thread_id].title),
            )
        if len(t.unread) > 8:
            row("…", "discussions", f"{len(t.unread) - 8} more threads with new posts")
        if not options:
            options.append(
                Option(
                    Text("Nothing needs you right now. Enjoy the calm.", style="italic"),
                    id="none",
                    disabled=True,
                )
            )
        if agenda.update_in_place(options):
            return  # the same rows, some with other words: only those are drawn again
        agenda.set_options(options)
        ids = [o.id for o in options]
        if highlighted in ids:
            agenda.highlighted = ids.index(highlighted)
        else:
            first = next((i for i, o in enumerate(options) if not o.disabled), None)
            if first is not None:
                agenda.highlighted = first

    def _onboarding(self, options: list[Option], now: int) -> None:
        """A new member's first steps, at the top until they are done."""
        steps = checklist(self.state, self.me, norms_read=self._norms_read())
        if not offer_checklist(self.state, self.me, steps, now):
            return
        done = sum(step.done for step in steps)
        options.append(
            Option(
                Text(f"Getting started ({done}/{len(steps)})", style="bold"),
                id="onboard:heading",
                disabled=True,
            )
        )
        for step in steps:
            text = Text("  ✓ " if step.done else "  ☐ ", style=palette.OK if step.done else "bold")
            text.append(step.title, style="dim" if step.done else "")
            options.append(Option(text, id=f"onboard:{step.id}", disabled=step.done))

    def _norms_read(self) -> bool:
        return LocalFacts(self.cohort_app.replica.root, self.me).get("norms_read_at") is not None

    def _open(self, target: str) -> None:
        if target == "onboard:intro":
            welcome = self.state.cohort.welcome_thread if self.state.cohort else None
            if welcome and can_open(f"reply:{welcome}"):
                self.cohort_app.go(f"reply:{welcome}")  # the thread, with the composer open
            else:
                self.cohort_app.go("discussions")
        elif target == "onboard:norms":
            self.action_norms()
        elif target == "onboard:lesson":
            self.cohort_app.go("curriculum")
        elif target != "none":
            self.cohort_app.go(target)

    def action_norms(self) -> None:
        """Show the charter and norms; having read them ticks the checklist."""
        cohort = self.state.cohort
        text = Text(end="")
        text.append("Charter\n", style="bold")
        text.append_text(member_block((cohort.charter if cohort else "") or "No charter yet."))
        text.append("\n\nNorms\n", style="bold")
        text.append_text(member_block((cohort.norms if cohort else "") or "No norms yet."))
        with contextlib.suppress(OSError):  # only a checklist tick is at stake
            LocalFacts(self.cohort_app.replica.root, self.me).set("norms_read_at", self.now())
        title = cohort.name if cohort else "The cohort"
        from cohort_tui.ui.screens.dialogs import TextScreen  # not on the start-up path

        self.app.push_screen(TextScreen(title, text), lambda _: self.refresh_view())

    def _fill_progress(self, t: Today) -> None:
        total = t.lessons_total or 1
        mine = t.lessons_done / total
        width = 12
        text = Text(end="")
        text.append("you    ", style="bold")
        text.append(progress_bar(mine, width), style=palette.OK)
        text.append(f" {t.lessons_done}/{t.lessons_total}\n")
        text.append("median ", style="bold")
        text.append(progress_bar(t.cohort_median, width), style=palette.INFO)
        text.append(f" {round(t.cohort_median * t.lessons_total)}/{t.lessons_total}\n")
        text.append(f"streak {t.streak} day{'s' if t.streak != 1 else ''}")
        if t.streak >= 3:
            text.append("  keep it going!", style="italic")
        self._update(self.query_one("#progress", Static), text)

    def _fill_pulse(self, t: Today) -> None:
        p = t.pulse
        text = Text(end="")
        text.append(f"{p.active_members}/{p.members}", style="bold")
        text.append(" members active this week\n")
        text.append(f"{p.lessons_done_this_week}", style="bold")
        text.append(" lessons done · ")
        text.append(f"{p.posts_this_week}", style="bold")
        text.append(" posts\n")
        text.append(f"{p.reviews_this_week}", style="bold")
        text.append(" reviews given")
        self._update(self.query_one("#pulse", Static), text)

    HERE_NOW_ROWS = 5
    """Members listed by name on Home; the rest are counted."""

    def _fill_here_now(self) -> None:
        """Who else is here now and where ("3 here now: @lin on Files and paths ...");
        the panel shows only when someone is."""
        state, seats = self.state, self.cohort_app.presence.seats
        panel = self.query_one("#here-now", Static)
        panel.set_class(bool(seats), "-someone")
        text = Text(f"{len(seats)} here now:", style="bold", end="")
        for seat in seats[: self.HERE_NOW_ROWS]:
            member = state.members.get(seat.member)
            text.append("\n")
            text.append_text(member_line(f"@{member.handle if member else seat.member}", "bold"))
            text.append(" ")
            text.append_text(member_line(place(state, seat.where)))
        if len(seats) > self.HERE_NOW_ROWS:
            text.append(f"\nand {len(seats) - self.HERE_NOW_ROWS} more", style="italic")
        self._update(panel, text)

    def on_presence_changed(self, message: PresenceChanged) -> None:
        super().on_presence_changed(message)
        self._fill_here_now()

    def _fill_pod(self, now: int) -> None:
        """My pod: its members and what they did lately (hidden when I am in no pod)."""
        panel = self.query_one("#pod", Static)
        pod = pod_of(self.state, self.me)
        panel.display = pod is not None
        if pod is None:
            return
        panel.border_title = Text("My pod: ") + member_line(pod.name, limit=30)
        text = Text(end="", no_wrap=True, overflow="ellipsis")
        text.append_text(
            member_line(
                " ".join("@" + handle_of(self.state, m) for m in pod.members), "bold", limit=60
            )
        )
        glyphs = {"post": "✉", "thread": "✚", "submission": "⇪", "review": "✎"}
        for item in pod_activity(self.state, pod, limit=3):
            text.append("\n")
            text.append_text(
                plain(
                    member_line("@" + handle_of(self.state, item.member), limit=16),
                    f" {glyphs[item.what]} ",
                    member_line(item.title, limit=40),
                    (f" · {ago(item.at, now)}", "dim"),
                )
            )
        self._update(panel, text)

    # -- actions -------------------------------------------------------------------

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self._open(event.option.id)

    def action_open_item(self) -> None:
        agenda = self.query_one("#agenda", OptionList)
        option = agenda.highlighted_option
        if option is not None and option.id:
            self._open(option.id)

    def action_refresh_home(self) -> None:
        self.cohort_app.poll_store()
        self._seen_applied = (0, -1)
        self._refresh_if_stale()
