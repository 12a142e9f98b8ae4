"""The fold of team ops (``team.*``): reducers :mod:`reduce` registers.

Rules that depend on the state at the op's place (size, one team per member and lesson,
not reviewing the team's own submission) live here; who may write each kind lives in
:mod:`permissions`.
"""

from __future__ import annotations

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.handlers import Handler, Reason, registrar
from cohort_tui.domain.model import State
from cohort_tui.domain.ops import Op
from cohort_tui.domain.teams import Team, TeamChange, TeamChangeKind, team_of, team_size

HANDLERS: dict[str, Handler] = {}
_handles = registrar(HANDLERS)


def _note(team: Team, op: Op, member: str, change: TeamChangeKind) -> None:
    team.history.append(TeamChange(at=op.at, by=op.author, member=member, change=change))


def _joining_problem(state: State, team: Team, member: str) -> Reason:
    """Why ``member`` may not become a member of ``team`` now."""
    if member not in state.members:
        return f"unknown member {member}"
    other = team_of(state, member, team.lesson)
    if other is not None and other.id != team.id:
        return f"{member} is in another team for this lesson already"
    sub = state.submissions.get(team.submission) if team.submission else None
    if sub is not None and any(a.reviewer == member and a.active for a in sub.assignments):
        return f"{member} is reviewing this team's submission"
    return None


def sync_authors(state: State, team: Team) -> None:
    """Keep the team's submission's authors equal to its members (never empty)."""
    sub = state.submissions.get(team.submission) if team.submission else None
    if sub is not None and team.members:
        sub.authors = list(team.members)


@_handles(k.TeamCreate)
def _team_create(state: State, op: Op, d: k.TeamCreate) -> Reason:
    if d.team in state.teams:
        return "team id already used"
    if d.lesson not in state.lessons:
        return f"unknown lesson {d.lesson}"
    size = team_size(state, d.lesson)
    if size < 2:
        return "this lesson's project is a solo project"
    placing = state.has_role(op.author, "facilitator")
    listed = list(dict.fromkeys(d.members))
    people = listed if placing else [op.author, *(m for m in listed if m != op.author)]
    if not people:
        return "a team needs at least one member"
    if len(people) > size:
        return f"a team for this project has at most {size} people"
    team = Team(id=d.team, lesson=d.lesson, name=d.name, created_by=op.author, created_at=op.at)
    joining = people if placing else [op.author]
    for member in people:
        if member not in state.members:
            return f"unknown member {member}"
    for member in joining:
        if reason := _joining_problem(state, team, member):
            return reason
    state.teams[team.id] = team
    _note(team, op, "", "created")
    for member in people:
        if member in joining:
            team.members.append(member)
            _note(team, op, member, "added" if placing else "joined")
        else:
            team.invited.append(member)
            _note(team, op, member, "invited")
    return None


@_handles(k.TeamAccept)
def _team_accept(state: State, op: Op, d: k.TeamAccept) -> Reason:
    team = state.teams.get(d.team)
    if team is None:
        return "unknown team"
    if op.author in team.members:
        return "you are in this team already"
    if op.author not in team.invited:
        return "you were not invited to this team"
    if len(team.members) >= team_size(state, team.lesson):
        return "the team is full"
    if reason := _joining_problem(state, team, op.author):
        return reason
    team.invited.remove(op.author)
    team.members.append(op.author)
    _note(team, op, op.author, "joined")
    sync_authors(state, team)
    return None


@_handles(k.TeamLeave)
def _team_leave(state: State, op: Op, d: k.TeamLeave) -> Reason:
    team = state.teams.get(d.team)
    if team is None:
        return "unknown team"
    if op.author in team.invited:
        team.invited.remove(op.author)
        _note(team, op, op.author, "declined")
        return None
    if op.author not in team.members:
        return "you are not in this team"
    if team.submission is not None and team.members == [op.author]:
        return "the last member of a team that submitted cannot leave it"
    team.members.remove(op.author)
    _note(team, op, op.author, "left")
    sync_authors(state, team)
    return None


@_handles(k.TeamSet)
def _team_set(state: State, op: Op, d: k.TeamSet) -> Reason:
    team = state.teams.get(d.team)
    if team is None:
        return "unknown team"
    if d.members is not None:
        wanted = list(dict.fromkeys(d.members))
        if len(wanted) > team_size(state, team.lesson):
            return f"a team for this project has at most {team_size(state, team.lesson)} people"
        for member in wanted:
            if member not in team.members and (reason := _joining_problem(state, team, member)):
                return reason
        for member in [m for m in team.members if m not in wanted]:
            _note(team, op, member, "removed")
        for member in [m for m in wanted if m not in team.members]:
            _note(team, op, member, "added")
        team.members = wanted
        team.invited = [m for m in team.invited if m not in wanted]
        sync_authors(state, team)
    if d.name is not None:
        team.name = d.name
    return None
