"""A new member's first steps, ticked by what they actually do."""

from __future__ import annotations

from msgspec import Struct

from cohort_tui.domain.model import DAY_MS, State

NEW_FOR_MS = 14 * DAY_MS
"""How long after joining the checklist is offered (it also goes once every step is done)."""


class Step(Struct, frozen=True):
    id: str  # intro | norms | lesson
    title: str
    done: bool


def introduced(state: State, member: str) -> bool:
    """A post by the member in the welcome thread (False when the cohort has none: a
    post elsewhere is no introduction)."""
    welcome = state.cohort.welcome_thread if state.cohort else None
    thread = state.threads.get(welcome or "")
    if thread is None:
        return False
    return any(state.posts[p].author == member for p in thread.posts if p in state.posts)


def checklist(state: State, member: str, *, norms_read: bool) -> list[Step]:
    """The first steps. ``norms_read`` comes from this device: reading leaves no op.
    The introduction is asked for only where there is a welcome thread to post it in."""
    welcome = state.cohort.welcome_thread if state.cohort else None
    steps = []
    if welcome and welcome in state.threads:
        steps.append(
            Step("intro", "Introduce yourself in the welcome thread", introduced(state, member))
        )
    steps += [
        Step("norms", "Read the cohort's charter and norms", norms_read),
        Step("lesson", "Pick your first lesson", bool(state.progress.get(member))),
    ]
    return steps


def offer_checklist(state: State, member: str, steps: list[Step], now: int) -> bool:
    """Show the checklist to a member who joined recently and has a step left."""
    joined = state.members[member].joined_at if member in state.members else now
    return now - joined < NEW_FOR_MS and not all(step.done for step in steps)
