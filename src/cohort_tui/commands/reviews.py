"""``cohort reviews`` (my inbox) and ``cohort review`` (submit, claim, release)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from cohort_tui.commands.context import acting_member, fail, now_ms, open_replica
from cohort_tui.domain.model import Member, Review, State, Submission
from cohort_tui.store.workspace import Replica

HOUR_MS = 3_600_000


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "reviews",
        parents=[common],
        help="my review inbox: to review, my submissions, done",
        description="My review inbox. When a facilitator or mentor runs it (or an author, "
        "for their own submissions), assignments that went stale are reassigned first.",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--no-reassign", action="store_true", help="do not reassign stale assignments")
    p.set_defaults(run=run_reviews)

    p = sub.add_parser(
        "review",
        parents=[common],
        help="review a submission (or claim / release one)",
        usage="cohort review SUBMISSION --verdict approve|changes [--score CRITERION=LEVEL]... "
        "[--comment TEXT] [--line FILE:LINE=TEXT]...\n"
        "       cohort review claim SUBMISSION\n"
        "       cohort review release SUBMISSION",
    )
    p.add_argument("words", nargs="+", metavar="[claim|release] SUBMISSION")
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
    p.set_defaults(run=run_review)


# -- helpers -----------------------------------------------------------------------------


def _handle(state: State, member_id: str) -> str:
    from cohort_tui.domain.sanitize import clean_line

    member = state.members.get(member_id)
    return "@" + clean_line(member.handle) if member else member_id


def _age(ms: int) -> str:
    hours = max(0, ms) // HOUR_MS
    return f"{hours}h" if hours < 48 else f"{hours // 24}d {hours % 24}h"


def _when(ms: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ms / 1000))


def _submission(state: State, sub_id: str) -> Submission:
    sub = state.submissions.get(sub_id)
    if sub is None:
        fail(f"no submission '{sub_id}' (see `cohort reviews`)")
    return sub


def _write(replica: Replica, data: Any, me: Member) -> None:
    op = replica.write(data, author=me.id)
    for refusal in replica.state.refused:
        if refusal.op == op.id:
            fail(f"not allowed: {refusal.reason}")


def _review_row(state: State, review: Review) -> dict[str, Any]:
    return {
        "review": review.id,
        "revision": review.revision,
        "reviewer": review.reviewer,
        "reviewer_handle": state.members[review.reviewer].handle
        if review.reviewer in state.members
        else None,
        "verdict": review.verdict,
        "scores": review.scores,
        "comment": review.comment,
        "lines": [
            {"id": c.id, "path": c.path, "line": c.line, "body": c.body} for c in review.lines
        ],
        "submitted_at": review.submitted_at,
        "helpful": review.helpful,
    }


# -- cohort reviews -----------------------------------------------------------------------


def reassign_stale(replica: Replica, me: Member, now: int) -> list[dict[str, str]]:
    """Write the reassignments ``me`` may make; returns what was handed on."""
    from cohort_tui.domain.review_upkeep import stale_for

    ops = stale_for(replica.state, me.id, now)
    if not ops:
        return []
    written = replica.write_many(list(ops), author=me.id)
    refused = {r.op for r in replica.state.refused}
    return [
        {"submission": data.submission, "reviewer": data.reviewer}
        for op, data in zip(written, ops, strict=True)
        if op.id not in refused
    ]


def inbox(state: State, member: str, now: int) -> dict[str, Any]:
    """The inbox as plain data (what ``--json`` prints)."""
    from cohort_tui.domain import queries as q

    target = (state.cohort.response_target_hours if state.cohort else 48) * HOUR_MS
    to_review = []
    for task in q.reviews_waiting(state, member):
        sub = task.submission
        to_review.append(
            {
                "submission": sub.id,
                "title": sub.title,
                "lesson": sub.lesson,
                "author": sub.author,
                "author_handle": state.members[sub.author].handle
                if sub.author in state.members
                else None,
                "revision": sub.revisions[-1].id,
                "assigned_at": task.assigned_at,
                "waiting_ms": max(0, now - task.assigned_at),
                "overdue": now - task.assigned_at > target,
                "claimed_until": task.claimed_until,
                "claimed": task.claimed_until is not None and task.claimed_until > now,
            }
        )
    mine = []
    for sub in q.my_submissions(state, member):
        mine.append(
            {
                "submission": sub.id,
                "title": sub.title,
                "lesson": sub.lesson,
                "status": q.submission_status(state, sub),
                "created_at": sub.created_at,
                "revisions": len(sub.revisions),
                "revision": sub.revisions[-1].id,
                "waiting_on": sorted(a.reviewer for a in sub.assignments if a.active),
                "reviews": [_review_row(state, r) for r in q.latest_reviews(state, sub)],
            }
        )
    done = []
    for review in sorted(state.reviews.values(), key=lambda r: (-r.submitted_at, r.id)):
        if review.reviewer != member or review.calibration:
            continue
        done_sub = state.submissions.get(review.submission)
        done.append(
            {
                "review": review.id,
                "submission": review.submission,
                "title": done_sub.title if done_sub else "",
                "verdict": review.verdict,
                "revision": review.revision,
                "revision_number": next(
                    (n for n, r in enumerate(done_sub.revisions, 1) if r.id == review.revision), 0
                )
                if done_sub
                else 0,
                "submitted_at": review.submitted_at,
                "response_ms": review.submitted_at - review.assigned_at
                if review.assigned_at is not None
                else None,
                "status": q.submission_status(state, done_sub) if done_sub else None,
            }
        )
    return {
        "member": member,
        "response_target_hours": target // HOUR_MS,
        "to_review": to_review,
        "my_submissions": mine,
        "done": done,
    }


def run_reviews(args: argparse.Namespace) -> int:
    from cohort_tui.domain.sanitize import clean_line, truncate

    replica = open_replica(args)
    me = acting_member(replica, args)
    now = now_ms()
    reassigned = [] if args.no_reassign else reassign_stale(replica, me, now)
    state = replica.state
    data = inbox(state, me.id, now)
    if args.json:
        data["reassigned"] = reassigned
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    if reassigned:
        print(f"cohort: reassigned {len(reassigned)} stale review assignment(s)", file=sys.stderr)

    def title(text: str) -> str:
        return truncate(clean_line(text), 40)

    print(f"To review ({len(data['to_review'])})")
    for row in data["to_review"]:
        flags = []
        if row["claimed"]:
            flags.append(f"claimed until {_when(row['claimed_until'])}")
        if row["overdue"]:
            flags.append("overdue")
        print(
            f"  {row['submission']:<30} {title(row['title']):<40} "
            f"by {_handle(state, row['author']):<12} waiting {_age(row['waiting_ms']):>7}"
            + (f"  {', '.join(flags)}" if flags else "")
        )
    status_words = {"awaiting": "awaiting review", "changes": "changes requested"}
    print(f"\nMy submissions ({len(data['my_submissions'])})")
    for row in data["my_submissions"]:
        verdicts = ", ".join(
            f"{_handle(state, r['reviewer'])} {r['verdict']}" for r in row["reviews"]
        )
        print(
            f"  {row['submission']:<30} {title(row['title']):<40} "
            f"{status_words.get(row['status'], row['status']):<18} rev {row['revisions']}"
            + (f"  ({verdicts})" if verdicts else "")
        )
    print(f"\nDone ({len(data['done'])})")
    for row in data["done"]:
        print(
            f"  {row['submission']:<30} {title(row['title']):<40} "
            f"{row['verdict']:<8} rev {row['revision_number']}  {_when(row['submitted_at'])}"
        )
    return 0


# -- cohort review ------------------------------------------------------------------------


def run_review(args: argparse.Namespace) -> int:
    words: list[str] = args.words
    if words[0] in ("claim", "release"):
        if len(words) != 2:
            fail(f"usage: cohort review {words[0]} SUBMISSION", 2)
        if args.verdict or args.score or args.comment or args.line:
            fail(f"review {words[0]} takes only a submission", 2)
        return _claim(args, words[1]) if words[0] == "claim" else _release(args, words[1])
    if len(words) != 1:
        fail(f"'{words[0]}' is not claim or release; to review: cohort review SUBMISSION", 2)
    if args.verdict is None:
        fail("give --verdict approve or --verdict changes", 2)
    return _submit_review(args, words[0])


def _submit_review(args: argparse.Namespace, sub_id: str) -> int:
    from cohort_tui.domain.clock import new_id
    from cohort_tui.domain.op_kinds import Body, ReviewSubmit
    from cohort_tui.domain.reduce import active_assignment
    from cohort_tui.domain.review_input import ReviewProblem, parse_line_comments, parse_scores

    replica = open_replica(args)
    me = acting_member(replica, args)
    state = replica.state
    sub = _submission(state, sub_id)
    if sub.author == me.id:
        fail("you cannot review your own submission")
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
        fail(str(exc))
    if len(lines) > 500:
        fail("at most 500 line comments in one review")
    review_id = new_id("v")
    _write(
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
    sub = _submission(replica.state, sub_id)
    if sub.author == me.id:
        fail("you cannot review your own submission")
    if active_assignment(replica.state, sub, me.id) is None and not replica.state.has_role(
        me.id, "reviewer", "mentor", "facilitator"
    ):
        fail("only assigned reviewers, or members with a review role, may claim")
    _write(replica, ReviewClaim(submission=sub.id), me)
    mine = active_assignment(replica.state, replica.state.submissions[sub.id], me.id)
    until = mine.claimed_until if mine and mine.claimed_until else now_ms()
    print(f"claimed {sub.id} until {_when(until)}")
    return 0


def _release(args: argparse.Namespace, sub_id: str) -> int:
    from cohort_tui.domain.op_kinds import ReviewRelease
    from cohort_tui.domain.reduce import active_assignment

    replica = open_replica(args)
    me = acting_member(replica, args)
    sub = _submission(replica.state, sub_id)
    if active_assignment(replica.state, sub, me.id) is None:
        fail(f"you have no open assignment on {sub.id}")
    before = len(sub.assignments)
    _write(replica, ReviewRelease(submission=sub.id), me)
    after = replica.state.submissions[sub.id].assignments
    handed = [_handle(replica.state, a.reviewer) for a in after[before:]]
    print(
        f"released {sub.id}; "
        + (f"now with {', '.join(handed)}" if handed else "no other reviewer was free")
    )
    return 0
