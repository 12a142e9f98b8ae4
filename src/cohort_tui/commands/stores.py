"""``cohort demo``, ``cohort init`` and ``cohort repair``: making and mending stores."""

from __future__ import annotations

import argparse
import re
import shutil
import time
from pathlib import Path
from typing import Any

from cohort_tui.commands.context import fail


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
    p.set_defaults(run=run_repair)


def run_demo(args: argparse.Namespace) -> int:
    from cohort_tui.demo.seed import write_demo_store

    root = Path(args.dir).expanduser()
    replica = write_demo_store(root)
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
    from cohort_tui.store.workspace import create_store

    handle = args.handle.removeprefix("@")
    if not re.fullmatch(r"[a-z0-9][a-z0-9_\-]{0,31}", handle):
        fail(f"handle '{args.handle}' must be 1-32 lowercase letters, digits, '-' or '_'", 2)
    if not args.name.strip():
        fail("--name must not be empty", 2)
    root = Path(args.dir).expanduser()
    parsed = None
    if args.curriculum:
        from cohort_tui.commands.curriculum_io import load_curriculum_dir

        parsed = load_curriculum_dir(Path(args.curriculum))  # validate before writing
    cohort_id = new_id("c")
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


def run_repair(args: argparse.Namespace) -> int:
    from cohort_tui.paths import resolve_store
    from cohort_tui.store.log import OpLog
    from cohort_tui.store.snapshot import LEGACY_SNAPSHOT_NAME, SNAPSHOT_NAME
    from cohort_tui.store.workspace import read_config

    root, _ = resolve_store(getattr(args, "store", None))
    read_config(root)
    log = OpLog(root)
    with log.locked():
        damaged = log.scan_damage()
        if not damaged:
            print(f"{log.path}: no damaged lines; nothing to do")
            return 0
        backup = log.path.with_name(f"ops.jsonl.bak-{int(time.time())}")
        shutil.copy2(log.path, backup)
        bad = {d.number for d in damaged}
        rejected = log.path.with_name("ops.rejected.jsonl")
        tmp = log.path.with_name(".ops.jsonl.repair")
        with log.path.open("rb") as src, tmp.open("wb") as good, rejected.open("ab") as aside:
            for number, raw in enumerate(src, start=1):
                (aside if number in bad else good).write(
                    raw if raw.endswith(b"\n") else raw + b"\n"
                )
        tmp.replace(log.path)
        for name in (SNAPSHOT_NAME, LEGACY_SNAPSHOT_NAME):
            (root / name).unlink(missing_ok=True)
    for d in damaged:
        print(f"line {d.number}: {d.reason}")
    print(
        f"set {len(damaged)} damaged line(s) aside in {rejected}; "
        f"the original log is backed up as {backup}"
    )
    return 0
