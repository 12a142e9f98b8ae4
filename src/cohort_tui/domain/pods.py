"""Pods: small groups (3 to 6 people) inside the cohort, as the fold keeps them.

A facilitator forms pods, or opens them for members to join up to their capacity. Each
pod has a channel in Discussions: threads whose ``pod`` names it, shown to its members
and to staff. Every replica holds the whole log, so a pod channel is private-looking,
not secret. A rotation closes the current pods (``closed_at``) and forms new ones; the
closed pods, their members and their channels stay as history, read-only.

This module is pure and holds the model and its queries, so other features (a pod chat)
can build on it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from msgspec import Struct, field

if TYPE_CHECKING:
    from cohort_tui.domain.model import State, Thread

PodChangeKind = Literal["formed", "joined", "left", "added", "removed", "closed"]
STAFF_ROLES = ("facilitator", "mentor")
"""Roles that see every pod's channel (they support every pod)."""


class PodChange(Struct, kw_only=True, gc=False):
    """One change to a pod."""

    at: int
    by: str
    member: str
    """The member concerned; empty for a change to the whole pod (``formed``, ``closed``)."""
    change: PodChangeKind


class Pod(Struct, kw_only=True, gc=False):
    """A pod (see the module docstring)."""

    id: str
    name: str
    created_at: int
    created_by: str
    capacity: int = 6
    open: bool = False
    """Members may join by themselves while it has room."""
    members: list[str] = field(default_factory=list)
    round: str = ""
    """The rotation that formed it (empty for a pod formed by itself)."""
    closed_at: int | None = None
    """Set when a rotation closed it: kept as history, its channel read-only."""
    history: list[PodChange] = field(default_factory=list)

    @property
    def active(self) -> bool:
        """Not closed by a rotation."""
        return self.closed_at is None

    @property
    def has_room(self) -> bool:
        return len(self.members) < self.capacity


def active_pods(state: State) -> list[Pod]:
    """Pods not closed, by name then id."""
    pods = [p for p in state.pods.values() if p.active]
    pods.sort(key=lambda p: (p.name.casefold(), p.id))
    return pods


def pod_of(state: State, member: str) -> Pod | None:
    """The active pod ``member`` is in, if any (a member is in at most one)."""
    for pod in state.pods.values():
        if pod.active and member in pod.members:
            return pod
    return None


def past_pods(state: State, member: str) -> list[Pod]:
    """Closed pods ``member`` was in when they closed, newest first."""
    pods = [p for p in state.pods.values() if not p.active and member in p.members]
    pods.sort(key=lambda p: (-(p.closed_at or 0), p.id))
    return pods


def may_see_pod(state: State, member: str, pod: Pod) -> bool:
    """Whether ``member``'s screens show the pod's channel: its members and staff."""
    return member in pod.members or state.has_role(member, *STAFF_ROLES)


def may_post_in_pod(state: State, member: str, pod: Pod) -> bool:
    """Whether ``member`` may start or answer a thread in the pod's channel now."""
    return pod.active and may_see_pod(state, member, pod)


def may_see_thread(state: State, member: str, thread: Thread) -> bool:
    """Whether ``member``'s screens show ``thread`` (every cohort thread; a pod's thread
    to that pod's members and staff). Screens ask this, the log still holds all."""
    if thread.pod is None:
        return True
    pod = state.pods.get(thread.pod)
    return pod is not None and may_see_pod(state, member, pod)


def pod_threads(state: State, pod_id: str) -> list[Thread]:
    """The pod channel's threads, newest activity first."""
    threads = [t for t in state.threads.values() if t.pod == pod_id]
    threads.sort(key=lambda t: (-t.last_activity, t.id))
    return threads


def pod_index(state: State) -> dict[str, str]:
    """member id -> their active pod's id (one pass over the pods)."""
    return {m: pod.id for pod in state.pods.values() if pod.active for m in pod.members}


def pod_preference_rank(preference: str, author_pods: set[str], reviewer_pod: str | None) -> int:
    """0 when a reviewer in ``reviewer_pod`` fits the cohort's ``review_pods`` setting,
    1 otherwise.

    ``same``: a reviewer in one of the authors' pods fits; ``other``: a reviewer in a
    different pod fits (someone in no pod fits neither). ``any`` ranks everyone 0.
    """
    if preference == "any":
        return 0
    if reviewer_pod is None:
        return 1
    same = reviewer_pod in author_pods
    return 0 if same == (preference == "same") else 1


class PodActivity(Struct, kw_only=True, gc=False):
    """One line of a pod's recent activity, for Home."""

    at: int
    member: str
    what: Literal["post", "thread", "submission", "review"]
    title: str
    """The thread's or submission's title (raw: sanitise to show)."""
    ref: str
    """The thread or submission id."""


def pod_activity(state: State, pod: Pod, limit: int = 5) -> list[PodActivity]:
    """The newest things the pod did: posts in its channel, and its members' submissions
    and reviews anywhere in the cohort, newest first."""
    members = set(pod.members)
    rows: list[PodActivity] = []
    for thread in pod_threads(state, pod.id):
        for post_id in thread.posts[-limit:]:
            post = state.posts.get(post_id)
            if post is None or post.hidden is not None:
                continue
            what: Literal["post", "thread"] = "thread" if post_id == thread.posts[0] else "post"
            rows.append(
                PodActivity(
                    at=post.created_at,
                    member=post.author,
                    what=what,
                    title=thread.title,
                    ref=thread.id,
                )
            )
    for sub in state.submissions.values():
        if members.isdisjoint(sub.authors):
            continue
        for revision in sub.revisions:
            who = revision.author or sub.author
            if who in members:
                rows.append(
                    PodActivity(
                        at=revision.created_at,
                        member=who,
                        what="submission",
                        title=sub.title,
                        ref=sub.id,
                    )
                )
    for review in state.reviews.values():
        if review.reviewer in members and not review.calibration:
            reviewed = state.submissions.get(review.submission)
            title = reviewed.title if reviewed else review.submission
            rows.append(
                PodActivity(
                    at=review.submitted_at,
                    member=review.reviewer,
                    what="review",
                    title=title,
                    ref=review.submission,
                )
            )
    rows.sort(key=lambda r: (-r.at, r.ref, r.member))
    return rows[:limit]


def split_evenly(people: list[str], size: int) -> list[list[str]]:
    """``people`` in groups of at most ``size``, as even as can be (sizes differ by at
    most one), in order."""
    if not people:
        return []
    count = -(-len(people) // size)
    base, extra = divmod(len(people), count)
    groups, start = [], 0
    for i in range(count):
        end = start + base + (1 if i < extra else 0)
        groups.append(people[start:end])
        start = end
    return groups


def plan_rotation(state: State, size: int, seed: str, tries: int = 64) -> list[list[str]]:
    """New pods of at most ``size`` for every learner, the same for the same state and
    ``seed``: of ``tries`` seeded shuffles, the one that keeps fewest pairs of current
    podmates together (the first such shuffle on a tie)."""
    import random

    people = sorted(m.id for m in state.members.values() if "learner" in m.roles)
    together = {
        frozenset((a, b))
        for pod in state.pods.values()
        if pod.active
        for a in pod.members
        for b in pod.members
        if a < b
    }
    rng = random.Random(seed)
    best: list[list[str]] = []
    best_repeats = -1
    for _ in range(max(1, tries)):
        order = people[:]
        rng.shuffle(order)
        groups = split_evenly(order, size)
        repeats = sum(
            1 for g in groups for a in g for b in g if a < b and frozenset((a, b)) in together
        )
        if best_repeats < 0 or repeats < best_repeats:
            best, best_repeats = groups, repeats
    return best
