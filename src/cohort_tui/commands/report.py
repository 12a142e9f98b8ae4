"""``cohort report``: the facilitator's metrics as aligned text, JSON or Markdown."""

from __future__ import annotations

import argparse
from typing import Any

from cohort_tui.commands import context
from cohort_tui.domain.report_text import markdown_report, text_report

ROLES = ("facilitator", "mentor")
"""Who may read the report: it names learners at risk."""


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "report",
        parents=[common],
        help="(facilitator or mentor) completion, review response, reviewers, skill growth, "
        "retention, participation and learners at risk",
    )
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="machine-readable output")
    fmt.add_argument("--markdown", action="store_true", help="a Markdown document")
    p.add_argument(
        "--weeks",
        type=int,
        default=4,
        metavar="N",
        help="weeks of retention to show, 1-52 (default 4)",
    )
    p.set_defaults(run=run_report)


def run_report(args: argparse.Namespace) -> int:
    from cohort_tui.domain.metrics import cohort_report

    if not 1 <= args.weeks <= 52:
        context.fail("--weeks takes a number from 1 to 52", 2)
    replica = context.open_replica(args)
    me = context.acting_member(replica, args)
    if not any(role in me.roles for role in ROLES):
        staff = sorted(
            m.handle for m in replica.state.members.values() if not set(ROLES).isdisjoint(m.roles)
        )
        hint = f"; try --as {staff[0]}" if staff else ""
        context.fail(f"only facilitators and mentors may read the report{hint}")
    report = cohort_report(replica.state, context.now_ms(), args.weeks)
    if args.json:
        import msgspec

        print(msgspec.json.format(msgspec.json.encode(report), indent=2).decode())
    else:
        print(markdown_report(report) if args.markdown else text_report(report))
    return 0
