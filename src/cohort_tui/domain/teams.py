"""Project teams: who works on one lesson's project together, as the fold keeps them.

A team belongs to one lesson whose project allows more than one person
(``team_size >= 2``). Its members submit and revise one submission together; the
submission's ``authors`` follow the team's members, so an approval counts for each of
them. Every change is kept in ``history`` (who joined, left, was invited or moved), so a
facilitator's rearrangement never erases who did what.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from msgspec import Struct, field

if TYPE_CHECKING:
    from cohort_tui.domain.model import State, Submission

TeamChangeKind = Literal["created", "invited", "joined", "declined", "left", "added", "removed"]


class TeamChange(Struct, kw_only=True, gc=False):
    """One change to a team's membership."""

    at: int
    by: str
    """Who wrote the op (the member, or the facilitator who made the change)."""
    member: str
    change: TeamChangeKind


class Team(Struct, kw_only=True, gc=False):
    """A project team (see the module docstring)."""

    id: str
    lesson: str
    name: str
    created_by: str
    created_at: int
    members: list[str] = field(default_factory=list)
    """Members who accepted (or were placed by a facilitator), in joining order."""
    invited: list[str] = field(default_factory=list)
    """Invitations not yet accepted or declined."""
    submission: str | None = None
    """The team's submission, once one of its members submitted."""
    history: list[TeamChange] = field(default_factory=list)


def team_size(state: State, lesson_id: str) -> int:
    """How many people one team may have for the lesson's project (1: solo)."""
    lesson = state.lessons.get(lesson_id)
    return lesson.project.team_size if lesson and lesson.project else 1


def team_of(state: State, member: str, lesson_id: str) -> Team | None:
    """The team ``member`` belongs to for ``lesson_id``'s project, if any."""
    for team in state.teams.values():
        if team.lesson == lesson_id and member in team.members:
            return team
    return None


def invitations(state: State, member: str) -> list[Team]:
    """Teams that invited ``member`` and wait for an answer, oldest first."""
    teams = [t for t in state.teams.values() if member in t.invited]
    teams.sort(key=lambda t: (t.created_at, t.id))
    return teams


def teams_for_lesson(state: State, lesson_id: str) -> list[Team]:
    """The lesson's teams, by name then id."""
    teams = [t for t in state.teams.values() if t.lesson == lesson_id]
    teams.sort(key=lambda t: (t.name.casefold(), t.id))
    return teams


def teams_of(state: State, member: str) -> list[Team]:
    """Every team ``member`` is in, by creation."""
    teams = [t for t in state.teams.values() if member in t.members]
    teams.sort(key=lambda t: (t.created_at, t.id))
    return teams


def is_author(sub: Submission, member: str) -> bool:
    """Whether ``member`` is one of the submission's authors (the team, or the submitter)."""
    return member in sub.authors


def revision_authors(sub: Submission) -> list[tuple[str, str]]:
    """``(revision id, who submitted it)`` for each revision, oldest first."""
    return [(r.id, r.author or sub.author) for r in sub.revisions]


class Contribution(Struct, kw_only=True, gc=False):
    """What one team member did on the team's submission."""

    member: str
    revisions: list[str] = field(default_factory=list)
    """Revision ids this member submitted."""
    replies: list[tuple[str, str]] = field(default_factory=list)
    """``(review id, reply id)`` for each reply this member wrote to a review."""


def contributions(state: State, sub: Submission) -> list[Contribution]:
    """Each author's own part in ``sub`` (every current author listed, even with none),
    then anyone else who revised it (a former member keeps their revisions)."""
    rows: dict[str, Contribution] = {m: Contribution(member=m) for m in sub.authors}
    for revision_id, who in revision_authors(sub):
        rows.setdefault(who, Contribution(member=who)).revisions.append(revision_id)
    for review_id in sub.reviews:
        review = state.reviews.get(review_id)
        if review is None:
            continue
        for reply in review.replies:
            if reply.author in rows:
                rows[reply.author].replies.append((review_id, reply.id))
    return list(rows.values())


def _handle(state: State, member: str) -> str:
    from cohort_tui.domain.sanitize import clean_line

    found = state.members.get(member)
    return "@" + clean_line(found.handle if found else member)


def author_label(state: State, sub: Submission) -> str:
    """Who a submission is by, sanitised for one line: ``@ada``, or for a team
    ``team Ants (@ada, @bo)``."""
    from cohort_tui.domain.sanitize import clean_line

    team = state.teams.get(sub.team) if sub.team else None
    if team is None:
        return _handle(state, sub.author)
    people = ", ".join(_handle(state, m) for m in sub.authors)
    return f"team {clean_line(team.name)} ({people})"


def team_actions(state: State, member: str, lesson_id: str) -> list[tuple[str, str]]:
    """What ``member`` can do about a team for the lesson's project, as
    ``(action, label)``: ``accept:TEAM``, ``decline:TEAM``, ``leave:TEAM`` or ``new``.
    Labels quote team names raw: sanitise to show."""
    if team_size(state, lesson_id) < 2:
        return []
    mine = team_of(state, member, lesson_id)
    if mine is not None:
        return [(f"leave:{mine.id}", f"Leave team {mine.name}")]
    rows: list[tuple[str, str]] = []
    for team in invitations(state, member):
        if team.lesson == lesson_id:
            rows.append((f"accept:{team.id}", f"Accept the invitation to {team.name}"))
            rows.append((f"decline:{team.id}", f"Decline the invitation to {team.name}"))
    rows.append(("new", "Form a new team and invite others"))
    return rows


def team_summary(state: State, member: str, lesson_id: str) -> str | None:
    """One line about my team for the lesson's project, raw (sanitise to show); None for
    a solo project."""
    size = team_size(state, lesson_id)
    if size < 2:
        return None
    team = team_of(state, member, lesson_id)
    if team is None:
        invited = [t for t in invitations(state, member) if t.lesson == lesson_id]
        if invited:
            return f"invited to {', '.join(t.name for t in invited)} (press T to answer)"
        return f"no team yet: up to {size} people (press T to form one, or submit alone)"
    people = " ".join(
        "@" + (state.members[m].handle if m in state.members else m) for m in team.members
    )
    waiting = (
        " · invited "
        + " ".join(
            "@" + (state.members[m].handle if m in state.members else m) for m in team.invited
        )
        if team.invited
        else ""
    )
    return f"{team.name} · {people}{waiting}"
