"""``cohort ops export`` and ``cohort ops import``: the raw op log in and out."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cohort_tui.commands.context import fail, open_replica
from cohort_tui.commands.progress import ProgressBar, wanted


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("ops", help="the op log as JSONL: export or import")
    ops_sub = p.add_subparsers(dest="ops_command", metavar="ACTION", required=True)
    e = ops_sub.add_parser("export", parents=[common], help="print the op log as JSONL")
    e.set_defaults(run=run_export)
    i = ops_sub.add_parser(
        "import", parents=[common], help="validate then append ops from FILE (or - for stdin)"
    )
    i.add_argument("file", metavar="FILE|-")
    i.add_argument("--quiet", action="store_true", help="no progress bar")
    i.set_defaults(run=run_import)


def run_export(args: argparse.Namespace) -> int:
    replica = open_replica(args)
    out = sys.stdout.buffer
    with replica.log.path.open("rb") as f:
        for raw in f:
            if raw.endswith(b"\n") and raw.strip():
                out.write(raw)
    out.flush()
    return 0


def run_import(args: argparse.Namespace) -> int:
    from cohort_tui.domain.ops import OpError, decode_op
    from cohort_tui.domain.reduce import ID_TAKEN

    try:
        data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except FileNotFoundError:
        fail(f"{args.file} does not exist")
    except IsADirectoryError:
        fail(f"{args.file} is a directory, not a JSONL file")
    except OSError as exc:
        fail(f"cannot read {args.file}: {exc.strerror}")
    with ProgressBar(wanted(args.quiet)) as progress:
        lines = data.splitlines()
        ops = []
        for number, raw in enumerate(lines, start=1):
            if number % 2000 == 0:
                progress("checking ops", number, len(lines))
            if not raw.strip():
                continue
            try:
                ops.append(decode_op(raw))
            except OpError as exc:
                fail(f"{args.file}, line {number}: {exc}; nothing was imported")
        progress("opening the store", 0, 0)
        replica = open_replica(args)
        if (
            ops
            and replica.state.cohort
            and any(
                op.kind == "cohort.create" and op.data.cohort != replica.state.cohort.id
                for op in ops
            )
        ):
            fail("these ops belong to another cohort; nothing was imported")
        before = len(replica.state.refused)
        progress(f"importing {len(ops)} op(s)", 0, 0)
        result = replica.import_ops(ops)
    by_rules = sum(1 for r in replica.state.refused[before:] if r.reason != ID_TAKEN)
    parts = [f"imported {result.added} op(s)", f"{result.duplicates} already present"]
    if result.conflicts:
        parts.append(f"{len(result.conflicts)} conflict(s) (known id, other content)")
    if result.refused:
        parts.append(f"{len(result.refused)} refused and not stored")
    parts.append(f"{by_rules} refused by role rules (kept in the log)")
    print(", ".join(parts))
    # One line per op that was not simply taken, with its reason, on stderr like
    # `cohort sync`'s. Op ids are safe to print: the op schema limits their characters.
    for op_id, reason in result.conflicts.items():
        print(f"  conflict {op_id}: {reason}", file=sys.stderr)
    for op_id, reason in result.refused.items():
        print(f"  refused {op_id}: {reason}", file=sys.stderr)
    return 0
