"""The stuck ladder: what a learner whose check failed tries next, in order.

1. the lesson's next hint;
2. answered threads of this lesson whose text shares words with the failing output
   (the knowledge base of :mod:`faq`, ranked here);
3. asking the cohort, with the output, the check's name and what they tried.

Pure: the ranking, where the learner stands and which rung ended the failure (the
``check.unstuck`` op's ``rung``) are functions of their inputs, so every replica and
every test sees the same ladder. Strings are raw member and check text: sanitise them
to show.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from cohort_tui.domain.faq import FaqEntry, answered_entry
from cohort_tui.domain.model import Lesson, State

Rung = Literal["hint", "faq", "thread", "alone"]
"""What ended a failure: a hint, an answered thread, a new thread, or nothing we saw."""
RUNGS: tuple[Rung, ...] = ("hint", "faq", "thread", "alone")

OUTPUT_LINES = 40
"""Lines of the failing output that are matched (its end: where the error is)."""
MAX_TEXT = 20_000
"""Characters of one text (output or thread) looked at: a huge post costs no more."""
MAX_WORDS = 400
"""Distinct words kept of one text."""
MATCHES = 3
"""Answered threads the ladder offers."""

_WORD = re.compile(r"[a-z_][a-z0-9_]{2,39}")
STOPWORDS = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "that",
        "this",
        "from",
        "not",
        "are",
        "was",
        "were",
        "but",
        "you",
        "your",
        "have",
        "has",
        "had",
        "can",
        "cannot",
        "does",
        "did",
        "done",
        "any",
        "all",
        "its",
        "into",
        "out",
        "use",
        "used",
        "using",
        "when",
        "what",
        "which",
        "who",
        "why",
        "how",
        "there",
        "then",
        "than",
        "them",
        "they",
        "their",
        "our",
        "one",
        "two",
        "get",
        "got",
        "let",
        "may",
        "might",
        "must",
        "should",
        "would",
        "could",
        "will",
        "just",
        "also",
        "only",
        "more",
        "most",
        "some",
        "such",
        "each",
        "other",
        "about",
        "after",
        "before",
        "again",
        "here",
        "over",
        "under",
        "very",
        "line",
        "file",
        "error",
        "fail",
        "failed",
        "failing",
        "check",
        "checks",
        "true",
        "false",
        "none",
        "self",
        "def",
        "return",
        "import",
        "print",
        "pass",
    ]
)
"""Words too common to say two texts are about the same thing (check output is full
of 'line', 'file', 'error' and 'fail')."""


def words(text: str) -> frozenset[str]:
    """The distinct meaningful words of ``text``: lower case, three letters or more,
    identifiers kept whole (``json_notes``), common words left out; bounded."""
    found: set[str] = set()
    for match in _WORD.finditer(text[:MAX_TEXT].lower()):
        word = match.group()
        if word not in STOPWORDS:
            found.add(word)
            if len(found) >= MAX_WORDS:
                break
    return frozenset(found)


def output_words(output: Sequence[str]) -> frozenset[str]:
    """The words of a check's output, its last :data:`OUTPUT_LINES` lines."""
    return words("\n".join(line[:2_000] for line in output[-OUTPUT_LINES:]))


@dataclass(frozen=True)
class FaqMatch:
    """An answered thread of the lesson and what it shares with the output."""

    entry: FaqEntry
    shared: tuple[str, ...]
    """The shared words, sorted."""


def matching_answers(
    state: State, lesson: str, output: Sequence[str], limit: int = MATCHES
) -> list[FaqMatch]:
    """The lesson's answered threads that share words with ``output``, most shared
    first (ties: the newer answer first, then thread id, so every replica agrees)."""
    wanted = output_words(output)
    if not wanted:
        return []
    found: list[FaqMatch] = []
    for thread in state.threads.values():
        if thread.lesson != lesson:
            continue
        entry = answered_entry(state, thread)
        if entry is None:
            continue
        text = "\n".join((entry.title, entry.question[:MAX_TEXT], entry.answer[:MAX_TEXT]))
        shared = wanted & words(text)
        if shared:
            found.append(FaqMatch(entry, tuple(sorted(shared))))
    found.sort(key=lambda m: (-len(m.shared), -m.entry.answered_at, m.entry.thread))
    return found[:limit]


@dataclass
class Climb:
    """How far up the ladder one learner got on one lesson since the check failed."""

    hints_read: int = 0
    """Hints revealed since the failure."""
    answers_read: list[str] = field(default_factory=list)
    """Matching answered threads opened since the failure, in order."""
    asked: str | None = None
    """The thread the learner started on this lesson since the failure."""

    def read_answer(self, thread: str) -> None:
        if thread not in self.answers_read:
            self.answers_read.append(thread)

    def ended_by(self) -> tuple[Rung, str | None]:
        """The highest rung climbed (the one that got the learner unstuck when the
        check then passes) and its thread, if any."""
        if self.asked is not None:
            return "thread", self.asked
        if self.answers_read:
            return "faq", self.answers_read[-1]
        if self.hints_read:
            return "hint", None
        return "alone", None


def asked_since(state: State, member: str, lesson: str, since: int) -> str | None:
    """The newest thread ``member`` started on ``lesson`` at or after ``since``."""
    best: tuple[int, str] | None = None
    for thread in state.threads.values():
        if thread.lesson == lesson and thread.author == member and thread.created_at >= since:
            key = (thread.created_at, thread.id)
            if best is None or key > best:
                best = key
    return best[1] if best else None


RungState = Literal["done", "here", "ahead", "empty"]


@dataclass(frozen=True)
class LadderView:
    """Where the learner stands on each rung (1 hint, 2 answers, 3 ask)."""

    hints: RungState
    answers: RungState
    ask: RungState
    hints_shown: int
    hints_total: int
    matches: tuple[FaqMatch, ...]
    next_match: FaqMatch | None
    """The match ``m`` opens next (the best one not read yet)."""
    asked: bool
    """The learner started a thread on the lesson since the failure."""

    @property
    def here(self) -> int:
        """The rung the learner is on, 1 to 3."""
        states = (self.hints, self.answers, self.ask)
        return next((i + 1 for i, s in enumerate(states) if s == "here"), 3)


def ladder_view(
    lesson: Lesson, hints_shown: int, matches: Sequence[FaqMatch], climb: Climb
) -> LadderView:
    """The ladder as the lesson pane shows it: a rung with nothing on it is "empty",
    the learner is "here" on the lowest rung with something left to try (or on 3
    once they asked), rungs below are "done" and rungs above "ahead"."""
    total = len(lesson.hints)
    unread = [m for m in matches if m.entry.thread not in climb.answers_read]
    if climb.asked is not None:
        here = 3
    elif hints_shown < total:
        here = 1
    elif unread:
        here = 2
    else:
        here = 3

    def state_of(rung: int, has_any: bool) -> RungState:
        if rung == here:
            return "here"
        if not has_any:
            return "empty"
        return "done" if rung < here else "ahead"

    return LadderView(
        hints=state_of(1, total > 0),
        answers=state_of(2, bool(matches)),
        ask=state_of(3, True),
        hints_shown=min(hints_shown, total),
        hints_total=total,
        matches=tuple(matches),
        next_match=unread[0] if unread else (matches[0] if matches else None),
        asked=climb.asked is not None,
    )


def what_i_tried(lesson: Lesson, hints_shown: int, climb: Climb, titles: dict[str, str]) -> str:
    """The "what I tried" lines of the prefilled question (raw text: sanitise to show)."""
    lines = []
    if hints_shown:
        lines.append(f"- read {hints_shown} of {len(lesson.hints)} hints")
    for thread in climb.answers_read:
        lines.append(f"- read the answer to “{titles.get(thread, thread)}”")
    return "\n".join(lines)
