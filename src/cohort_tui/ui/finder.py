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
from typing import TYPE_CHECKING, cast, get_args

from textual.command import Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import FuzzySearch
from textual.style import Style

from cohort_tui.domain import queries as q
from cohort_tui.domain.op_kinds import Role
from cohort_tui.domain.sanitize import clean_line, truncate
from cohort_tui.ui.modes import SCREENS, TARGET_MODES
from cohort_tui.ui.text import local_time

if TYPE_CHECKING:
    from cohort_tui.domain.model import State
    from cohort_tui.ui.app import CohortApp

NAME_LIMIT = 80
"""Characters of a name shown (and matched) in the palette."""
MOST_HITS = 40
"""Hits sent to the palette per search: the best by score."""
ROLES = frozenset(get_args(Role))
"""Roles a member hit may name in its help (help is parsed as markup: our words only)."""
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


def shown_name(text: str) -> str:
    """Outside text as the palette shows it: one clean line, cut."""
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
                "Lesson", shown_name(lesson.title), f"lesson:{lesson.id}", f"Lesson {number}"
            )
    if shown("thread"):
        for thread in state.threads.values():
            replies = _plural(max(0, len(thread.posts) - 1), "reply", "replies")
            yield Candidate("Thread", shown_name(thread.title), f"thread:{thread.id}", replies)
    if shown("submission"):
        for sub in state.submissions.values():
            revisions = _plural(len(sub.revisions), "revision", "revisions")
            yield Candidate("Submission", shown_name(sub.title), f"submission:{sub.id}", revisions)
    if shown("milestone"):
        for milestone in q.live_milestones(state):
            due = f"Due {local_time(milestone.due, '%a %d %b')}"
            yield Candidate(
                "Milestone", shown_name(milestone.title), f"milestone:{milestone.id}", due
            )
    if shown("member"):
        for member in sorted(state.members.values(), key=lambda m: m.handle):
            name = shown_name(f"@{member.handle} {member.display_name}")
            # Help is parsed as markup: only roles we know, never the member's words.
            roles = ", ".join(role for role in member.roles if role in ROLES) or "member"
            yield Candidate("Member", name, f"member:{member.id}", roles.capitalize())


def match(query: str, label: str, fuzzy: FuzzySearch) -> tuple[float, Sequence[int]]:
    """Score ``label`` (lower-cased) for ``query`` (lower-cased): 0 if it does not match.

    Textual's fuzzy search tries every way the query's letters could sit in the label,
    which grows combinatorially: one crafted title ("e t e t e t ...") would freeze
    the app while a member types. This takes one way, in linear time: the whole query
    as a substring, else each word as a substring in order, else a word's letters in
    order; and scores it with Textual's own formula, so hits rank against the system
    commands on one scale.
    """
    at = label.find(query)
    if at >= 0 and query.strip():
        offsets: Sequence[int] = range(at, at + len(query))
        return fuzzy.score(label, offsets) * (2.0 if label == query else 1.5), offsets
    found: list[int] = []
    position = 0
    for word in query.split():
        at = label.find(word, position)
        if at >= 0:
            found.extend(range(at, at + len(word)))
            position = at + len(word)
            continue
        for letter in word:
            at = label.find(letter, position)
            if at < 0:
                return 0.0, ()
            found.append(at)
            position = at + 1
    return (fuzzy.score(label, found), found) if found else (0.0, ())


class CohortFinder(Provider):
    """Finds the cohort's lessons, threads, submissions, milestones and members."""

    _candidates: list[tuple[Candidate, str]]

    async def startup(self) -> None:
        app = cast("CohortApp", self.app)
        # Listing 10k threads takes ~200 ms: once per state, not once per palette. On
        # the loop and in one go: the state is folded into in place, on the loop, so a
        # thread (or an await) mid-listing could see its dicts change.
        self._candidates = app.memo(
            "finder", lambda: [(c, c.label.lower()) for c in candidates(app.replica.state)]
        )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        fuzzy = matcher.fuzzy_search
        entries = self._candidates
        found: list[Scored] = []
        for start in range(0, len(entries), YIELD_EVERY):
            if start:
                await asyncio.sleep(0)
            found += score(entries[start : start + YIELD_EVERY], query, fuzzy)
        found.sort(key=lambda hit: -hit[0])
        app = cast("CohortApp", self.app)
        for value, candidate, offsets in found[:MOST_HITS]:
            yield Hit(
                value,
                highlighted(candidate.label, offsets, matcher.match_style),
                partial(app.go, candidate.target),
                text=candidate.label,
                help=candidate.help,
            )


Scored = tuple[float, Candidate, Sequence[int]]
"""A fuzzy score, the candidate, and the offsets of the matched letters."""


def score(entries: Sequence[tuple[Candidate, str]], query: str, fuzzy: FuzzySearch) -> list[Scored]:
    """The entries (candidate, lower-cased label) that match ``query``, scored."""
    lowered = query.lower()
    found: list[Scored] = []
    for candidate, label in entries:
        value, offsets = match(lowered, label, fuzzy)
        if value > 0:
            # Offsets index the lower-cased label; a label whose length changes when
            # lower-cased (a rare capital) is shown without highlights.
            shown = offsets if len(label) == len(candidate.label) else ()
            found.append((value, candidate, shown))
    return found


def highlighted(label: str, offsets: Sequence[int], style: Style) -> Content:
    """The label as plain ``Content`` with the matched letters styled (never markup)."""
    content = Content(label)
    for offset in offsets:
        if offset < len(label) and not label[offset].isspace():
            content = content.stylize(style, offset, offset + 1)
    return content
