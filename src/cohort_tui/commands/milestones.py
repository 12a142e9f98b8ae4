"""``cohort milestones`` and ``cohort sessions``."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from cohort_tui.commands.context import acting_member, fail, now_ms, open_replica


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "milestones",
        parents=[common],
        help="cohort milestones with my status and the cohort's completion",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(run=run_milestones)

    p = sub.add_parser("sessions", parents=[common], help="live sessions and RSVPs")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="machine-readable output")
    fmt.add_argument("--ics", metavar="FILE", help="write an iCalendar file (- for stdout)")
    p.set_defaults(run=run_sessions)


def _local(ms: int) -> str:
    return time.strftime("%a %d %b %H:%M", time.localtime(ms / 1000))


def run_milestones(args: argparse.Namespace) -> int:
    from cohort_tui.domain import queries as q
    from cohort_tui.domain.sanitize import clean_line
    from cohort_tui.domain.today import relative_due

    replica = open_replica(args)
    me = acting_member(replica, args)
    state, now = replica.state, now_ms()
    rows: list[dict[str, Any]] = []
    for milestone in q.live_milestones(state):
        met, total = q.milestone_completion(state, milestone)
        mine = q.milestone_met(state, milestone, me.id)
        due = q.due_for(milestone, me.id)
        rows.append(
            {
                "id": milestone.id,
                "title": milestone.title,
                "due": due,
                "lessons": milestone.lessons,
                "projects": milestone.projects,
                "met": mine,
                "overdue": not mine and due < now,
                "cohort_met": met,
                "learners": total,
            }
        )
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    for row in rows:
        mark = "✓ met    " if row["met"] else "! OVERDUE" if row["overdue"] else "○ open   "
        print(
            f"{mark} {clean_line(row['title']):<32} due {_local(row['due'])} "
            f"({relative_due(row['due'], now)})  cohort {row['cohort_met']}/{row['learners']}"
        )
    if not rows:
        print("no milestones yet")
    return 0


def run_sessions(args: argparse.Namespace) -> int:
    from cohort_tui.domain.sanitize import clean_line
    from cohort_tui.ics import sessions_to_ics

    replica = open_replica(args)
    me = acting_member(replica, args)
    state = replica.state
    sessions = sorted(state.sessions.values(), key=lambda s: (s.start, s.id))
    if args.ics:
        cohort = state.cohort
        text = sessions_to_ics(
            sessions,
            cohort=cohort.id if cohort else "cohort",
            cohort_name=cohort.name if cohort else "cohort",
            now_ms=now_ms(),
        )
        if args.ics == "-":
            sys.stdout.write(text)
            return 0
        target = Path(args.ics)
        try:
            tmp = target.with_name(f".{target.name}.tmp")
            tmp.write_text(text, "utf-8", newline="")
            os.replace(tmp, target)
        except OSError as exc:
            fail(f"cannot write {args.ics}: {exc.strerror or exc}")
        print(f"wrote {len(sessions)} session(s) to {target}")
        return 0
    rows: list[dict[str, Any]] = [
        {
            "id": s.id,
            "title": s.title,
            "start": s.start,
            "minutes": s.minutes,
            "link": s.link,
            "agenda": s.agenda,
            "cancelled": s.cancelled,
            "my_rsvp": s.rsvps.get(me.id),
            "rsvps": dict(sorted(s.rsvps.items())),
            "notes_thread": s.notes_thread,
        }
        for s in sessions
    ]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    for row in rows:
        yes = sum(1 for a in row["rsvps"].values() if a == "yes")
        status = "cancelled" if row["cancelled"] else f"you: {row['my_rsvp'] or 'no reply'}"
        print(
            f"{_local(row['start'])}  {clean_line(row['title']):<36} {row['minutes']} min  "
            f"{yes} going  {status}"
        )
    if not rows:
        print("no live sessions scheduled")
    return 0
