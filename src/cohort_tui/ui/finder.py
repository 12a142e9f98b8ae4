"""The command palette's finder: lessons, threads, submissions, milestones and members
by name, beside the system commands (``ctrl+p``).

Each hit opens its thing the way ``--open kind:ID`` does (:meth:`CohortApp.go`), so the
palette and the command line land on the same screen and row.

Names are outside text. Textual's own ``Matcher.highlight`` and a hit's ``help`` parse
their string as markup, so a hit's prompt here is ``Content`` built from the sanitised
name with the matched letters styled by offset, and its help holds only our own words.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import Hit, Hits, Provider
from textual.content import Content
from textual.style import Style

from cohort_tui.domain import queries as q
from cohort_tui.domain.sanitize import clean_line, truncate
from cohort_tui.ui.modes import SCREENS, TARGET_MODES

if TYPE_CHECKING:
    from cohort_tui.domain.model import State
    from cohort_tui.ui.app import CohortApp

NAME_LIMIT = 80
"""Characters of a name shown (and matched) in the palette."""
MOST_HITS = 40
"""Hits sent to the palette per search: the best by score."""
YIELD_EVERY = 500
"""Candidates matched between returns to the event loop, so typing stays smooth."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """One findable thing: ``group`` is ours (``Thread``), ``name`` is sanitised."""

    group: str
    name: str
    target: str
    help: str

    @property
    def label(self) -> str:
        """What is matched and shown: ``Thread: How do I ...``."""
        return f"{self.group}: {self.name}"


def _name(text: str) -> str:
    return truncate(clean_line(text), NAME_LIMIT)


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def candidates(state: State) -> Iterator[Candidate]:
    """Everything the palette can find in ``state``, for screens this build has."""

    def shown(kind: str) -> bool:
        return TARGET_MODES.get(kind, kind) in SCREENS

    if shown("lesson"):
        for number, lesson in enumerate(q.ordered_lessons(state), start=1):
            yield Candidate(
                "Lesson", _name(lesson.title), f"lesson:{lesson.id}", f"Lesson {number}"
            )
    if shown("thread"):
        for thread in state.threads.values():
            replies = _plural(max(0, len(thread.posts) - 1), "reply", "replies")
            yield Candidate("Thread", _name(thread.title), f"thread:{thread.id}", replies)
    if shown("submission"):
        for sub in state.submissions.values():
            revisions = _plural(len(sub.revisions), "revision", "revisions")
            yield Candidate("Submission", _name(sub.title), f"submission:{sub.id}", revisions)
    if shown("milestone"):
        for milestone in q.live_milestones(state):
            yield Candidate(
                "Milestone", _name(milestone.title), f"milestone:{milestone.id}", "Milestone"
            )
    if shown("member"):
        for member in sorted(state.members.values(), key=lambda m: m.handle):
            name = _name(f"@{member.handle} {member.display_name}")
            yield Candidate("Member", name, f"member:{member.id}", "Member (People)")


def _subsequence(query: str, label: str) -> bool:
    """Whether the query's letters appear in order in ``label`` (both casefolded): a
    cheap test before the fuzzy scorer, which is far slower per candidate."""
    position = 0
    for char in query:
        if char.isspace():
            continue
        position = label.find(char, position) + 1
        if position == 0:
            return False
    return True


class CohortFinder(Provider):
    """Finds the cohort's lessons, threads, submissions, milestones and members."""

    _candidates: list[tuple[Candidate, str]]

    async def startup(self) -> None:
        app = cast("CohortApp", self.app)
        self._candidates = [(c, c.label.casefold()) for c in candidates(app.replica.state)]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        fuzzy = matcher.fuzzy_search
        folded = query.casefold()
        scored: list[tuple[float, Candidate, Sequence[int]]] = []
        for count, (candidate, label) in enumerate(self._candidates, start=1):
            if _subsequence(folded, label):
                score, offsets = fuzzy.match(query, candidate.label)
                if score > 0:
                    scored.append((score, candidate, offsets))
            if count % YIELD_EVERY == 0:
                await asyncio.sleep(0)
        scored.sort(key=lambda hit: -hit[0])
        app = cast("CohortApp", self.app)
        for score, candidate, offsets in scored[:MOST_HITS]:
            yield Hit(
                score,
                highlighted(candidate.label, offsets, matcher.match_style),
                partial(app.go, candidate.target),
                text=candidate.label,
                help=candidate.help,
            )


def highlighted(label: str, offsets: Sequence[int], style: Style) -> Content:
    """The label as plain ``Content`` with the matched letters styled (never markup)."""
    content = Content(label)
    for offset in offsets:
        if offset < len(label) and not label[offset].isspace():
            content = content.stylize(style, offset, offset + 1)
    return content
