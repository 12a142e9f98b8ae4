"""Reviewer allocation: a deterministic, fair choice made inside the fold.

Because the fold applies ops in one total order, every replica (online or not) computes
the same reviewers for a submission from the same ops, without a coordinator.
"""

from __future__ import annotations

import heapq
import zlib

from cohort_tui.domain.model import State, Submission
from cohort_tui.domain.pods import pod_index, pod_preference_rank

REVIEW_ROLES = ("reviewer", "mentor")
REVIEW_ROLES_SET = frozenset(REVIEW_ROLES)


def open_load(state: State) -> dict[str, int]:
    """Active assignments per reviewer, recomputed from scratch.

    The fold keeps the same figure incrementally in ``state.review_load``; this slow form
    is what tests check that index against.
    """
    load: dict[str, int] = {}
    for sub in state.submissions.values():
        for a in sub.assignments:
            if a.active:
                load[a.reviewer] = load.get(a.reviewer, 0) + 1
    return load


def pair_counts(state: State, author: str) -> dict[str, int]:
    """How often each member was assigned to review ``author`` (slow form of the index).

    A team submission counts for each of its authors as they were when the reviewer was
    assigned; this slow form uses the authors as they are now, so it matches the index
    while teams keep their members.
    """
    counts: dict[str, int] = {}
    for sub in state.submissions.values():
        if author in (sub.authors or [sub.author]):
            for a in sub.assignments:
                counts[a.reviewer] = counts.get(a.reviewer, 0) + 1
    return counts


def qualification(state: State, member: str, lesson: str) -> int:
    """2: finished the lesson and holds a review role; 1: either; 0: neither."""
    done = state.progress.get(member, {}).get(lesson)
    finished = done is not None and done.status == "done"
    return int(finished) + int(state.has_role(member, *REVIEW_ROLES))


def choose_reviewers(
    state: State,
    submission: Submission,
    count: int,
    *,
    exclude: set[str] | None = None,
    load: dict[str, int] | None = None,
) -> list[str]:
    """Pick ``count`` reviewers for ``submission``.

    Never an author (every member of a team, and anyone it invited) or anyone in
    ``exclude``. Qualified members (finished the lesson or hold a review role) form the
    pool when there are enough of them; within the pool the least loaded go first, then
    those the cohort's pod preference favours (``review_pods``: the authors' pod, or
    other pods), then the better qualified, then those who have reviewed these authors
    least (summed over a team), then a stable hash so equal states give equal answers.
    """
    authors = submission.authors or [submission.author]
    team = state.teams.get(submission.team) if submission.team else None
    barred = {submission.author, *authors} | set(team.invited if team else ()) | (exclude or set())
    review_role = {
        mid for mid, m in state.members.items() if not REVIEW_ROLES_SET.isdisjoint(m.roles)
    }
    progress, lesson = state.progress, submission.lesson
    quals: dict[str, int] = {}
    for member in state.members:
        if member in barred:
            continue
        mine = progress.get(member)
        done = mine.get(lesson) if mine else None
        quals[member] = (done is not None and done.status == "done") + (member in review_role)
    qualified = [m for m, score in quals.items() if score > 0]
    pool = qualified if len(qualified) >= count else list(quals)
    load = state.review_load if load is None else load
    pair_maps = [state.review_pairs.get(author, {}) for author in authors]
    salt = f"{submission.id}:".encode()
    preference = state.cohort.review_pods if state.cohort else "any"
    pods = pod_index(state) if preference != "any" else {}
    author_pods = {pods[a] for a in authors if a in pods}

    def key(member: str) -> tuple[int, int, int, int, int]:
        tiebreak = zlib.crc32(member.encode(), zlib.crc32(salt))
        rank = pod_preference_rank(preference, author_pods, pods.get(member))
        pairs = sum(m.get(member, 0) for m in pair_maps)
        return (load.get(member, 0), rank, -quals[member], pairs, tiebreak)

    return heapq.nsmallest(count, pool, key=key)
