"""``cohort status``: what needs me, as text, JSON or one tmux status-bar line."""

from __future__ import annotations

import argparse
import json
from typing import Any

from cohort_tui.commands.context import acting_member, now_ms, open_replica, store_path


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "status",
        parents=[common],
        help="my progress, next milestone, reviews waiting, unread threads",
    )
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="machine-readable output")
    fmt.add_argument("--tmux", action="store_true", help="one short line for a tmux status bar")
    p.set_defaults(run=run_status)


def run_status(args: argparse.Namespace) -> int:
    if args.tmux:
        return _tmux_line(args)
    from cohort_tui.domain.sanitize import clean_line
    from cohort_tui.domain.today import relative_due, today

    replica = open_replica(args)
    me = acting_member(replica, args)
    state, now = replica.state, now_ms()
    t = today(state, me.id, now)
    unread_total = t.unread_total
    if args.json:
        print(
            json.dumps(
                {
                    "member": {"id": me.id, "handle": me.handle},
                    "progress": {
                        "done": t.lessons_done,
                        "total": t.lessons_total,
                        "cohort_median": round(t.cohort_median, 4),
                    },
                    "streak_days": t.streak,
                    "next_lesson": t.next_lesson.id if t.next_lesson else None,
                    "next_milestone": (
                        {
                            "id": t.next_milestone.id,
                            "title": t.next_milestone.title,
                            "due": t.milestone_due,
                        }
                        if t.next_milestone
                        else None
                    ),
                    "reviews_waiting": [r.submission.id for r in t.reviews_waiting],
                    "unread_threads": [{"thread": tid, "unread": n} for tid, n in t.unread],
                    "mentions": len(t.mentions),
                },
                indent=2,
            )
        )
        return 0
    cohort = state.cohort.name if state.cohort else "?"
    print(f"{clean_line(cohort)} · @{me.handle}")
    print(
        f"progress   {t.lessons_done}/{t.lessons_total} lessons "
        f"(cohort median {round(t.cohort_median * t.lessons_total)}), streak {t.streak}d"
    )
    if t.next_lesson:
        print(f"next       {clean_line(t.next_lesson.title)} [{t.next_lesson.id}]")
    if t.next_milestone and t.milestone_due is not None:
        print(
            f"milestone  {clean_line(t.next_milestone.title)} "
            f"({relative_due(t.milestone_due, now)})"
        )
    print(f"reviews    {len(t.reviews_waiting)} waiting on me")
    print(
        f"unread     {unread_total} post(s) in {len(t.unread)} thread(s), "
        f"{len(t.mentions)} mention(s)"
    )
    return 0


def _tmux_line(args: argparse.Namespace) -> int:
    """One line for a tmux status bar, reused while the log and the minute are the same
    (a status bar asks every few seconds; see :mod:`cohort_tui.store.status_cache`)."""
    import os

    from cohort_tui.store.status_cache import StatusLineCache

    now = now_ms()
    who = getattr(args, "as_member", None) or os.environ.get("COHORT_AS") or ""
    cache = StatusLineCache(store_path(args), who, now)
    line = cache.get()
    if line is None:
        line = _make_tmux_line(args, now)
        cache.put(line)
    print(line)
    return 0


def _make_tmux_line(args: argparse.Namespace, now: int) -> str:
    from cohort_tui.domain.sanitize import clean_line, truncate
    from cohort_tui.domain.today import relative_due, today

    replica = open_replica(args)
    me = acting_member(replica, args)
    t = today(replica.state, me.id, now)
    parts = [f"{t.lessons_done}/{t.lessons_total}"]
    if t.next_milestone and t.milestone_due is not None:
        parts.append(
            f"{truncate(clean_line(t.next_milestone.title), 18)} "
            f"{relative_due(t.milestone_due, now)}"
        )
    if t.reviews_waiting:
        parts.append(f"{len(t.reviews_waiting)} to review")
    unread_total = t.unread_total
    if unread_total:
        parts.append(f"{unread_total} unread")
    if t.mentions:
        parts.append(f"{len(t.mentions)} @")
    return " | ".join(parts)
