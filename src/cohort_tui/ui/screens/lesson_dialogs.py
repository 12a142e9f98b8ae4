"""What the curriculum map asks about the highlighted lesson in a dialog: my skill rating,
and a team project (form a team, answer an invitation, leave)."""

from __future__ import annotations

from functools import partial

from textual.binding import Binding

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.clock import new_id
from cohort_tui.domain.model import Lesson
from cohort_tui.domain.teams import team_actions
from cohort_tui.ui.screens.base import CohortScreen
from cohort_tui.ui.screens.dialogs import ChoiceScreen, PromptScreen
from cohort_tui.ui.text import member_line

BINDINGS = [
    Binding(
        "r",
        "rate",
        "Rate skill",
        id="curriculum.rate",
        show=False,
        tooltip="Rate your skill for this lesson, before or after (1-5)",
    ),
    Binding(
        "T",
        "team",
        "Team",
        id="curriculum.team",
        show=False,
        tooltip="A team project: form a team, answer an invitation, or leave",
    ),
]
"""The keys of these dialogs, declared on the curriculum screen."""


def rate_skill(screen: CohortScreen, lesson: Lesson, done: bool) -> None:
    """Ask for my skill on ``lesson`` (after it when ``done``, else before) and record it."""
    from cohort_tui.ui.screens.rating import RatingScreen

    skill = screen.state.skills.get(screen.me, {}).get(lesson.id)
    current = {
        "before": skill.before if skill else None,
        "after": skill.after if skill else None,
    }
    phase = "after" if done else "before"

    def rated(result: tuple[str, int] | None) -> None:
        if result is not None:
            screen.write(
                k.SkillRate(
                    lesson=lesson.id,
                    phase=result[0],  # type: ignore[arg-type]
                    rating=result[1],
                )
            )

    screen.app.push_screen(RatingScreen(lesson.title, phase, current), rated)


def choose_team(screen: CohortScreen, lesson_id: str) -> None:
    """Form, join or leave a team for ``lesson_id``'s project."""
    actions = team_actions(screen.state, screen.me, lesson_id)
    if not actions:
        screen.notify("This lesson's project is a solo project.", severity="warning")
        return
    options = [(key, member_line(label)) for key, label in actions]
    screen.app.push_screen(
        ChoiceScreen("Team project", options), partial(_team_chosen, screen, lesson_id)
    )


def _team_chosen(screen: CohortScreen, lesson_id: str, choice: str | None) -> None:
    if choice is None:
        return
    action, _, team_id = choice.partition(":")
    if action == "accept":
        screen.write(k.TeamAccept(team=team_id))
    elif action in ("decline", "leave"):
        screen.write(k.TeamLeave(team=team_id))
    elif action == "new":
        prompt = PromptScreen(
            "Invite whom? Handles, space-separated",
            placeholder="@handle @handle",
            max_length=400,
        )
        screen.app.push_screen(prompt, partial(_team_invite, screen, lesson_id))


def _team_invite(screen: CohortScreen, lesson_id: str, typed: str | None) -> None:
    if typed is None:
        return
    state = screen.state
    handles = {m.handle: m.id for m in state.members.values()}
    words = [w.removeprefix("@") for w in typed.replace(",", " ").split()]
    unknown = [w for w in words if w not in handles]
    if unknown:
        screen.notify(f"No member @{unknown[0]}.", severity="warning")
        return
    me = state.members.get(screen.me)
    name = " & ".join(([me.handle] if me else []) + words)[:80] or "team"
    invited = [handles[w] for w in dict.fromkeys(words)]
    screen.write(k.TeamCreate(team=new_id("team"), lesson=lesson_id, name=name, members=invited))
