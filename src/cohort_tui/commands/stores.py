"""``cohort demo``, ``cohort init`` and ``cohort repair``: making and mending stores."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from cohort_tui.commands.context import fail
from cohort_tui.commands.progress import ProgressBar, wanted


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("demo", help="write a fresh demo cohort store to DIR")
    p.add_argument("dir", metavar="DIR")
    p.set_defaults(run=run_demo)

    p = sub.add_parser("init", help="start a new cohort with you as facilitator")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--name", required=True, help="the cohort's name")
    p.add_argument("--handle", required=True, help="your handle (lowercase, digits, - and _)")
    p.add_argument("--display-name", help="your name as others see it (default: the handle)")
    p.add_argument(
        "--curriculum",
        metavar="CURRICULUM_DIR",
        help="import this curriculum folder into the new cohort",
    )
    p.set_defaults(run=run_init)

    p = sub.add_parser(
        "repair",
        parents=[common],
        help="set damaged log lines aside (after a backup) so the store opens",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=run_repair)


def run_demo(args: argparse.Namespace) -> int:
    from cohort_tui.demo.seed import write_demo_store

    root = Path(args.dir).expanduser()
    replica = write_demo_store(root, newcomer=True)
    assert replica.state.cohort is not None
    print(
        f"wrote the demo cohort '{replica.state.cohort.name}' to {root} "
        f"({replica.state.applied} ops, {len(replica.state.members)} members)"
    )
    print(f"open it with: cohort --store {root}")
    return 0


def run_init(args: argparse.Namespace) -> int:
    from cohort_tui.domain.clock import new_id
    from cohort_tui.domain.op_kinds import CohortCreate
    from cohort_tui.store.workspace import create_store, new_store_dir

    handle = args.handle.removeprefix("@")
    if not re.fullmatch(r"[a-z0-9][a-z0-9_\-]{0,31}", handle):
        fail(f"handle '{args.handle}' must be 1-32 lowercase letters, digits, '-' or '_'", 2)
    if not args.name.strip():
        fail("--name must not be empty", 2)
    root = Path(args.dir).expanduser()
    parsed = None
    if args.curriculum:
        from cohort_tui.store.curriculum_files import load_curriculum_dir

        parsed = load_curriculum_dir(Path(args.curriculum))  # validate before writing
    cohort_id = new_id("c")
    with new_store_dir(root):  # the curriculum too, or no store at all
        replica = create_store(
            root,
            CohortCreate(
                cohort=cohort_id,
                name=args.name.strip(),
                handle=handle,
                display_name=args.display_name or handle,
            ),
            author=f"m_{handle}",
            cohort_id=cohort_id,
        )
        if parsed is not None:
            from cohort_tui.domain.curriculum import curriculum_changes

            replica.write_many(curriculum_changes(replica.state, parsed), author=f"m_{handle}")
    print(f"created cohort '{args.name.strip()}' in {root}; you are @{handle}, facilitator")
    return 0


SHOWN_LINES = 20
"""Damaged lines listed one by one; past this, a count (a shredded log has thousands)."""


def run_repair(args: argparse.Namespace) -> int:
    from cohort_tui.paths import resolve_store
    from cohort_tui.store.repair import repair_log
    from cohort_tui.store.workspace import read_config

    root, _ = resolve_store(getattr(args, "store", None))
    read_config(root)
    with ProgressBar(wanted(args.quiet)) as progress:
        report = repair_log(root, progress)
    if not report.damaged:
        print(f"{report.log}: no damaged lines; nothing to do")
        return 0
    for d in report.damaged[:SHOWN_LINES]:
        inside = d.recovered and d.set_aside
        kept = f" ({len(d.recovered)} whole op(s) inside it kept)" if inside else ""
        print(f"line {d.number}: {d.reason}{kept}")
    if len(report.damaged) > SHOWN_LINES:
        print(f"... and {len(report.damaged) - SHOWN_LINES} more")
    if report.rejected is not None:
        recovered = f", {report.recovered} op(s) recovered from them" if report.recovered else ""
        print(
            f"set {len(report.set_aside)} damaged line(s) aside in {report.rejected}"
            f"{recovered}; the original log is backed up as {report.backup}"
        )
    else:
        print(f"the log is whole again; the original is backed up as {report.backup}")
    return 0
