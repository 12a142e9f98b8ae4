"""``cohort reviews``: my review inbox (and the stale-assignment upkeep)."""

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


# -- helpers -----------------------------------------------------------------------------


def handle_of(state: State, member_id: str) -> str:
    """``@handle`` of a member, sanitised for the terminal."""
    from cohort_tui.domain.sanitize import clean_line

    member = state.members.get(member_id)
    return "@" + clean_line(member.handle) if member else member_id


def _age(ms: int) -> str:
    hours = max(0, ms) // HOUR_MS
    return f"{hours}h" if hours < 48 else f"{hours // 24}d {hours % 24}h"


def when(ms: int) -> str:
    """A local date and time."""
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ms / 1000))


def find_submission(state: State, sub_id: str) -> Submission:
    sub = state.submissions.get(sub_id)
    if sub is None:
        fail(f"no submission '{sub_id}' (see `cohort reviews`)")
    return sub


def write_checked(replica: Replica, data: Any, me: Member) -> None:
    """Write one op; a refusal by the fold becomes a one-line error."""
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
                "team": sub.team,
                "authors": list(sub.authors),
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
                "team": sub.team,
                "authors": list(sub.authors),
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

    # Two lines per item (id and facts, then the title) so the inbox fits 80 columns.
    def item(sub_id: str, facts: list[str], title: str) -> None:
        print(f"  {sub_id}  " + " · ".join(facts))
        print(f"    {truncate(clean_line(title), 74)}")

    print(f"To review ({len(data['to_review'])})")
    for row in data["to_review"]:
        facts = [f"by {handle_of(state, row['author'])}", f"waiting {_age(row['waiting_ms'])}"]
        if row["claimed"]:
            until = time.strftime("%m-%d %H:%M", time.localtime(row["claimed_until"] / 1000))
            facts.append(f"claimed until {until}")
        if row["overdue"]:
            facts.append("overdue")
        item(row["submission"], facts, row["title"])
    status_words = {"awaiting": "awaiting review", "changes": "changes requested"}
    print(f"\nMy submissions ({len(data['my_submissions'])})")
    for row in data["my_submissions"]:
        facts = [status_words.get(row["status"], row["status"]), f"rev {row['revisions']}"]
        facts += [f"{handle_of(state, r['reviewer'])} {r['verdict']}" for r in row["reviews"]]
        item(row["submission"], facts, row["title"])
    print(f"\nDone ({len(data['done'])})")
    for row in data["done"]:
        facts = [row["verdict"], f"rev {row['revision_number']}", when(row["submitted_at"])]
        item(row["submission"], facts, row["title"])
    return 0
