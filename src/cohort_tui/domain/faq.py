"""The cohort's knowledge base: every accepted answer, by module and lesson.

A thread whose author (or a mentor or facilitator) marked a reply as the answer is a
question the cohort has answered. This module collects those into sections, one per
lesson in curriculum order, then archived lessons, then threads on no lesson. It is a
pure function of the state, so the FAQ view, ``cohort export --format faq`` and two
replicas with the same ops all see the same entries in the same order.

Hidden posts never appear: a thread whose question or accepted answer is hidden is left
out whole. Strings are raw member text here: sanitise them to show.
"""

from __future__ import annotations

import msgspec
from msgspec import Struct

from cohort_tui.domain import queries as q
from cohort_tui.domain.model import Lesson, State, Thread

GENERAL = "General questions"
"""The title of the section for threads on no lesson (or a lesson that is not known)."""
ARCHIVED_MODULE = "Archived lessons"
"""The module title of archived lessons whose module is gone too."""


class FaqEntry(Struct, frozen=True, kw_only=True):
    """One answered question."""

    thread: str
    title: str
    tags: tuple[str, ...]
    question_post: str
    question: str
    """The opening post's body as it reads now (edits applied)."""
    asker: str
    """Member id of the thread's author."""
    asked_at: int
    answer_post: str
    answer: str
    answerer: str
    """Member id of the accepted answer's author."""
    answered_at: int
    """When the accepted answer was written."""


class FaqSection(Struct, frozen=True, kw_only=True):
    """The answered questions of one lesson (or of no lesson: ``lesson`` is None)."""

    lesson: str | None
    title: str
    module: str | None
    module_title: str
    archived: bool
    entries: tuple[FaqEntry, ...]


def answered_entry(state: State, thread: Thread) -> FaqEntry | None:
    """The thread as a FAQ entry, or None when it has no visible accepted answer."""
    if thread.answer is None or not thread.posts:
        return None
    question = state.posts.get(thread.posts[0])
    answer = state.posts.get(thread.answer)
    if (
        question is None
        or answer is None
        or answer.id == question.id
        or answer.thread != thread.id
        or question.hidden is not None
        or answer.hidden is not None
    ):
        return None
    return FaqEntry(
        thread=thread.id,
        title=thread.title,
        tags=tuple(thread.tags),
        question_post=question.id,
        question=question.body,
        asker=thread.author,
        asked_at=thread.created_at,
        answer_post=answer.id,
        answer=answer.body,
        answerer=answer.author,
        answered_at=answer.created_at,
    )


def faq_sections(state: State, *, include_empty: bool = False) -> list[FaqSection]:
    """Every lesson's answered questions: live lessons in curriculum order, then archived
    lessons, then questions on no lesson. Within a section, oldest question first.

    Args:
        state: The folded state.
        include_empty: Also list live lessons without an answered question (the export's
            index names every lesson); archived and general sections appear only when
            they have entries.
    """
    by_lesson: dict[str | None, list[FaqEntry]] = {}
    for thread in state.threads.values():
        entry = answered_entry(state, thread)
        if entry is None:
            continue
        lesson_id = thread.lesson if thread.lesson in state.lessons else None
        by_lesson.setdefault(lesson_id, []).append(entry)
    for entries in by_lesson.values():
        entries.sort(key=lambda e: (e.asked_at, e.thread))

    sections: list[FaqSection] = []
    for module, lessons in q.curriculum_outline(state):
        for lesson in lessons:
            entries = by_lesson.pop(lesson.id, [])
            if entries or include_empty:
                sections.append(_section(lesson, module.id, module.title, entries))
    general = by_lesson.pop(None, [])
    # What is left: archived lessons, and lessons of an archived (or unknown) module.
    rest = sorted(
        (state.lessons[lid] for lid in by_lesson if lid is not None),
        key=lambda le: (le.order, le.id),
    )
    for old in rest:
        home = state.modules.get(old.module)
        sections.append(
            _section(
                old,
                home.id if home else None,
                home.title if home else ARCHIVED_MODULE,
                by_lesson[old.id],
                archived=True,
            )
        )
    if general:
        sections.append(
            FaqSection(
                lesson=None,
                title=GENERAL,
                module=None,
                module_title=GENERAL,
                archived=False,
                entries=tuple(general),
            )
        )
    return sections


def _section(
    lesson: Lesson,
    module: str | None,
    module_title: str,
    entries: list[FaqEntry],
    *,
    archived: bool = False,
) -> FaqSection:
    return FaqSection(
        lesson=lesson.id,
        title=lesson.title,
        module=module,
        module_title=module_title,
        archived=archived or lesson.archived,
        entries=tuple(entries),
    )


def lesson_first(sections: list[FaqSection], lesson: str | None) -> list[FaqSection]:
    """The same sections with ``lesson``'s moved to the front (asked from a lesson)."""
    if lesson is None:
        return sections
    first = [s for s in sections if s.lesson == lesson]
    return first + [s for s in sections if s.lesson != lesson]


def narrow(sections: list[FaqSection], threads: set[str]) -> list[FaqSection]:
    """Only the entries whose thread is in ``threads`` (a search's result); sections
    left empty are dropped."""
    out = []
    for section in sections:
        kept = tuple(e for e in section.entries if e.thread in threads)
        if kept:
            out.append(msgspec.structs.replace(section, entries=kept))
    return out


def answered_count(sections: list[FaqSection]) -> int:
    """How many answered questions the sections hold."""
    return sum(len(s.entries) for s in sections)
