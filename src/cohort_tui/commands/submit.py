"""``cohort submit``: hand in files or a git diff for peer review."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from cohort_tui.commands.context import acting_member, fail, open_replica

GIT_TIMEOUT = 30
"""Seconds ``git diff`` may take before we give up."""


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "submit",
        parents=[common],
        help="submit files or a git diff for peer review; prints the submission id",
    )
    p.add_argument("--lesson", metavar="LESSON", help="the lesson whose project this is")
    p.add_argument("--title", metavar="TITLE")
    p.add_argument("--message", metavar="TEXT", default="", help="a note for the reviewers")
    p.add_argument(
        "--diff",
        metavar="REV_RANGE",
        help="submit `git diff REV_RANGE` of the repository in the current directory",
    )
    p.add_argument("--revise", metavar="SUBMISSION", help="add a revision to one of my submissions")
    p.add_argument(
        "--solo",
        action="store_true",
        help="submit alone even when I am in a team for the lesson (default: as the team)",
    )
    p.add_argument("files", nargs="*", metavar="FILE", help="files to submit (text only)")
    p.set_defaults(run=run_submit)


def git_diff(rev_range: str, cwd: Path | None = None) -> bytes:
    """The output of ``git diff REV_RANGE`` in ``cwd`` (default: the current directory)."""
    import subprocess

    if not rev_range.strip() or rev_range.startswith("-"):
        fail(f"'{rev_range}' is not a revision range (try HEAD~1..HEAD)")
    argv = [
        "git",
        "-c",
        "core.quotepath=false",
        "diff",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        rev_range,
        "--",
    ]
    env = {**os.environ, "GIT_PAGER": "cat", "LC_ALL": "C"}
    try:
        done = subprocess.run(
            argv,
            cwd=cwd or Path.cwd(),
            capture_output=True,
            timeout=GIT_TIMEOUT,
            env=env,
            check=False,
        )
    except FileNotFoundError:
        fail("git is not installed, and --diff needs it")
    except subprocess.TimeoutExpired:
        fail(f"git diff {rev_range} took more than {GIT_TIMEOUT} s; gave up")
    if done.returncode != 0:
        err = done.stderr.decode("utf-8", "replace")
        if "not a git repository" in err.lower():
            fail(f"{cwd or Path.cwd()} is not in a git repository; run --diff inside one")
        first = next((ln for ln in err.splitlines() if ln.strip()), "no message")
        first = first.removeprefix("fatal: ").strip()
        fail(f"git diff {rev_range} failed: {first[:200]}")
    return done.stdout


def describe_range(rev_range: str, cwd: Path | None = None) -> str:
    """``REV_RANGE (abc123..def456)``: the range as given and the commits it named then,
    since ``HEAD~1`` means nothing to a reviewer later. Falls back to the range alone."""
    import subprocess

    try:
        done = subprocess.run(
            ["git", "rev-parse", "--revs-only", rev_range, "--"],
            cwd=cwd or Path.cwd(),
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
            text=True,
        )
    except (OSError, subprocess.TimeoutExpired):
        return rev_range
    revs = done.stdout.split() if done.returncode == 0 else []
    plus = [r[:10] for r in revs if not r.startswith("^")]
    minus = [r[1:11] for r in revs if r.startswith("^")]
    if len(plus) == 1 and len(minus) == 1:
        commits = f"{minus[0]}..{plus[0]}"
    elif len(plus) == 1 and not minus:
        commits = f"{plus[0]}..working tree"
    else:
        return rev_range
    described = f"{rev_range} ({commits})"
    return described if len(described) <= 200 else rev_range[:200]


def read_files(names: list[str]) -> list[tuple[str, bytes]]:
    """``(path as stored, bytes)`` for each file, paths relative to the current directory."""
    here = Path.cwd().resolve()
    out = []
    for name in names:
        path = Path(name)
        if not path.exists():
            fail(f"{name} does not exist")
        if path.is_dir():
            fail(f"{name} is a directory; name the files in it")
        try:
            content = path.read_bytes()
        except OSError as exc:
            fail(f"cannot read {name}: {exc.strerror}")
        try:
            stored = path.resolve().relative_to(here).as_posix()
        except ValueError:
            stored = path.name
        out.append((stored, content))
    return out


def run_submit(args: argparse.Namespace) -> int:
    import sys

    from cohort_tui.domain import submissions as subs
    from cohort_tui.domain.sanitize import clean_line
    from cohort_tui.domain.teams import team_of

    if args.diff is not None and args.files:
        fail("give --diff REV_RANGE or files, not both")
    if args.diff is None and not args.files:
        fail("nothing to submit: give files or --diff REV_RANGE")
    if args.revise is None and (not args.lesson or args.title is None):
        fail("a new submission needs --lesson LESSON and --title TITLE")
    replica = open_replica(args)
    me = acting_member(replica, args)
    state = replica.state
    if args.revise is not None:
        sub = state.submissions.get(args.revise)
        if sub is None:
            fail(f"no submission '{args.revise}' (see `cohort reviews`)")
        if me.id not in sub.authors:
            fail(
                f"only the author of {sub.id} may revise it"
                + (" (or its team)" if sub.team else "")
            )
        if args.lesson and args.lesson != sub.lesson:
            fail(f"{sub.id} is for lesson {sub.lesson}, not {args.lesson}")
    elif args.lesson not in state.lessons:
        fail(f"no lesson '{args.lesson}' (see `cohort lessons`)")
    team = None if args.revise or args.solo else team_of(state, me.id, args.lesson)
    if team is not None and team.submission is not None:
        fail(
            f"your team has submitted already ({team.submission}); "
            f"add a revision with --revise {team.submission}"
        )
    if args.diff is not None:
        raw = git_diff(args.diff)
        if not raw.strip():
            fail(f"git diff {args.diff} is empty: nothing changed in that range")
        diff_range = describe_range(args.diff)
        files: list[tuple[str, bytes]] = []
    else:
        raw, files, diff_range = b"", read_files(args.files), ""
    try:
        revision = subs.build_revision(
            files=files, diff=raw, diff_range=diff_range, message=args.message
        )
        data: Any = (
            subs.build_revise(submission=args.revise, revision=revision)
            if args.revise
            else subs.build_create(
                lesson=args.lesson,
                title=args.title,
                revision=revision,
                team=team.id if team is not None else None,
            )
        )
    except subs.SubmissionProblem as exc:
        fail(clean_line(str(exc)))  # it may quote file names from the disk or the diff
    if args.revise and args.title is not None:
        print("cohort: --title is kept from the first revision; ignored", file=sys.stderr)
    op = replica.write(data, author=me.id)
    for refusal in replica.state.refused:
        if refusal.op == op.id:
            fail(f"not allowed: {refusal.reason}")
    sub = replica.state.submissions[data.submission]
    reviewers = [
        "@" + clean_line(replica.state.members[a.reviewer].handle)
        for a in sub.assignments
        if a.active and a.reviewer in replica.state.members
    ]
    print(data.submission)
    if team is not None:
        print(f"cohort: submitted for team {clean_line(team.name)}", file=sys.stderr)
    print(
        "cohort: waiting on " + (", ".join(reviewers) if reviewers else "no reviewer yet"),
        file=sys.stderr,
    )
    return 0
