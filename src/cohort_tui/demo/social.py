"""The demo cohort's quick-help chat and showcase.

Made apart from the main story, with their own clock and random ids, and merged into it
by clock: the story's ids and times stay exactly as they were (tests pin them).
"""

from __future__ import annotations

import random

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.clock import HybridClock
from cohort_tui.domain.model import DAY_MS, HOUR_MS, State
from cohort_tui.domain.ops import Op
from cohort_tui.domain.queries import submission_status

CHAT: list[tuple[int, int, int, str, str]] = [
    # (day, hour, minute, author, text)
    (12, 9, 5, "m_priya", "morning! anyone else getting 'ModuleNotFoundError: notes' in pytest?"),
    (12, 9, 7, "m_jonas", "yes, run it from the repo root, or `pip install -e .` first"),
    (12, 9, 8, "m_priya", "pip install -e . fixed it, thanks!"),
    (12, 9, 30, "m_tomas", "what's the difference between a list and a tuple again?"),
    (12, 9, 31, "m_zoe", "tuple can't change after you make it; list can"),
    (12, 9, 33, "m_lin", "and tuples can be dict keys. Use a tuple for a fixed record"),
    (12, 9, 34, "m_tomas", "ahh ok. like (x, y) for a point"),
    (12, 9, 35, "m_lin", "exactly"),
    (12, 14, 2, "m_mei", "on the train, offline. will my posts sync later?"),
    (12, 14, 4, "m_ada", "yes: everything queues in your outbox and syncs when you're back"),
    (12, 14, 5, "m_mei", "perfect 🚆"),
    (13, 10, 0, "m_zoe", "is argparse or click better for the project?"),
    (13, 10, 2, "m_jonas", "argparse: stdlib, and the brief says no dependencies"),
    (13, 10, 3, "m_zoe", "right, missed that"),
    (14, 10, 20, "m_sam", "how do I test a function that calls datetime.now()?"),
    (14, 10, 22, "m_lin", "pass the clock in: def add_note(text, now=datetime.now)"),
    (14, 10, 23, "m_lin", "then the test passes now=lambda: fixed_time"),
    (14, 10, 25, "m_sam", "oh that's neat, no mocking needed"),
    (14, 10, 26, "m_priya", "saving this one"),
    (13, 16, 40, "m_tomas", "my venv activate does nothing on fish shell??"),
    (13, 16, 41, "m_jonas", "fish needs: source .venv/bin/activate.fish"),
    (13, 16, 42, "m_tomas", "🙏 that was it"),
    (14, 9, 10, "m_omar", "lesson 4 now has a hint for the fizzbuzz off-by-one"),
    (14, 9, 12, "m_priya", "thanks Omar!"),
    (14, 11, 0, "m_zoe", "review queue is long today, anyone free to take one?"),
    (14, 11, 3, "m_lin", "I'll take two this afternoon"),
    (14, 19, 15, "m_jonas", "notes CLI is on the showcase now, feedback welcome"),
    (14, 19, 17, "m_mei", "the corrupt-file handling is a nice touch"),
    (14, 19, 18, "m_tomas", "how did you make the error message so clear?"),
    (14, 19, 20, "m_jonas", "raise SystemExit with an f-string naming the file. Lin's review tip"),
]
"""A busy day or three of quick questions; Sam has read up to their own last message."""

POD_CHAT: list[tuple[int, int, int, str, str]] = [
    (3, 18, 0, "m_priya", "otters check-in: who's stuck on lesson 2?"),
    (3, 18, 5, "m_tomas", "me, the dict exercise"),
    (3, 18, 6, "m_priya", "pair tomorrow at 8?"),
    (12, 8, 0, "m_omar", "kestrels: team project sync at 18:00?"),
    (12, 8, 10, "m_jonas", "works. I'll push the JSON bits first"),
    (14, 12, 0, "m_sam", "can one of you review my notes CLI this week?"),
    (14, 12, 30, "m_omar", "I'll take it tomorrow morning"),
]
"""Sam's pods: the first round's (closed, kept as history) and the current one's."""


def social_ops(state: State, start: int, now: int) -> list[Op]:
    """The chat and showcase ops for the demo whose story folded into ``state``."""
    rng = random.Random(11)
    clock = HybridClock("n_demo")
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

    def ulid(at: int) -> str:
        value = (at << 80) | rng.getrandbits(80)
        return "".join(alphabet[(value >> (5 * i)) & 31] for i in reversed(range(26)))

    def day(d: int, hour: int, minute: int) -> int:
        # 17 s past the minute: never the same instant as a story op.
        return start + d * DAY_MS + (hour - 9) * HOUR_MS + minute * 60_000 + 17_000

    events: list[tuple[int, str, k.Data]] = []

    def emit(author: str, data: k.Data, at: int) -> None:
        events.append((at, author, data))

    for d, hour, minute, author, text in CHAT:
        at = day(d, hour, minute)
        emit(author, k.ChatSend(message="c_" + ulid(at), text=text), at)
    for d, hour, minute, author, text in POD_CHAT:
        at = day(d, hour, minute)
        pod = next(  # the pod its author was in that day
            (
                p
                for p in state.pods.values()
                if author in p.members
                and p.created_at <= at
                and (p.closed_at is None or at < p.closed_at)
            ),
            None,
        )
        if pod is not None:
            channel = "pod:" + pod.id
            emit(author, k.ChatSend(message="c_" + ulid(at), channel=channel, text=text), at)
    approved = sorted(
        (s for s in state.submissions.values() if submission_status(state, s) == "approved"),
        key=lambda s: (s.created_at, s.id),
    )
    if approved:
        sub = approved[0]
        entry = "sc_" + ulid(day(14, 19, 0))
        emit(
            sub.author,
            k.ShowcasePublish(
                entry=entry,
                submission=sub.id,
                title="notes: a tiny notes CLI",
                built="A command-line notebook: `notes add`, `notes list`, stored as JSON in "
                "your home folder. argparse subcommands, no dependencies.",
                feedback="The first review asked what happens with an empty or corrupt file. "
                "Now it says which file is damaged instead of a traceback.",
            ),
            day(14, 19, 0),
        )
        emit("m_mei", k.ShowcaseReact(entry=entry, emoji="👏"), day(14, 19, 16))
        emit("m_tomas", k.ShowcaseReact(entry=entry, emoji="👏"), day(14, 19, 19))
        emit("m_priya", k.ShowcaseReact(entry=entry, emoji="💡"), day(14, 20, 0))
        emit(
            "m_tomas",
            k.ShowcaseThank(
                entry=entry,
                thanks="ty_" + ulid(day(14, 19, 21)),
                text="Reading your error handling taught me more than the lesson did.",
            ),
            day(14, 19, 21),
        )
        emit("m_ada", k.ShowcaseFeature(entry=entry), day(14, 21, 0))
    ops: list[Op] = []
    # The clock never goes back: stamp in time order, or later events would be clamped.
    for at, author, data in sorted(events, key=lambda e: e[0]):
        stamp = clock.now(min(at, now - 60_000))
        ops.append(Op(ulid(stamp[0]), data.KIND, author, stamp, data))
    return ops
