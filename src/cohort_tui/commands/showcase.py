"""``cohort showcase``: list, publish, thank, react to and feature showcase entries."""

from __future__ import annotations

import argparse
import json
from typing import Any

from cohort_tui.commands.context import acting_member, fail, open_replica


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("showcase", help="the cohort's showcase of approved projects")
    show_sub = p.add_subparsers(dest="showcase_command", metavar="ACTION", required=True)
    ls = show_sub.add_parser("list", parents=[common], help="every entry, featured first")
    ls.add_argument("--json", action="store_true", help="machine-readable output")
    ls.set_defaults(run=run_list)
    pub = show_sub.add_parser(
        "publish", parents=[common], help="publish an approved project's write-up"
    )
    pub.add_argument("submission", metavar="SUBMISSION")
    pub.add_argument("--title", required=True)
    pub.add_argument("--built", required=True, metavar="TEXT", help="what you built")
    pub.add_argument("--feedback", default="", metavar="TEXT", help="what feedback changed it")
    pub.set_defaults(run=run_publish)
    thank = show_sub.add_parser("thank", parents=[common], help="leave a line of thanks")
    thank.add_argument("entry", metavar="ENTRY")
    thank.add_argument("text", metavar="TEXT")
    thank.set_defaults(run=run_thank)
    react = show_sub.add_parser("react", parents=[common], help="react to an entry")
    react.add_argument("entry", metavar="ENTRY")
    react.add_argument("emoji", metavar="EMOJI")
    react.add_argument("--off", action="store_true", help="take the reaction back")
    react.set_defaults(run=run_react)
    feature = show_sub.add_parser("feature", parents=[common], help="feature an entry (staff)")
    feature.add_argument("entry", metavar="ENTRY")
    feature.add_argument("--off", action="store_true", help="stop featuring it")
    feature.set_defaults(run=run_feature)


def _write(replica: Any, data: Any, author: str) -> None:
    op = replica.write(data, author=author)
    for refusal in replica.state.refused:
        if refusal.op == op.id:
            fail(f"not allowed: {refusal.reason}")


def _entry(replica: Any, entry_id: str) -> None:
    if entry_id not in replica.state.showcase:
        fail(f"no showcase entry '{entry_id}' (see `cohort showcase list`)")


def run_list(args: argparse.Namespace) -> int:
    from cohort_tui.domain.sanitize import clean_line, truncate
    from cohort_tui.domain.showcase import ordered_entries, reaction_summary

    replica = open_replica(args)
    state = replica.state
    entries = ordered_entries(state)
    if args.json:
        rows = [
            {
                "id": e.id,
                "submission": e.submission,
                "lesson": e.lesson,
                "authors": e.authors,
                "title": e.title,
                "built": e.built,
                "feedback": e.feedback,
                "featured": e.featured,
                "published_at": e.published_at,
                "reactions": {emoji: len(who) for emoji, who in sorted(e.reactions.items())},
                "thanks": [{"author": t.author, "text": t.text, "at": t.at} for t in e.thanks],
            }
            for e in entries
        ]
        print(json.dumps(rows, indent=2))  # ASCII escapes: nothing raw reaches a terminal
        return 0
    for e in entries:
        star = "★" if e.featured else " "
        reactions = clean_line(reaction_summary(e))
        print(f"{star} {e.id:<30} {truncate(clean_line(e.title), 50):<50} {reactions}")
    if not entries:
        print("nothing on the showcase yet")
    return 0


def run_publish(args: argparse.Namespace) -> int:
    from cohort_tui.domain import showcase
    from cohort_tui.domain.clock import new_id
    from cohort_tui.domain.op_kinds import ShowcasePublish

    title, built = args.title.strip(), args.built.strip()
    if not 1 <= len(title) <= 120:
        fail("--title must be 1 to 120 characters")
    if not 1 <= len(built) <= 2_000 or len(args.feedback) > 2_000:
        fail("--built must be 1 to 2,000 characters, --feedback at most 2,000")
    replica = open_replica(args)
    me = acting_member(replica, args)
    sub = replica.state.submissions.get(args.submission)
    if sub is None:
        fail(f"no submission '{args.submission}' (see `cohort reviews`)")
    existing = showcase.entry_for(replica.state, sub.id)
    entry_id = existing.id if existing else new_id("sc")
    data = ShowcasePublish(
        entry=entry_id, submission=sub.id, title=title, built=built, feedback=args.feedback.strip()
    )
    _write(replica, data, me.id)
    print(entry_id)
    return 0


def run_thank(args: argparse.Namespace) -> int:
    from cohort_tui.domain.clock import new_id
    from cohort_tui.domain.op_kinds import THANKS_MAX_CHARS, ShowcaseThank

    text = " ".join(args.text.split())
    if not 1 <= len(text) <= THANKS_MAX_CHARS:
        fail(f"a thanks is 1 to {THANKS_MAX_CHARS} characters")
    replica = open_replica(args)
    me = acting_member(replica, args)
    _entry(replica, args.entry)
    _write(replica, ShowcaseThank(entry=args.entry, thanks=new_id("ty"), text=text), me.id)
    return 0


def run_react(args: argparse.Namespace) -> int:
    from cohort_tui.domain.op_kinds import ShowcaseReact

    if not 1 <= len(args.emoji) <= 16:
        fail("an emoji is 1 to 16 characters")
    replica = open_replica(args)
    me = acting_member(replica, args)
    _entry(replica, args.entry)
    _write(replica, ShowcaseReact(entry=args.entry, emoji=args.emoji, on=not args.off), me.id)
    return 0


def run_feature(args: argparse.Namespace) -> int:
    from cohort_tui.domain.op_kinds import ShowcaseFeature

    replica = open_replica(args)
    me = acting_member(replica, args)
    _entry(replica, args.entry)
    _write(replica, ShowcaseFeature(entry=args.entry, featured=not args.off), me.id)
    return 0
