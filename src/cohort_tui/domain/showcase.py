"""The showcase: write-ups of approved projects, and who may publish them.

Pure. An entry belongs to one submission; its authors publish and edit it once a
reviewer of the latest revision approved it. Featured entries come first, then the
newest; the order is the same on every replica (ties broken by id).
"""

from __future__ import annotations

from cohort_tui.domain import queries as q
from cohort_tui.domain.model import ShowcaseEntry, State, Submission

REACTIONS = ("👏", "🎉", "💡", "❤")
"""The reactions the app offers (any short emoji folds)."""


def submission_authors(state: State, sub: Submission) -> list[str]:
    """Who counts as an author of ``sub``: its submitter, and its team when it has one."""
    return sorted({sub.author, *sub.authors})


def entry_for(state: State, submission: str) -> ShowcaseEntry | None:
    """The showcase entry of a submission, if it was published."""
    for entry in state.showcase.values():
        if entry.submission == submission:
            return entry
    return None


def publishable(state: State, member: str) -> list[Submission]:
    """My approved submissions with no showcase entry yet, newest first."""
    published = {entry.submission for entry in state.showcase.values()}
    subs = [
        sub
        for sub in state.submissions.values()
        if sub.id not in published
        and member in submission_authors(state, sub)
        and q.submission_status(state, sub) == "approved"
    ]
    subs.sort(key=lambda s: (-s.created_at, s.id))
    return subs


def ordered_entries(state: State) -> list[ShowcaseEntry]:
    """Every entry: featured first, then newest published first."""
    return sorted(state.showcase.values(), key=lambda e: (not e.featured, -e.published_at, e.id))


def reaction_summary(entry: ShowcaseEntry) -> str:
    """``👏 3  🎉 1``: each reaction with its count, in a fixed order."""
    return "  ".join(f"{emoji} {len(who)}" for emoji, who in sorted(entry.reactions.items()) if who)
