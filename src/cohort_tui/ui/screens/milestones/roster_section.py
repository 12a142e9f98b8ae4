"""The people section: the roster with roles and badges; a member's badges, thanks,
this week's rotation and reviewer figures in the details."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import BindingType

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.badges import badges_for
from cohort_tui.domain.milestone_views import iso_week
from cohort_tui.domain.model import DAY_MS
from cohort_tui.domain.queries import handle_of
from cohort_tui.domain.reviewer_figures import figures_for
from cohort_tui.ui import palette
from cohort_tui.ui.reviewer_text import figures_text
from cohort_tui.ui.screens.dialogs import ChoiceScreen, PromptScreen
from cohort_tui.ui.screens.milestones.section import TrackerSection, section_binding
from cohort_tui.ui.text import local_time, member_block, member_line, plain
from cohort_tui.ui.widgets.row_list import Row

ROLES = ["facilitator", "mentor", "reviewer", "curator", "learner"]
"""Every role a member can hold, as the roles prompt offers them."""


class RosterSection(TrackerSection):
    """The roster: roles and the weekly rotation.

    | Key | Action |
    | :- | :- |
    | `e` | Edit the member's roles (facilitator). |
    | `w` | Set this week's (or a coming week's) reviewers and curators (facilitator). |
    """

    SECTION_ID = "roster"
    KEY = "p"
    TITLE = "People"
    BINDINGS: ClassVar[list[BindingType]] = [
        section_binding("e", "edit", "Edit", "edit", "Edit the member's roles (facilitator)"),
        section_binding(
            "w", "rotation", "Rotation", "rotation", "Set this week's reviewers and curators"
        ),
    ]

    def rows(self) -> list[Row]:
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

    def detail(self, row_id: str) -> Text:
        state, now = self.state, self.now()
        member = state.members.get(row_id)
        if member is None:
            return Text("")
        text = member_line(f"@{member.handle}  {member.display_name}", "bold")
        text.append(f"\n{', '.join(member.roles)} · joined {local_time(member.joined_at, '%d %b')}")
        if member.bio:
            text.append("\n")
            text.append_text(member_block(member.bio, "italic"))
        text.append("\n\nBadges\n", style="bold")
        badges = badges_for(state, row_id, now)
        for badge in badges:
            text.append(f"  ★ {badge.title}", style=palette.STAR)
            when = f" · {local_time(badge.earned_at, '%d %b')}" if badge.earned_at else ""
            text.append(f"{when}\n", style="dim")
        if not badges:
            text.append("  none yet\n", style="dim")
        thanks = [s for s in state.shoutouts.values() if s.to == row_id]
        if thanks:
            text.append("\nThanked by\n", style="bold")
            for shout in sorted(thanks, key=lambda s: -s.at)[:5]:
                line = f"  @{handle_of(state, shout.author)}: {shout.message}"
                text.append_text(member_line(line))
                text.append("\n")
        week = iso_week(now)
        rotation = state.rotation.get(week, {})
        if rotation:
            text.append(f"\nRotation {week}\n", style="bold")
            for role, people in sorted(rotation.items()):
                names = " ".join("@" + handle_of(state, p) for p in people)
                text.append_text(member_line(f"  {role}: {names}"))
                text.append("\n")
        if row_id == self.me or self.sees_figures():
            target_hours = state.cohort.response_target_hours if state.cohort else 48
            text.append("\n")
            text.append_text(figures_text(figures_for(state, row_id), target_hours))
        if self.may(k.MemberRoles.KIND):
            text.append("\ne edit roles · w set this week's rotation", style="dim")
        return text

    # -- actions -------------------------------------------------------------------

    def action_edit(self) -> None:
        member_id = self.target()
        if member_id is None:
            return
        if not self.may(k.MemberRoles.KIND):
            return self.refuse("a facilitator")
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
        if not self.may(k.RotationSet.KIND):
            return self.refuse("a facilitator")
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
