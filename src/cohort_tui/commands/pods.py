"""``cohort pod``: pods (form, join, leave, change, rotate, list, show, review preference)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from cohort_tui.commands.context import (
    acting_member,
    fail,
    group_name,
    now_ms,
    open_replica,
    print_json,
    refusal_of,
    resolve_members,
)

if TYPE_CHECKING:
    from cohort_tui.domain.model import State
    from cohort_tui.domain.pods import Pod


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("pod", help="pods: small groups with their own channel")
    pod_sub = p.add_subparsers(dest="pod_command", metavar="ACTION", required=True)

    def json_flag(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--json", action="store_true", help="machine-readable output")

    new = pod_sub.add_parser("new", parents=[common], help="facilitator: form a pod; prints its id")
    new.add_argument("name", metavar="NAME")
    new.add_argument("--members", nargs="*", default=[], metavar="@HANDLE")
    new.add_argument("--size", type=int, default=6, help="most members, 3 to 6 (default 6)")
    new.add_argument("--open", action="store_true", help="members may join by themselves")
    json_flag(new)
    new.set_defaults(run=run_new)

    join = pod_sub.add_parser("join", parents=[common], help="join an open pod with room")
    join.add_argument("pod", metavar="POD")
    json_flag(join)
    join.set_defaults(run=run_join)

    leave = pod_sub.add_parser("leave", parents=[common], help="leave my pod")
    json_flag(leave)
    leave.set_defaults(run=run_leave)

    s = pod_sub.add_parser("set", parents=[common], help="facilitator: change a pod")
    s.add_argument("pod", metavar="POD")
    s.add_argument("--name", metavar="NAME")
    s.add_argument("--members", nargs="*", metavar="@HANDLE")
    s.add_argument("--size", type=int, help="most members, 3 to 6")
    s.add_argument("--open", dest="open", action="store_true", default=None)
    s.add_argument("--closed", dest="open", action="store_false", help="members cannot join")
    json_flag(s)
    s.set_defaults(run=run_set)

    rot = pod_sub.add_parser(
        "rotate",
        parents=[common],
        help="facilitator: close the current pods (kept as history) and form new ones",
    )
    rot.add_argument("--size", type=int, default=4, help="most members per pod (default 4)")
    rot.add_argument("--round", default="", metavar="LABEL", help="a name for the round")
    rot.add_argument(
        "--pod",
        dest="specs",
        action="append",
        default=[],
        metavar="NAME=@a,@b,@c",
        help="give the pods yourself (repeat); default: learners shuffled, podmates split",
    )
    rot.add_argument("--open", action="store_true", help="the new pods take members who join")
    rot.add_argument("--dry-run", action="store_true", help="print the plan, write nothing")
    json_flag(rot)
    rot.set_defaults(run=run_rotate)

    ls = pod_sub.add_parser("list", parents=[common], help="current pods (--all: with history)")
    ls.add_argument("--all", action="store_true", help="closed pods too")
    json_flag(ls)
    ls.set_defaults(run=run_list)

    show = pod_sub.add_parser("show", parents=[common], help="a pod: members, channel, history")
    show.add_argument("pod", nargs="?", metavar="POD", help="default: my pod")
    json_flag(show)
    show.set_defaults(run=run_show)

    pref = pod_sub.add_parser(
        "prefer",
        parents=[common],
        help="facilitator: reviewers from the author's pod (same), other pods, or any",
    )
    pref.add_argument("preference", choices=("same", "other", "any"))
    json_flag(pref)
    pref.set_defaults(run=run_prefer)


def pod_row(state: State, pod: Pod) -> dict[str, Any]:
    """A pod as plain data (what ``--json`` prints)."""
    from cohort_tui.domain.pods import pod_threads

    handles = {mid: m.handle for mid, m in state.members.items()}
    return {
        "pod": pod.id,
        "name": pod.name,
        "members": [{"member": m, "handle": handles.get(m)} for m in pod.members],
        "capacity": pod.capacity,
        "open": pod.open,
        "active": pod.active,
        "round": pod.round,
        "created_at": pod.created_at,
        "closed_at": pod.closed_at,
        "threads": [t.id for t in pod_threads(state, pod.id)],
        "history": [
            {"at": c.at, "by": c.by, "member": c.member or None, "change": c.change}
            for c in pod.history
        ],
    }


def _summary(state: State, pod: Pod) -> str:
    from cohort_tui.domain.sanitize import clean_line

    people = ", ".join(
        "@" + clean_line(state.members[m].handle if m in state.members else m) for m in pod.members
    )
    facts = [f"{len(pod.members)}/{pod.capacity}"]
    if pod.open and pod.active:
        facts.append("open")
    if not pod.active:
        facts.append("closed")
    if pod.round:
        facts.append(f"round {clean_line(pod.round)}")
    return f"{pod.id}  {clean_line(pod.name)}  ({', '.join(facts)})  ·  {people or 'nobody yet'}"


def _size(size: int | None) -> int | None:
    from cohort_tui.domain.op_kinds import POD_SIZES

    if size is not None and not POD_SIZES[0] <= size <= POD_SIZES[1]:
        fail(f"a pod holds {POD_SIZES[0]} to {POD_SIZES[1]} people; --size {size} is outside")
    return size


def _find(state: State, pod_id: str) -> Pod:
    pod = state.pods.get(pod_id)
    if pod is None:
        fail(f"no pod '{pod_id}' (see `cohort pod list`)")
    return pod


def _done(replica: Any, op_id: str, pod_id: str | None, as_json: bool) -> int:
    refusal_of(replica, op_id)
    pod = replica.state.pods.get(pod_id) if pod_id else None
    if as_json:
        print_json(pod_row(replica.state, pod) if pod else {"ok": True})
    elif pod is not None:
        print(_summary(replica.state, pod))
    return 0


def run_new(args: argparse.Namespace) -> int:
    from cohort_tui.domain import op_kinds as k
    from cohort_tui.domain.clock import new_id

    replica = open_replica(args)
    me = acting_member(replica, args)
    members = [m.id for m in resolve_members(replica, args.members)]
    size = _size(args.size) or 6
    if len(members) > size:
        fail(f"{len(members)} members do not fit a pod of {size}")
    data = k.PodCreate(
        pod=new_id("p"),
        name=group_name(args.name, "pod"),
        members=members,
        capacity=size,
        open=args.open,
    )
    op = replica.write(data, author=me.id)
    if not args.json:
        print(data.pod)
    return _done(replica, op.id, data.pod, args.json)


def run_join(args: argparse.Namespace) -> int:
    from cohort_tui.domain import op_kinds as k

    replica = open_replica(args)
    me = acting_member(replica, args)
    pod = _find(replica.state, args.pod)
    op = replica.write(k.PodJoin(pod=pod.id), author=me.id)
    return _done(replica, op.id, pod.id, args.json)


def run_leave(args: argparse.Namespace) -> int:
    from cohort_tui.domain import op_kinds as k
    from cohort_tui.domain.pods import pod_of

    replica = open_replica(args)
    me = acting_member(replica, args)
    pod = pod_of(replica.state, me.id)
    if pod is None:
        fail("you are in no pod")
    op = replica.write(k.PodLeave(pod=pod.id), author=me.id)
    return _done(replica, op.id, pod.id, args.json)


def run_set(args: argparse.Namespace) -> int:
    from cohort_tui.domain import op_kinds as k

    replica = open_replica(args)
    me = acting_member(replica, args)
    pod = _find(replica.state, args.pod)
    if args.name is None and args.members is None and args.size is None and args.open is None:
        fail("nothing to change: give --name, --members, --size, --open or --closed")
    data = k.PodUpdate(
        pod=pod.id,
        name=group_name(args.name, "pod") if args.name is not None else None,
        members=[m.id for m in resolve_members(replica, args.members)]
        if args.members is not None
        else None,
        capacity=_size(args.size),
        open=args.open,
    )
    op = replica.write(data, author=me.id)
    return _done(replica, op.id, pod.id, args.json)


def _parse_spec(replica: Any, spec: str) -> tuple[str, list[str]]:
    name, sep, people = spec.partition("=")
    if not sep:
        fail(f"--pod takes NAME=@a,@b,@c; not '{spec}'")
    words = [w for w in people.replace(",", " ").split() if w]
    return group_name(name, "pod"), [m.id for m in resolve_members(replica, words)]


def run_rotate(args: argparse.Namespace) -> int:
    from cohort_tui.domain import op_kinds as k
    from cohort_tui.domain.clock import new_id
    from cohort_tui.domain.pods import plan_rotation

    replica = open_replica(args)
    me = acting_member(replica, args)
    state = replica.state
    size = _size(args.size) or 4
    if not state.has_role(me.id, "facilitator"):
        fail("only a facilitator may rotate pods")
    if args.specs:
        groups = [_parse_spec(replica, spec) for spec in args.specs]
    else:
        seed = args.round or str(now_ms())
        planned = plan_rotation(state, size, seed)
        groups = [(f"Pod {n}", people) for n, people in enumerate(planned, start=1)]
    for name, people in groups:
        if len(people) > size:
            fail(f"pod '{name}' has {len(people)} members; --size is {size}")
    data = k.PodRotate(
        round=args.round[:80],
        capacity=size,
        open=args.open,
        pods=[k.PodSpec(pod=new_id("p"), name=name, members=people) for name, people in groups],
    )
    if args.dry_run:
        rows = [{"name": s.name, "members": s.members} for s in data.pods]
        if args.json:
            print_json(rows)
        else:
            for spec in data.pods:
                print(_summary(state, _preview(spec, size)))
        return 0
    op = replica.write(data, author=me.id)
    refusal_of(replica, op.id)
    pods = [replica.state.pods[s.pod] for s in data.pods]
    if args.json:
        print_json([pod_row(replica.state, p) for p in pods])
    else:
        for pod in pods:
            print(_summary(replica.state, pod))
    return 0


def _preview(spec: Any, size: int) -> Pod:
    from cohort_tui.domain.pods import Pod

    return Pod(
        id="(new)",
        name=spec.name,
        created_at=0,
        created_by="",
        capacity=size,
        members=list(spec.members),
    )


def run_list(args: argparse.Namespace) -> int:
    from cohort_tui.domain.pods import active_pods

    replica = open_replica(args)
    state = replica.state
    pods = active_pods(state)
    if args.all:
        closed = [p for p in state.pods.values() if not p.active]
        closed.sort(key=lambda p: (-(p.closed_at or 0), p.name.casefold(), p.id))
        pods += closed
    if args.json:
        print_json([pod_row(state, p) for p in pods])
        return 0
    for pod in pods:
        print(_summary(state, pod))
    if not pods:
        print("no pods yet (a facilitator forms them: cohort pod new NAME --members @a @b @c)")
    return 0


def run_show(args: argparse.Namespace) -> int:
    from cohort_tui.domain.pods import may_see_pod, pod_activity, pod_of, pod_threads
    from cohort_tui.domain.sanitize import clean_line

    replica = open_replica(args)
    me = acting_member(replica, args)
    state = replica.state
    pod = _find(state, args.pod) if args.pod else pod_of(state, me.id)
    if pod is None:
        fail("you are in no pod (see `cohort pod list`)")
    row = pod_row(state, pod)
    visible = may_see_pod(state, me.id, pod)
    if not visible:
        row["threads"] = []
    if args.json:
        print_json(row)
        return 0
    print(_summary(state, pod))
    if visible:
        for thread in pod_threads(state, pod.id):
            print(f"  channel: {thread.id}  {clean_line(thread.title)}")
        for a in pod_activity(state, pod):
            who = state.members[a.member].handle if a.member in state.members else a.member
            print(f"  {a.what:<10} @{clean_line(who)}: {clean_line(a.title)}")
    return 0


def run_prefer(args: argparse.Namespace) -> int:
    from cohort_tui.domain import op_kinds as k

    replica = open_replica(args)
    me = acting_member(replica, args)
    data = k.CohortUpdate(settings=k.Settings(review_pods=args.preference))
    op = replica.write(data, author=me.id)
    refusal_of(replica, op.id)
    if args.json:
        print_json({"review_pods": args.preference})
    else:
        print(f"reviewer allocation now prefers: {args.preference}")
    return 0
