"""``cohort review``: review a submission, or claim or release a review."""

from __future__ import annotations

import argparse
from typing import Any

from cohort_tui.commands.context import acting_member, fail, now_ms, open_replica
from cohort_tui.commands.reviews import find_submission, handle_of, when, write_checked


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "review",
        parents=[common],
        help="review a submission (or claim / release one)",
        usage="cohort review SUBMISSION --verdict approve|changes [--score CRITERION=LEVEL]... "
        "[--comment TEXT] [--line FILE:LINE=TEXT]...\n"
        "       cohort review show SUBMISSION [--revision N] [--changes]\n"
        "       cohort review claim SUBMISSION\n"
        "       cohort review release SUBMISSION",
    )
    p.add_argument("words", nargs="+", metavar="[show|claim|release] SUBMISSION")
    p.add_argument("--verdict", choices=("approve", "changes"))
    p.add_argument(
        "--score",
        action="append",
        default=[],
        metavar="CRITERION=LEVEL",
        help="a rubric score; LEVEL is a level's label or number",
    )
    p.add_argument("--comment", metavar="TEXT", default="", help="the general comment")
    p.add_argument(
        "--line",
        action="append",
        default=[],
        metavar="FILE:LINE=TEXT",
        help="a comment on one line of the latest revision",
    )
    p.add_argument(
        "--revision",
        type=int,
        metavar="N",
        help="show: revision N (1 is the first; default: latest)",
    )
    p.add_argument(
        "--changes", action="store_true", help="show: what changed since the previous revision"
    )
    p.set_defaults(run=run_review)


def run_review(args: argparse.Namespace) -> int:
    words: list[str] = args.words
    if words[0] in ("show", "claim", "release"):
        if len(words) != 2:
            fail(f"usage: cohort review {words[0]} SUBMISSION", 2)
        if args.verdict or args.score or args.comment or args.line:
            fail(f"review {words[0]} takes no --verdict, --score, --comment or --line", 2)
        if words[0] == "show":
            return _show(args, words[1])
        if args.revision is not None or args.changes:
            fail(f"review {words[0]} takes only a submission", 2)
        return _claim(args, words[1]) if words[0] == "claim" else _release(args, words[1])
    if len(words) != 1:
        fail(f"'{words[0]}' is not show, claim or release; to review: cohort review SUBMISSION", 2)
    if args.revision is not None or args.changes:
        fail("--revision and --changes go with `cohort review show`", 2)
    if args.verdict is None:
        fail("give --verdict approve or --verdict changes", 2)
    return _submit_review(args, words[0])


def _submit_review(args: argparse.Namespace, sub_id: str) -> int:
    from cohort_tui.domain.clock import new_id
    from cohort_tui.domain.op_kinds import Body, ReviewSubmit
    from cohort_tui.domain.reduce import active_assignment
    from cohort_tui.domain.review_input import ReviewProblem, parse_line_comments, parse_scores
    from cohort_tui.domain.sanitize import clean_line

    replica = open_replica(args)
    me = acting_member(replica, args)
    state = replica.state
    sub = find_submission(state, sub_id)
    if me.id == sub.author or me.id in sub.authors:
        fail("you cannot review your own submission" + (" (your team's)" if sub.team else ""))
    assigned = active_assignment(state, sub, me.id) is not None
    if not assigned and not state.has_role(me.id, "mentor", "facilitator"):
        hint = (
            f"; claim it first with `cohort review claim {sub.id}`"
            if state.has_role(me.id, "reviewer")
            else ""
        )
        fail(f"you are not assigned to review {sub.id}{hint}")
    limit = Body.__metadata__[0].max_length  # type: ignore[attr-defined]
    if len(args.comment) > limit:
        fail(f"the comment is {len(args.comment):,} characters; the limit is {limit:,}")
    try:
        scores = parse_scores(state, sub, args.score)
        lines = parse_line_comments(sub, args.line)
    except ReviewProblem as exc:
        fail(clean_line(str(exc)))  # it may quote file names a member chose
    if len(lines) > 500:
        fail("at most 500 line comments in one review")
    review_id = new_id("v")
    write_checked(
        replica,
        ReviewSubmit(
            review=review_id,
            submission=sub.id,
            revision=sub.revisions[-1].id,
            verdict=args.verdict,
            scores=scores,
            comment=args.comment.strip(),
            lines=lines,
        ),
        me,
    )
    print(review_id)
    return 0


def _claim(args: argparse.Namespace, sub_id: str) -> int:
    from cohort_tui.domain.op_kinds import ReviewClaim
    from cohort_tui.domain.reduce import active_assignment

    replica = open_replica(args)
    me = acting_member(replica, args)
    sub = find_submission(replica.state, sub_id)
    if me.id == sub.author or me.id in sub.authors:
        fail("you cannot review your own submission" + (" (your team's)" if sub.team else ""))
    if active_assignment(replica.state, sub, me.id) is None and not replica.state.has_role(
        me.id, "reviewer", "mentor", "facilitator"
    ):
        fail("only assigned reviewers, or members with a review role, may claim")
    write_checked(replica, ReviewClaim(submission=sub.id), me)
    mine = active_assignment(replica.state, replica.state.submissions[sub.id], me.id)
    until = mine.claimed_until if mine and mine.claimed_until else now_ms()
    print(f"claimed {sub.id} until {when(until)}")
    return 0


def _release(args: argparse.Namespace, sub_id: str) -> int:
    from cohort_tui.domain.op_kinds import ReviewRelease
    from cohort_tui.domain.reduce import active_assignment

    replica = open_replica(args)
    me = acting_member(replica, args)
    sub = find_submission(replica.state, sub_id)
    if active_assignment(replica.state, sub, me.id) is None:
        fail(f"you have no open assignment on {sub.id}")
    before = len(sub.assignments)
    write_checked(replica, ReviewRelease(submission=sub.id), me)
    after = replica.state.submissions[sub.id].assignments
    handed = [handle_of(replica.state, a.reviewer) for a in after[before:]]
    print(
        f"released {sub.id}; "
        + (f"now with {', '.join(handed)}" if handed else "no other reviewer was free")
    )
    return 0


def _show(args: argparse.Namespace, sub_id: str) -> int:
    from cohort_tui.commands.review_show import render_submission

    replica = open_replica(args)
    acting_member(replica, args)
    sub = find_submission(replica.state, sub_id)
    count = len(sub.revisions)
    number = count if args.revision is None else args.revision
    if not 1 <= number <= count:
        fail(f"{sub.id} has {count} revision(s); --revision takes 1 to {count}")
    for line in render_submission(replica.state, sub, number - 1, changes=args.changes):
        print(line)
    return 0
