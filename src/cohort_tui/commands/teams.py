"""``cohort team``: project teams (form, accept, leave, change, list, show)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from cohort_tui.commands.context import (
    acting_member,
    fail,
    group_name,
    open_replica,
    print_json,
    refusal_of,
    resolve_members,
)

if TYPE_CHECKING:
    from cohort_tui.domain.model import State
    from cohort_tui.domain.teams import Team


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("team", help="project teams: form, accept, leave, list")
    team_sub = p.add_subparsers(dest="team_command", metavar="ACTION", required=True)

    new = team_sub.add_parser(
        "new",
        parents=[common],
        help="form a team for a lesson's project; invites the others (a facilitator places "
        "them); prints the team id",
    )
    new.add_argument("--lesson", required=True, metavar="LESSON")
    new.add_argument("--with", dest="members", nargs="*", default=[], metavar="@HANDLE")
    new.add_argument("--name", metavar="NAME", help="the team's name (default: from the members)")
    new.add_argument("--json", action="store_true", help="machine-readable output")
    new.set_defaults(run=run_new)

    for action, text in (("accept", "accept an invitation"), ("leave", "leave or decline")):
        a = team_sub.add_parser(action, parents=[common], help=f"{text} to a team")
        a.add_argument("team", nargs="?", metavar="TEAM", help="default: my only invitation")
        a.add_argument("--json", action="store_true", help="machine-readable output")
        a.set_defaults(run=run_accept if action == "accept" else run_leave)

    s = team_sub.add_parser("set", parents=[common], help="facilitator: rename or set members")
    s.add_argument("team", metavar="TEAM")
    s.add_argument("--name", metavar="NAME")
    s.add_argument("--members", nargs="+", metavar="@HANDLE")
    s.add_argument("--json", action="store_true", help="machine-readable output")
    s.set_defaults(run=run_set)

    ls = team_sub.add_parser("list", parents=[common], help="teams, with members and status")
    ls.add_argument("--lesson", metavar="LESSON", help="only this lesson's teams")
    ls.add_argument("--mine", action="store_true", help="only my teams and invitations")
    ls.add_argument("--json", action="store_true", help="machine-readable output")
    ls.set_defaults(run=run_list)

    show = team_sub.add_parser(
        "show", parents=[common], help="a team: members, history, each member's contribution"
    )
    show.add_argument("team", metavar="TEAM")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.set_defaults(run=run_show)


def team_row(state: State, team: Team) -> dict[str, Any]:
    """A team as plain data (what ``--json`` prints)."""
    from cohort_tui.domain import queries as q
    from cohort_tui.domain.teams import contributions

    sub = state.submissions.get(team.submission) if team.submission else None
    handles = {mid: m.handle for mid, m in state.members.items()}
    row: dict[str, Any] = {
        "team": team.id,
        "name": team.name,
        "lesson": team.lesson,
        "members": [{"member": m, "handle": handles.get(m)} for m in team.members],
        "invited": [{"member": m, "handle": handles.get(m)} for m in team.invited],
        "submission": team.submission,
        "status": q.submission_status(state, sub) if sub else None,
        "created_by": team.created_by,
        "created_at": team.created_at,
        "history": [
            {"at": c.at, "by": c.by, "member": c.member or None, "change": c.change}
            for c in team.history
        ],
    }
    if sub is not None:
        row["contributions"] = [
            {
                "member": c.member,
                "handle": handles.get(c.member),
                "revisions": c.revisions,
                "replies": [{"review": rv, "reply": rp} for rv, rp in c.replies],
            }
            for c in contributions(state, sub)
        ]
    return row


def _find(state: State, team_id: str) -> Team:
    team = state.teams.get(team_id)
    if team is None:
        fail(f"no team '{team_id}' (see `cohort team list`)")
    return team


def _summary(state: State, team: Team) -> str:
    from cohort_tui.domain.sanitize import clean_line

    def who(mid: str) -> str:
        m = state.members.get(mid)
        return "@" + clean_line(m.handle if m else mid)

    people = ", ".join(who(m) for m in team.members) or "nobody yet"
    invited = ", ".join(who(m) for m in team.invited)
    line = f"{team.id}  {clean_line(team.name)}  ·  {team.lesson}  ·  {people}"
    if invited:
        line += f"  ·  invited {invited}"
    if team.submission:
        line += f"  ·  submitted {team.submission}"
    return line


def run_new(args: argparse.Namespace) -> int:
    from cohort_tui.domain import op_kinds as k
    from cohort_tui.domain.clock import new_id
    from cohort_tui.domain.teams import team_size

    replica = open_replica(args)
    me = acting_member(replica, args)
    state = replica.state
    if args.lesson not in state.lessons:
        fail(f"no lesson '{args.lesson}' (see `cohort lessons`)")
    size = team_size(state, args.lesson)
    if size < 2:
        fail(f"lesson {args.lesson}'s project is a solo project (team_size 1)")
    others = resolve_members(replica, args.members)
    if not others and state.has_role(me.id, "facilitator"):
        fail("name the team's members with --with @a @b")
    default_name = " & ".join(
        m.handle for m in ([] if state.has_role(me.id, "facilitator") else [me]) + others
    )
    name = group_name(args.name if args.name is not None else default_name, "team")
    data = k.TeamCreate(
        team=new_id("t"), lesson=args.lesson, name=name, members=[m.id for m in others]
    )
    op = replica.write(data, author=me.id)
    refusal_of(replica, op.id)
    team = replica.state.teams[data.team]
    if args.json:
        print_json(team_row(replica.state, team))
    else:
        print(data.team)
        print(_summary(replica.state, team))
    return 0


def _pick(state: State, me: str, team_id: str | None, invited: bool) -> Team:
    from cohort_tui.domain.teams import invitations, teams_of

    if team_id is not None:
        return _find(state, team_id)
    choices = invitations(state, me) if invited else teams_of(state, me) + invitations(state, me)
    if len(choices) == 1:
        return choices[0]
    what = "invitation" if invited else "team"
    if not choices:
        fail(f"you have no {what} to answer" if invited else "you are in no team")
    fail(f"you have {len(choices)} {what}s; name one: " + ", ".join(t.id for t in choices))


def _write_and_show(replica: Any, data: Any, me: str, team_id: str, as_json: bool) -> int:
    op = replica.write(data, author=me)
    refusal_of(replica, op.id)
    team = replica.state.teams[team_id]
    if as_json:
        print_json(team_row(replica.state, team))
    else:
        print(_summary(replica.state, team))
    return 0


def run_accept(args: argparse.Namespace) -> int:
    from cohort_tui.domain import op_kinds as k

    replica = open_replica(args)
    me = acting_member(replica, args)
    team = _pick(replica.state, me.id, args.team, invited=True)
    return _write_and_show(replica, k.TeamAccept(team=team.id), me.id, team.id, args.json)


def run_leave(args: argparse.Namespace) -> int:
    from cohort_tui.domain import op_kinds as k

    replica = open_replica(args)
    me = acting_member(replica, args)
    team = _pick(replica.state, me.id, args.team, invited=False)
    return _write_and_show(replica, k.TeamLeave(team=team.id), me.id, team.id, args.json)


def run_set(args: argparse.Namespace) -> int:
    from cohort_tui.domain import op_kinds as k

    replica = open_replica(args)
    me = acting_member(replica, args)
    team = _find(replica.state, args.team)
    if args.name is None and args.members is None:
        fail("nothing to change: give --name NAME and/or --members @a @b")
    members = [m.id for m in resolve_members(replica, args.members)] if args.members else None
    name = group_name(args.name, "team") if args.name is not None else None
    data = k.TeamSet(team=team.id, name=name, members=members)
    return _write_and_show(replica, data, me.id, team.id, args.json)


def run_list(args: argparse.Namespace) -> int:
    from cohort_tui.domain.teams import invitations, teams_for_lesson, teams_of

    replica = open_replica(args)
    me = acting_member(replica, args)
    state = replica.state
    if args.lesson is not None and args.lesson not in state.lessons:
        fail(f"no lesson '{args.lesson}' (see `cohort lessons`)")
    if args.mine:
        teams = teams_of(state, me.id) + invitations(state, me.id)
    elif args.lesson is not None:
        teams = teams_for_lesson(state, args.lesson)
    else:
        teams = sorted(state.teams.values(), key=lambda t: (t.lesson, t.name.casefold(), t.id))
    if args.lesson is not None:
        teams = [t for t in teams if t.lesson == args.lesson]
    if args.json:
        print_json([team_row(state, t) for t in teams])
        return 0
    for team in teams:
        print(_summary(state, team))
    if not teams:
        print("no teams yet (form one: cohort team new --lesson LESSON --with @a @b)")
    return 0


def run_show(args: argparse.Namespace) -> int:
    from cohort_tui.domain.sanitize import clean_line

    replica = open_replica(args)
    state = replica.state
    team = _find(state, args.team)
    row = team_row(state, team)
    if args.json:
        print_json(row)
        return 0

    def who(mid: str | None) -> str:
        m = state.members.get(mid or "")
        return "@" + clean_line(m.handle if m else mid or "?")

    print(_summary(state, team))
    if row["status"]:
        print(f"submission {team.submission}: {row['status']}")
    for c in row.get("contributions", []):
        revisions = ", ".join(c["revisions"]) or "none"
        print(f"  {who(c['member'])}: revisions {revisions}; {len(c['replies'])} review replies")
    print("history:")
    for h in row["history"]:
        target = f" {who(h['member'])}" if h["member"] else ""
        print(f"  {h['change']}{target} by {who(h['by'])}")
    return 0
