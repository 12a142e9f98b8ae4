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
