"""The milestone tracker: milestones, the facilitator's grid, live sessions, the roster,
shoutouts and the cohort's metrics, one section at a time (a list and its details)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Static, Tab, Tabs

from cohort_tui.domain import milestone_views as mv
from cohort_tui.domain import op_kinds as k
from cohort_tui.domain import queries as q
from cohort_tui.domain.badges import badges_for
from cohort_tui.domain.clock import new_id
from cohort_tui.domain.metrics import cohort_report
from cohort_tui.domain.model import DAY_MS, Milestone
from cohort_tui.domain.queries import handle_of
from cohort_tui.domain.reviewer_figures import figures_for
from cohort_tui.ui import palette
from cohort_tui.ui.reviewer_text import figures_row, figures_text
from cohort_tui.ui.screens.base import CohortScreen
from cohort_tui.ui.screens.dialogs import ChoiceScreen, PromptScreen
from cohort_tui.ui.screens.milestone_forms import (
    MilestoneDraft,
    MilestoneForm,
    SessionDraft,
    SessionForm,
    format_local,
    parse_local,
)
from cohort_tui.ui.text import ago, local_time, member_block, member_line, plain, progress_bar
from cohort_tui.ui.widgets.cohort_footer import CohortFooter
from cohort_tui.ui.widgets.cohort_header import CohortHeader
from cohort_tui.ui.widgets.row_list import Row, RowList

SECTIONS: list[tuple[str, str, str]] = [
    # id, key, title
    ("milestones", "m", "Milestones"),
    ("grid", "g", "Grid"),
    ("sessions", "s", "Sessions"),
    ("roster", "p", "People"),
    ("shoutouts", "t", "Thanks"),
    ("metrics", "i", "Insights"),
]
STATUS_STYLE = {
    "met": palette.OK,
    "late": palette.WARN,
    "open": "",
    "at risk": palette.WARN_STRONG,
    "overdue": palette.BAD_STRONG,
}
ROLES = ["facilitator", "mentor", "reviewer", "curator", "learner"]


def _binding(key: str, action: str, label: str, name: str, tip: str, show: bool = True) -> Binding:
    return Binding(key, action, label, show=show, id=f"milestones.{name}", tooltip=tip)


class MilestonesScreen(CohortScreen):
    """Six sections; the list on the left, the highlighted row's details on the right."""

    TITLE_TEXT = "Milestones"
    AUTO_FOCUS = "#ms-list"
    DEFAULT_CSS = """
    MilestonesScreen #ms-tabs { height: 2; }
    MilestonesScreen #ms-body { height: 1fr; }
    MilestonesScreen #ms-left { width: 3fr; min-width: 30; }
    MilestonesScreen #ms-list { height: 1fr; }
    MilestonesScreen #ms-right { width: 2fr; }
    MilestonesScreen #ms-detail { padding: 0 1; }
    MilestonesScreen #ms-detail.-table { text-wrap: nowrap; text-overflow: ellipsis; }
    MilestonesScreen.-wide #ms-left { width: 1fr; }
    MilestonesScreen.-wide #ms-right { width: 3fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            _binding(key, f"section('{sid}')", title, f"section.{sid}", f"Show {title}", False)
            for sid, key, title in SECTIONS
        ),
        _binding("n", "new", "New", "new", "New milestone, session or shoutout (by section)"),
        _binding("e", "edit", "Edit", "edit", "Edit the milestone or session, or a member's roles"),
        _binding("r", "rsvp", "RSVP", "rsvp", "Answer yes, no or maybe for the session"),
        _binding(
            "x", "extend", "Extend", "extend", "Extend a due date for one member (facilitator)"
        ),
        _binding("o", "notes", "Notes", "notes", "Open or start the session's notes thread"),
        _binding("w", "rotation", "Rotation", "rotation", "Set this week's reviewers and curators"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.section = "milestones"
        self._rows: dict[str, Callable[[], Text]] = {}

    def compose(self) -> ComposeResult:
        yield CohortHeader()
        yield Tabs(
            *(Tab(Text(f"{key} {title}"), id=f"tab-{sid}") for sid, key, title in SECTIONS),
            id="ms-tabs",
        )
        with Horizontal(id="ms-body"):
            with Vertical(id="ms-left", classes="panel"):
                yield RowList(id="ms-list")
            with Vertical(id="ms-right", classes="panel") as right:
                right.border_title = "Details"
                with VerticalScroll():
                    yield Static(id="ms-detail")
        yield CohortFooter()

    # -- who may -------------------------------------------------------------------

    def _has(self, *roles: str) -> bool:
        member = self.state.members.get(self.me)
        return member is not None and any(r in member.roles for r in roles)

    def _refuse(self, who: str) -> None:
        self.notify(f"Only {who} can do that.", severity="warning")

    # -- sections ------------------------------------------------------------------

    def action_section(self, section: str) -> None:
        self.query_one(Tabs).active = f"tab-{section}"

    @on(Tabs.TabActivated)
    def _tab(self, event: Tabs.TabActivated) -> None:
        section = (event.tab.id or "tab-milestones").removeprefix("tab-")
        if section != self.section:
            self.section = section
            self.set_class(section == "metrics", "-wide")  # the report needs the width
            self._fill_list()
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        shown = {
            "new": ("milestones", "sessions", "shoutouts"),
            "edit": ("milestones", "sessions", "roster"),
            "rsvp": ("sessions",),
            "extend": ("milestones", "grid"),
            "notes": ("sessions",),
            "rotation": ("roster",),
        }
        if action in shown:
            return self.section in shown[action]
        return True

    def refresh_view(self) -> None:
        self.fill_header()
        self._fill_list()

    def open_target(self, kind: str, target_id: str) -> None:
        section = {"milestone": "milestones", "member": "roster"}.get(kind)
        if section is not None:
            self.action_section(section)
            self.section = section
            self._fill_list()
            self.query_one(RowList).highlight(target_id)

    def _fill_list(self) -> None:
        fill = {
            "milestones": self._milestone_rows,
            "grid": self._grid_rows,
            "sessions": self._session_rows,
            "roster": self._roster_rows,
            "shoutouts": self._shoutout_rows,
            "metrics": self._metric_rows,
        }[self.section]
        left = self.query_one("#ms-left")
        title = next(t for sid, _, t in SECTIONS if sid == self.section)
        left.border_title = title
        rows = fill()
        if not any(row.selectable for row in rows):
            rows.append(Row("none", Text("Nothing here yet.", style="italic"), selectable=False))
        listing = self.query_one(RowList)
        listing.set_rows(rows)
        self._show_detail(listing.highlighted_id)

    @on(RowList.Highlighted)
    def _row_highlighted(self, event: RowList.Highlighted) -> None:
        self._show_detail(event.row_id)

    def _show_detail(self, row_id: str | None) -> None:
        detail = {
            "milestones": self._milestone_detail,
            "grid": self._grid_detail,
            "sessions": self._session_detail,
            "roster": self._member_detail,
            "shoutouts": self._shoutout_detail,
            "metrics": self._metric_detail,
        }[self.section]
        text = detail(row_id) if row_id and row_id != "none" else Text("")
        panel = self.query_one("#ms-detail", Static)
        # The report is laid out in columns: cut at the edge, as wrapped its rows broke
        # in two. Textual draws by the widget's text-wrap, not the Text's no_wrap.
        panel.set_class(self.section == "metrics" and row_id == "report", "-table")
        panel.update(text)

    # -- milestones ----------------------------------------------------------------

    def _milestone_rows(self) -> list[Row]:
        state, now = self.state, self.now()
        learning = self.me in q.learners(state)
        rows = []
        for milestone in q.live_milestones(state):
            met, total = q.milestone_completion(state, milestone)
            due = q.due_for(milestone, self.me)
            mine = mv.status(state, milestone, self.me, now) if learning else None
            parts: list[str | tuple[str, str] | Text] = []
            if mine is not None:
                parts.append((f"{mv.MARKS[mine]} {mine:<8}", STATUS_STYLE[mine]))
            title = member_line(milestone.title, "bold", limit=22)
            title.pad_right(22 - title.cell_len)
            parts += [
                (f"{met}/{total} ", "bold"),
                title,
                (f" {local_time(due, '%d %b')}", "dim"),
            ]
            rows.append(Row(milestone.id, plain(*parts)))
        return rows

    def _milestone_detail(self, milestone_id: str) -> Text:
        state, now = self.state, self.now()
        milestone = state.milestones.get(milestone_id)
        if milestone is None:
            return Text("")
        text = member_line(milestone.title, "bold")
        due = q.due_for(milestone, self.me)
        text.append(f"\nDue {local_time(due)} (local time)", style="dim")
        if due != milestone.due:
            text.append(" · extended for you", style="italic")
        if self.me in q.learners(state):
            mine = mv.status(state, milestone, self.me, now)
            done, total = mv.progress_towards(state, milestone, self.me)
            text.append(f"\nYou: {mv.MARKS[mine]} {mine} · {done}/{total} criteria\n")
        if milestone.description:
            text.append("\n")
            text.append_text(member_block(milestone.description))
            text.append("\n")
        text.append("\nCriteria\n", style="bold")
        mine_progress = state.progress.get(self.me, {})
        learning = self.me in q.learners(state)
        for lesson_id in milestone.lessons:
            lesson = state.lessons.get(lesson_id)
            done = (p := mine_progress.get(lesson_id)) is not None and p.status == "done"
            mark = ("  ✓ " if done else "  ☐ ") if learning else "  • "
            text.append(mark, style=palette.OK if done else "")
            text.append_text(member_line(lesson.title if lesson else lesson_id))
            text.append("\n")
        for lesson_id in milestone.projects:
            lesson = state.lessons.get(lesson_id)
            done = q.project_approved(state, self.me, lesson_id)
            mark = ("  ✓ " if done else "  ☐ ") if learning else "  • "
            text.append(mark, style=palette.OK if done else "")
            text.append("project approved: ")
            text.append_text(member_line(lesson.title if lesson else lesson_id))
            text.append("\n")
        met, total = q.milestone_completion(state, milestone)
        history = mv.completion_history(state, milestone, now, days=21)
        text.append(f"\nCohort: {met}/{total} met ", style="bold")
        text.append(progress_bar(met / total if total else 0, 10) + "\n", style=palette.INFO)
        text.append(mv.sparkline(history, total), style=palette.INFO)
        text.append(f"\nlast 21 days, {history[0]} → {history[-1]}", style="dim")
        if self._has("facilitator", "curator"):
            text.append("\n\ne edit · n new milestone · x extend for one member", style="dim")
        return text

    def _learner_choices(self) -> list[tuple[str, Text]]:
        return [
            (m, member_line(f"@{handle_of(self.state, m)}  {self.state.members[m].display_name}"))
            for m in q.learners(self.state)
            if m in self.state.members
        ]

    def _milestone_lessons(self) -> list[tuple[str, str, bool]]:
        return [(le.title, le.id, le.project is not None) for le in q.ordered_lessons(self.state)]

    def _save_milestone(self, milestone_id: str) -> Callable[[object], None]:
        def done(result: object) -> None:
            if isinstance(result, MilestoneDraft):
                op = k.MilestoneUpsert(
                    milestone=milestone_id,
                    title=result.title,
                    due=result.due,
                    description=result.description,
                    lessons=result.lessons,
                    projects=result.projects,
                )
                if self.write(op):
                    self.notify("Milestone saved.")

        return done

    # -- grid ----------------------------------------------------------------------

    def _grid_rows(self) -> list[Row]:
        if not self._has("facilitator", "mentor"):
            text = Text("The grid is for facilitators and mentors.", style="italic")
            return [Row("none", text, selectable=False)]
        milestones, grid = mv.grid(self.state, self.now())
        heading = Text(f"{'member':<14}", style="bold")
        for number, _ in enumerate(milestones, start=1):
            heading.append(f" M{number:<2}", style="bold")
        rows = [Row("heading", heading, selectable=False)]
        for row in grid:
            text = member_line(f"@{handle_of(self.state, row.member)}", limit=13)
            text.pad_right(14 - text.cell_len)
            for status in row.statuses:
                text.append(f"  {mv.MARKS[status]} ", style=STATUS_STYLE[status])
            if row.behind:
                text.append(f"  {row.behind} behind", style=palette.BAD_STRONG)
            rows.append(Row(row.member, text))
        return rows

    def _grid_detail(self, member_id: str) -> Text:
        state, now = self.state, self.now()
        text = member_line(f"@{handle_of(self.state, member_id)}", "bold")
        for number, milestone in enumerate(q.live_milestones(state), start=1):
            status = mv.status(state, milestone, member_id, now)
            done, total = mv.progress_towards(state, milestone, member_id)
            text.append(f"\nM{number} ", style="bold")
            text.append_text(member_line(milestone.title, limit=30))
            text.append(f"\n   {mv.MARKS[status]} {status}", style=STATUS_STYLE[status])
            text.append(f" · {done}/{total} · due {local_time(q.due_for(milestone, member_id))}")
        text.append("\n\n✓ met  ✗ overdue  ! due within 2 days  · open", style="dim")
        text.append("\nx extends a due date for this member", style="dim")
        return text

    # -- sessions ------------------------------------------------------------------

    def _session_rows(self) -> list[Row]:
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

    def _session_detail(self, session_id: str) -> Text:
        session = self.state.sessions.get(session_id)
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

    # -- roster --------------------------------------------------------------------

    def _roster_rows(self) -> list[Row]:
        state, now = self.state, self.now()
        rows = []
        for member in sorted(state.members.values(), key=lambda m: m.handle):
            badges = badges_for(state, member.id, now)
            parts: list[str | tuple[str, str] | Text] = [
                member_line(f"@{member.handle}", "bold", limit=14),
                " ",
                member_line(member.display_name, limit=20),
                (f"  {', '.join(member.roles)}", "dim"),
            ]
            if badges:
                parts.append((f"  ★{len(badges)}", palette.STAR))
            rows.append(Row(member.id, plain(*parts)))
        return rows

    def _member_detail(self, member_id: str) -> Text:
        state, now = self.state, self.now()
        member = state.members.get(member_id)
        if member is None:
            return Text("")
        text = member_line(f"@{member.handle}  {member.display_name}", "bold")
        text.append(f"\n{', '.join(member.roles)} · joined {local_time(member.joined_at, '%d %b')}")
        if member.bio:
            text.append("\n")
            text.append_text(member_block(member.bio, "italic"))
        text.append("\n\nBadges\n", style="bold")
        badges = badges_for(state, member_id, now)
        for badge in badges:
            text.append(f"  ★ {badge.title}", style=palette.STAR)
            when = f" · {local_time(badge.earned_at, '%d %b')}" if badge.earned_at else ""
            text.append(f"{when}\n", style="dim")
        if not badges:
            text.append("  none yet\n", style="dim")
        thanks = [s for s in state.shoutouts.values() if s.to == member_id]
        if thanks:
            text.append("\nThanked by\n", style="bold")
            for shout in sorted(thanks, key=lambda s: -s.at)[:5]:
                text.append_text(
                    member_line(f"  @{handle_of(self.state, shout.author)}: {shout.message}")
                )
                text.append("\n")
        week = iso_week(now)
        rotation = state.rotation.get(week, {})
        if rotation:
            text.append(f"\nRotation {week}\n", style="bold")
            for role, people in sorted(rotation.items()):
                names = " ".join("@" + handle_of(self.state, p) for p in people)
                text.append_text(member_line(f"  {role}: {names}"))
                text.append("\n")
        if member_id == self.me or self._has("facilitator", "mentor"):
            text.append("\n")
            text.append_text(figures_text(figures_for(state, member_id), self._target_hours()))
        if self._has("facilitator"):
            text.append("\ne edit roles · w set this week's rotation", style="dim")
        return text

    def _target_hours(self) -> int:
        cohort = self.state.cohort
        return cohort.response_target_hours if cohort else 48

    # -- shoutouts -----------------------------------------------------------------

    def _shoutout_rows(self) -> list[Row]:
        now = self.now()
        rows = []
        for shout in sorted(self.state.shoutouts.values(), key=lambda s: (-s.at, s.id)):
            rows.append(
                Row(
                    shout.id,
                    plain(
                        member_line(f"@{handle_of(self.state, shout.author)}", "bold"),
                        " → ",
                        member_line(f"@{handle_of(self.state, shout.to)}", "bold"),
                        "  ",
                        member_line(shout.message, limit=60),
                        (f"  {ago(shout.at, now)}", "dim"),
                    ),
                )
            )
        return rows

    def _shoutout_detail(self, shout_id: str) -> Text:
        shout = self.state.shoutouts.get(shout_id)
        if shout is None:
            return Text("")
        text = member_line(
            f"@{handle_of(self.state, shout.author)} thanks @{handle_of(self.state, shout.to)}",
            "bold",
        )
        text.append(f"\n{local_time(shout.at)}\n\n", style="dim")
        text.append_text(member_block(shout.message))
        text.append("\n\nn thanks someone", style="dim")
        return text

    # -- metrics -------------------------------------------------------------------

    def _metric_rows(self) -> list[Row]:
        if not self._has("facilitator", "mentor"):
            text = Text("Metrics are for facilitators and mentors.", style="italic")
            return [Row("none", text, selectable=False)]
        report = self.cohort_app.memo("report", lambda: cohort_report(self.state, self.now()))
        rows = [Row("report", Text("Cohort report (as `cohort report` prints it)", style="bold"))]
        rows.append(
            Row("heading", Text(f"At risk ({len(report.at_risk)})", style="bold"), selectable=False)
        )
        for risk in report.at_risk:
            rows.append(
                Row(
                    f"risk:{risk.member}",
                    plain(
                        member_line(f"@{risk.handle}", "bold"),
                        "  ",
                        member_line(risk.reason, palette.WARN, limit=70),
                    ),
                )
            )
        heading = Text(f"Reviewers ({len(report.reviewers)})", style="bold")
        rows.append(Row("heading:reviewers", heading, selectable=False))
        rows += [Row(f"reviewer:{f.member}", figures_row(f)) for f in report.reviewers]
        return rows

    def _metric_detail(self, row_id: str) -> Text:
        from cohort_tui.domain.report_text import text_report

        report = self.cohort_app.memo("report", lambda: cohort_report(self.state, self.now()))
        if row_id == "report":
            # Already sanitised and aligned for 80 columns: cut lines, never wrap them.
            return Text(text_report(report), no_wrap=True, overflow="ellipsis")
        if row_id.startswith("reviewer:"):
            figures = next((f for f in report.reviewers if f"reviewer:{f.member}" == row_id), None)
            who = member_line(f"@{figures.handle}  {figures.name}", "bold") if figures else None
            return figures_text(figures, report.reviews.target_hours, heading=who)
        member = row_id.removeprefix("risk:")
        risk = next((r for r in report.at_risk if r.member == member), None)
        if risk is None:
            return Text("")
        text = member_line(f"@{risk.handle}  {risk.name}", "bold")
        text.append(f"\ninactive {risk.inactive_days} days\n\n")
        for reason in risk.reasons:
            text.append_text(member_line(f"• {reason}"))
            text.append("\n")
        part = next((p for p in report.participation if p.member == member), None)
        if part is not None:
            text.append(
                f"\n{part.posts} posts · {part.threads} threads · {part.reviews} reviews",
                style="dim",
            )
        return text

    # -- actions -------------------------------------------------------------------

    def _target(self) -> str | None:
        row = self.query_one(RowList).highlighted_id
        return row if row not in (None, "none", "heading", "report") else None

    def action_new(self) -> None:
        if self.section == "milestones":
            if not self._has("facilitator", "curator"):
                return self._refuse("a facilitator or curator")
            form = MilestoneForm("New milestone", self._milestone_lessons())
            self.app.push_screen(form, self._save_milestone(new_id("ms")))
        elif self.section == "sessions":
            if not self._has("facilitator"):
                return self._refuse("a facilitator")
            self.app.push_screen(SessionForm("New live session"), self._save_session(new_id("se")))
        elif self.section == "shoutouts":
            self._new_shoutout()

    def action_edit(self) -> None:
        target = self._target()
        if target is None:
            return
        if self.section == "milestones":
            if not self._has("facilitator", "curator"):
                return self._refuse("a facilitator or curator")
            m = self.state.milestones[target]
            draft = MilestoneDraft(m.title, m.due, m.description, m.lessons, m.projects)
            form = MilestoneForm("Edit milestone", self._milestone_lessons(), draft)
            self.app.push_screen(form, self._save_milestone(target))
        elif self.section == "sessions":
            if not self._has("facilitator"):
                return self._refuse("a facilitator")
            s = self.state.sessions[target]
            draft_s = SessionDraft(s.title, s.start, s.minutes, s.link, s.agenda)
            self.app.push_screen(SessionForm("Edit session", draft_s), self._save_session(target))
        elif self.section == "roster":
            self._edit_roles(target)

    def _save_session(self, session_id: str) -> Callable[[object], None]:
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
        session = self.state.sessions.get(self._target() or "")
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
        session = self.state.sessions.get(self._target() or "")
        if session is None:
            return
        if session.notes_thread:
            self.cohort_app.go(f"thread:{session.notes_thread}")
            return
        if not self._has("facilitator", "mentor"):
            return self._refuse("a mentor or facilitator")
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

    def action_extend(self) -> None:
        if not self._has("facilitator"):
            return self._refuse("a facilitator")
        target = self._target()
        if target is None:
            return
        if self.section == "milestones" and target in self.state.milestones:
            milestone = self.state.milestones[target]
            self.app.push_screen(
                ChoiceScreen("Extend the due date for", self._learner_choices()),
                lambda member: self._ask_extension(milestone, member) if member else None,
            )
        elif self.section == "grid" and target in self.state.members:
            choices = [(m.id, member_line(m.title)) for m in q.live_milestones(self.state)]
            member: str = target

            def chosen(mid: str | None) -> None:
                if mid is not None and mid in self.state.milestones:
                    self._ask_extension(self.state.milestones[mid], member)

            question = f"Extend which milestone for @{handle_of(self.state, member)}?"
            self.app.push_screen(ChoiceScreen(question, choices), chosen)

    def _ask_extension(self, milestone: Milestone, member: str) -> None:
        current = format_local(q.due_for(milestone, member))

        def given(value: str | None) -> None:
            if value is None:
                return
            due = parse_local(value)
            if due is None:
                self.notify("Write a date like 2026-12-01 or 2026-12-01 18:00.", severity="warning")
                return
            op = k.MilestoneExtend(milestone=milestone.id, member=member, due=due)
            if self.write(op):
                self.notify(f"Due {local_time(due)} for @{handle_of(self.state, member)}.")

        self.app.push_screen(
            PromptScreen(
                f"New due date for @{handle_of(self.state, member)}: {milestone.title}",
                value=current,
                placeholder="YYYY-MM-DD HH:MM (local time)",
            ),
            given,
        )

    def _edit_roles(self, member_id: str) -> None:
        if not self._has("facilitator"):
            return self._refuse("a facilitator")
        member = self.state.members[member_id]

        def given(value: str | None) -> None:
            if value is None:
                return
            roles = [r for r in value.replace(",", " ").split() if r]
            unknown = [r for r in roles if r not in ROLES]
            if unknown or not roles:
                self.notify(f"Roles are: {', '.join(ROLES)}.", severity="warning")
                return
            if self.write(k.MemberRoles(member=member_id, roles=roles)):  # type: ignore[arg-type]
                self.notify(f"@{member.handle}: {', '.join(roles)}.")

        self.app.push_screen(
            PromptScreen(
                f"Roles of @{member.handle} ({', '.join(ROLES)})", value=", ".join(member.roles)
            ),
            given,
        )

    def action_rotation(self) -> None:
        """Set who reviews and who curates in a week: this one or one of the next three."""
        if not self._has("facilitator"):
            return self._refuse("a facilitator")
        now = self.now()
        weeks = [iso_week(now + n * 7 * DAY_MS) for n in range(4)]
        choices = []
        for role in ("reviewer", "curator"):
            for n, week in enumerate(weeks):
                current = self.state.rotation.get(week, {}).get(role, [])
                names = " ".join("@" + handle_of(self.state, m) for m in current) or "nobody yet"
                when = "this week" if n == 0 else f"in {n} week{'s' if n > 1 else ''}"
                label = member_line(f"{role}s {week} ({when}): {names}")
                choices.append((f"{role}|{week}", label))

        def chosen(key: str | None) -> None:
            if key is not None:
                role, _, week = key.partition("|")
                self._ask_rotation(role, week)

        self.app.push_screen(ChoiceScreen("Weekly rotation", choices), chosen)

    def _ask_rotation(self, role: str, week: str) -> None:
        handles = {m.handle: m.id for m in self.state.members.values()}
        current = self.state.rotation.get(week, {}).get(role, [])

        def given(value: str | None) -> None:
            if value is None:
                return
            names = [h.lstrip("@") for h in value.replace(",", " ").split()]
            unknown = [n for n in names if n not in handles]
            if unknown:
                self.notify(f"No member @{unknown[0]}.", severity="warning")
                return
            members = [handles[n] for n in names]
            op = k.RotationSet(week=week, role=role, members=members)  # type: ignore[arg-type]
            if self.write(op):
                self.notify(f"{role.title()}s for {week} set.")

        value = " ".join("@" + handle_of(self.state, m) for m in current)
        prompt = PromptScreen(f"{role.title()}s for {week}", value=value, placeholder="@lin @sam")
        self.app.push_screen(prompt, given)

    def _new_shoutout(self) -> None:
        choices = [
            (m.id, member_line(f"@{m.handle}  {m.display_name}"))
            for m in sorted(self.state.members.values(), key=lambda m: m.handle)
            if m.id != self.me
        ]

        def chosen(member: str | None) -> None:
            if member is None:
                return

            def given(message: str | None) -> None:
                if message and message.strip():
                    op = k.ShoutoutCreate(shoutout=new_id("h"), to=member, message=message.strip())
                    if self.write(op):
                        self.notify(f"Thanks sent to @{handle_of(self.state, member)}.")

            self.app.push_screen(
                PromptScreen(
                    f"Thank @{handle_of(self.state, member)} for…",
                    placeholder="the venv fix that saved my evening",
                    max_length=2000,
                ),
                given,
            )

        self.app.push_screen(ChoiceScreen("Thank whom?", choices), chosen)


def iso_week(ms: int) -> str:
    """``2026-W48`` for an instant (UTC)."""
    year, week, _ = dt.datetime.fromtimestamp(ms / 1000, dt.UTC).isocalendar()
    return f"{year}-W{week:02d}"
