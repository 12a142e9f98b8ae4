"""The materialised state as plain data, for ``cohort export``.

Deterministic: it depends only on the ops (not on which replica or member runs it, not
on the clock of the machine), every list is sorted by id, and every entity has an ``id``.
"""

from __future__ import annotations

from typing import Any

import msgspec

from cohort_tui.domain import queries as q
from cohort_tui.domain.model import State


def _plain(obj: Any) -> Any:
    return msgspec.to_builtins(obj, order="sorted")


def _rows(items: dict[str, Any]) -> list[Any]:
    return [_plain(items[key]) for key in sorted(items)]


def export_state(state: State) -> dict[str, Any]:
    """The state as JSON-ready data with the contract's top-level keys."""
    progress = []
    for member in sorted(state.progress):
        for lesson, p in sorted(state.progress[member].items()):
            row = {"id": f"{member}:{lesson}", "member": member, "lesson": lesson, **_plain(p)}
            skill = state.skills.get(member, {}).get(lesson)
            if skill is not None:
                row["skill"] = _plain(skill)
            progress.append(row)
    submissions = []
    for sid in sorted(state.submissions):
        row = _plain(state.submissions[sid])
        row["status"] = q.submission_status(state, state.submissions[sid])
        submissions.append(row)
    cohort = _plain(state.cohort) if state.cohort else None
    if cohort is not None:
        cohort["course"] = _plain(state.course) if state.course else None
    return {
        "cohort": cohort,
        "members": _rows(state.members),
        "modules": _rows(state.modules),
        "lessons": _rows(state.lessons),
        "rubrics": _rows(state.rubrics),
        "progress": progress,
        "threads": _rows(state.threads),
        "posts": _rows(state.posts),
        "submissions": submissions,
        "reviews": _rows(state.reviews),
        "milestones": _rows(state.milestones),
        "sessions": _rows(state.sessions),
        "shoutouts": _rows(state.shoutouts),
    }


def export_json(state: State) -> bytes:
    """Canonical JSON bytes (sorted keys, two-space indent, trailing newline)."""
    data = msgspec.json.encode(export_state(state), order="sorted")
    return msgspec.json.format(data, indent=2) + b"\n"
