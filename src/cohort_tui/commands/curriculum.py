"""``cohort curriculum import``, ``cohort lessons``, ``cohort progress``, ``cohort check``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from cohort_tui.commands.context import acting_member, fail, open_replica
from cohort_tui.commands.progress import ProgressBar, wanted


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("curriculum", help="manage the cohort's curriculum")
    cur = p.add_subparsers(dest="curriculum_command", metavar="ACTION", required=True)
    imp = cur.add_parser(
        "import",
        parents=[common],
        help="validate a curriculum folder and bring the cohort in line with it",
    )
    imp.add_argument("dir", metavar="DIR")
    imp.add_argument("--quiet", action="store_true", help="no progress bar")
    imp.set_defaults(run=run_import)

    p = sub.add_parser("lessons", parents=[common], help="the lessons, with my state")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(run=run_lessons)

    p = sub.add_parser("progress", parents=[common], help="set my progress on a lesson")
    p.add_argument("lesson", metavar="LESSON")
    p.add_argument("--status", required=True, choices=("todo", "doing", "done"))
    p.set_defaults(run=run_progress)

    p = sub.add_parser(
        "check", parents=[common], help="run a lesson's check in this folder (exit code = result)"
    )
    p.add_argument("lesson", metavar="LESSON", nargs="?", help="default: the lesson I am on")
    p.set_defaults(run=run_check)


def run_import(args: argparse.Namespace) -> int:
    from cohort_tui.domain.curriculum import curriculum_changes
    from cohort_tui.store.curriculum_files import load_curriculum_dir

    with ProgressBar(wanted(args.quiet)) as progress:
        progress("checking the curriculum", 0, 0)
        parsed = load_curriculum_dir(Path(args.dir))  # validates everything before any write
        progress("opening the store", 0, 0)
        replica = open_replica(args)
        me = acting_member(replica, args)
        if not replica.state.has_role(me.id, "facilitator", "curator"):
            fail(f"@{me.handle} is not a facilitator or curator; only they can import a curriculum")
        changes = curriculum_changes(replica.state, parsed)
        if not changes:
            print("the curriculum is already up to date; nothing written")
            return 0
        progress(f"writing {len(changes)} change(s)", 0, 0)
        replica.write_many(changes, author=me.id)
    kinds: dict[str, int] = {}
    archived = 0
    for data in changes:
        kinds[data.KIND] = kinds.get(data.KIND, 0) + 1
        archived += bool(getattr(data, "archived", False))
    summary = ", ".join(f"{n} {kind.split('.')[0]}(s)" for kind, n in sorted(kinds.items()))
    print(f"imported: {summary} updated" + (f"; {archived} archived" if archived else ""))
    return 0


def run_lessons(args: argparse.Namespace) -> int:
    from cohort_tui.domain import queries as q
    from cohort_tui.domain.sanitize import clean_line

    replica = open_replica(args)
    me = acting_member(replica, args)
    state = replica.state
    peers = q.lesson_peers(state)
    rows: list[dict[str, Any]] = []
    for module, lessons in q.curriculum_outline(state):
        for lesson in lessons:
            p = peers[lesson.id]
            rows.append(
                {
                    "id": lesson.id,
                    "module": module.id,
                    "title": lesson.title,
                    "state": q.lesson_state(state, me.id, lesson),
                    "minutes": lesson.minutes,
                    "prerequisites": lesson.prerequisites,
                    "has_check": lesson.check is not None,
                    "has_project": lesson.project is not None,
                    "peers_done": p.done,
                    "learners": p.total,
                }
            )
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    glyphs = {"done": "✓", "doing": "▸", "open": "○", "locked": "⊘"}
    current = ""
    for row in rows:
        if row["module"] != current:
            current = row["module"]
            print(clean_line(state.modules[current].title))
        extra = " [check]" if row["has_check"] else " [project]" if row["has_project"] else ""
        print(
            f"  {glyphs[row['state']]} {row['state']:<6} {row['id']:<28} "
            f"{clean_line(row['title'])}{extra}  ({row['peers_done']}/{row['learners']})"
        )
    return 0


def _lesson(replica: Any, lesson_id: str) -> Any:
    lesson = replica.state.lessons.get(lesson_id)
    if lesson is None or lesson.archived:
        fail(f"no lesson '{lesson_id}' (see `cohort lessons`)")
    return lesson


def run_progress(args: argparse.Namespace) -> int:
    from cohort_tui.domain.op_kinds import ProgressSet

    replica = open_replica(args)
    me = acting_member(replica, args)
    lesson = _lesson(replica, args.lesson)
    replica.write(ProgressSet(lesson=lesson.id, status=args.status), author=me.id)
    print(f"{lesson.id}: {args.status}")
    return 0


def run_check(args: argparse.Namespace) -> int:
    from cohort_tui.checks import CheckRun
    from cohort_tui.domain import queries as q
    from cohort_tui.domain.op_kinds import CheckRun as CheckRunOp
    from cohort_tui.domain.op_kinds import ProgressSet
    from cohort_tui.domain.sanitize import clean_line

    replica = open_replica(args)
    me = acting_member(replica, args)
    if args.lesson:
        lesson = _lesson(replica, args.lesson)
    else:
        lesson = q.next_lesson(replica.state, me.id)
        if lesson is None:
            fail("no lesson in progress or open; name one: cohort check LESSON")
    if lesson.check is None:
        fail(f"lesson '{lesson.id}' has no check")
    print(f"checking {lesson.id} in {Path.cwd()} …", file=sys.stderr)
    outcome = CheckRun(
        lesson.check, Path.cwd(), on_line=lambda line: print(clean_line(line), flush=True)
    ).run()
    ops: list[Any] = [
        CheckRunOp(lesson=lesson.id, passed=outcome.passed, summary=outcome.summary())
    ]
    current = replica.state.progress.get(me.id, {}).get(lesson.id)
    if outcome.passed and (current is None or current.status != "done"):
        ops.append(ProgressSet(lesson=lesson.id, status="done"))
    replica.write_many(ops, author=me.id)
    print(
        f"{lesson.id}: {outcome.summary()}" + ("; marked done" if len(ops) > 1 else ""),
        file=sys.stderr,
    )
    return 0 if outcome.passed else 1
