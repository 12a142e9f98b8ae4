"""``cohort member add``: a facilitator adds a seat without a server (a tmux pod)."""

from __future__ import annotations

import argparse
from typing import Any

from cohort_tui.commands.context import acting_member, fail, open_replica

ROLES = ("learner", "mentor", "reviewer", "curator", "facilitator")


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("member", parents=[common], help="(facilitator) add a member offline")
    actions = p.add_subparsers(dest="member_command", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add",
        parents=[common],
        help="add a member to this store's cohort (no server needed)",
        description="Add a member, as the acting facilitator (--as). The new member can "
        "then open the app with --as HANDLE in the same store.",
    )
    add.add_argument("handle", help="the new member's handle: a-z, 0-9, - and _")
    add.add_argument("--name", required=True, help="display name")
    add.add_argument(
        "--role",
        dest="roles",
        action="append",
        choices=ROLES,
        help="a role (repeat for several; default: learner)",
    )
    add.add_argument("--bio", default="", help="a line about them")
    add.set_defaults(run=run_member_add)


def run_member_add(args: argparse.Namespace) -> int:
    import msgspec

    from cohort_tui.domain import op_kinds as k
    from cohort_tui.domain.clock import new_id

    replica = open_replica(args)
    me = acting_member(replica, args)
    handle = args.handle.removeprefix("@")
    if any(m.handle == handle for m in replica.state.members.values()):
        fail(f"@{handle} is already a member")
    fields = {
        "member": new_id("m"),
        "handle": handle,
        "display_name": args.name,
        "roles": args.roles or ["learner"],
        "bio": args.bio,
    }
    try:  # the op's own limits (handle pattern, lengths), checked before writing
        data = msgspec.convert(fields, type=k.MemberAdd)
    except msgspec.ValidationError as exc:
        fail(f"not a valid member: {_why(exc)}")
    op = replica.write(data, author=me.id)
    for refusal in replica.state.refused:
        if refusal.op == op.id:
            fail(f"not allowed: {refusal.reason}")
    print(f"added @{handle} ({', '.join(data.roles)}); open the app with --as {handle}")
    return 0


def _why(exc: Exception) -> str:
    text = str(exc)
    if "$.handle" in text:
        return "a handle is 1-32 of a-z, 0-9, - and _, starting with a letter or digit"
    return text
