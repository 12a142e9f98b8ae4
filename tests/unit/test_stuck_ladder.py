"""The stuck ladder: matching answered threads to a failure, where the learner stands,
which rung ended a failure (the ``check.unstuck`` op, folded once per spell) and the
report's per-lesson figures."""

from __future__ import annotations

import random

import msgspec

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.metrics import cohort_report
from cohort_tui.domain.model import Lesson
from cohort_tui.domain.ops import Op
from cohort_tui.domain.reduce import fold_ops
from cohort_tui.domain.report_text import markdown_report, text_report
from cohort_tui.domain.stuck_ladder import (
    MAX_WORDS,
    Climb,
    asked_since,
    ladder_view,
    matching_answers,
    output_words,
    what_i_tried,
    words,
)
from cohort_tui.domain.unstuck_figures import unstuck_figures
from tests.factories import OpMaker, small_cohort

OUTPUT = [
    "Traceback (most recent call last):",
    '  File "notes.py", line 3, in <module>',
    "json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)",
    "FAIL  load_notes() raised on an empty notes file",
]


def threads_cohort() -> tuple[OpMaker, list[Op]]:
    """l1 has three answered threads (two share words with OUTPUT), one unanswered that
    shares words, one answered but hidden; l2 has an answered one sharing words."""
    m, ops = small_cohort()

    def thread(tid: str, title: str, body: str, answer: str | None, lesson: str = "l1") -> None:
        ops.append(
            m.op(
                "m_a",
                k.ThreadCreate(thread=tid, post=f"{tid}q", title=title, body=body, lesson=lesson),
            )
        )
        if answer is not None:
            ops.append(m.op("m_b", k.PostCreate(post=f"{tid}a", thread=tid, body=answer)))
            ops.append(m.op("m_a", k.ThreadAnswer(thread=tid, post=f"{tid}a")))

    thread(
        "t_json", "JSONDecodeError on an empty file", "load_notes fails", "Catch JSONDecodeError"
    )
    thread("t_empty", "Empty notes file", "what if the notes file is empty?", "Return []")
    thread("t_other", "Colours in the terminal", "how?", "Use rich")
    thread("t_open", "JSONDecodeError again", "load_notes JSONDecodeError", None)
    thread("t_hidden", "JSONDecodeError hidden", "load_notes", "secret")
    ops.append(m.op("m_men", k.PostHide(post="t_hiddena", reason="spam")))
    thread("t_l2", "JSONDecodeError on l2", "load_notes", "elsewhere", lesson="l2")
    return m, ops


def test_words_are_meaningful_lowercase_and_bounded() -> None:
    assert words("The JSONDecodeError in load_notes, line 3: FAIL") == {
        "jsondecodeerror",
        "load_notes",
    }
    assert len(words(" ".join(f"w{i:05d}" for i in range(5_000)))) == MAX_WORDS
    assert words("\x1b[31m\u202e") == frozenset()
    assert output_words(["alpha"] + ["zzz"] * 40) == {"zzz"}  # only the tail


def test_matching_answers_rank_by_shared_words_and_skip_the_rest() -> None:
    _, ops = threads_cohort()
    state = fold_ops(ops)
    matches = matching_answers(state, "l1", OUTPUT)
    assert [m.entry.thread for m in matches] == ["t_json", "t_empty"]
    assert matches[0].shared == ("empty", "jsondecodeerror", "load_notes")
    assert "empty" in matches[1].shared
    assert matching_answers(state, "l1", []) == []
    assert matching_answers(state, "l3", OUTPUT) == []


def test_matching_is_the_same_whatever_order_the_ops_came_in() -> None:
    _, ops = threads_cohort()
    first = matching_answers(fold_ops(ops), "l1", OUTPUT)
    for seed in range(5):
        shuffled = list(ops)
        random.Random(seed).shuffle(shuffled)
        assert matching_answers(fold_ops(shuffled), "l1", OUTPUT) == first


def test_ladder_view_walks_up_the_rungs() -> None:
    _, ops = threads_cohort()
    state = fold_ops(ops)
    lesson = Lesson(id="l1", module="basics", title="One", hints=["a", "b"])
    matches = matching_answers(state, "l1", OUTPUT)
    climb = Climb()
    view = ladder_view(lesson, 0, matches, climb)
    assert (view.hints, view.answers, view.ask, view.here) == ("here", "ahead", "ahead", 1)
    view = ladder_view(lesson, 2, matches, climb)
    assert (view.hints, view.answers, view.here) == ("done", "here", 2)
    assert view.next_match is not None and view.next_match.entry.thread == "t_json"
    climb.read_answer("t_json")
    view = ladder_view(lesson, 2, matches, climb)
    assert view.next_match is not None and view.next_match.entry.thread == "t_empty"
    climb.read_answer("t_empty")
    assert ladder_view(lesson, 2, matches, climb).here == 3
    no_hints = Lesson(id="l1", module="basics", title="One")
    view = ladder_view(no_hints, 0, [], Climb())
    assert (view.hints, view.answers, view.ask) == ("empty", "empty", "here")
    climb.asked = "t_new"
    assert ladder_view(lesson, 0, matches, climb).asked


def test_climb_says_the_highest_rung_and_what_was_tried() -> None:
    lesson = Lesson(id="l1", module="basics", title="One", hints=["a", "b"])
    climb = Climb()
    assert climb.ended_by() == ("alone", None)
    climb.hints_read = 1
    assert climb.ended_by() == ("hint", None)
    climb.read_answer("t1")
    climb.read_answer("t1")
    assert climb.answers_read == ["t1"]
    assert climb.ended_by() == ("faq", "t1")
    assert what_i_tried(lesson, 2, climb, {"t1": "Why"}) == (
        "- read 2 of 2 hints\n- read the answer to “Why”"
    )
    climb.asked = "t2"
    assert climb.ended_by() == ("thread", "t2")


def test_asked_since_is_the_newest_own_thread_on_the_lesson() -> None:
    m, ops = threads_cohort()
    state = fold_ops(ops)
    since = m.now
    assert asked_since(state, "m_a", "l1", since) is None
    ops.append(
        m.op("m_a", k.ThreadCreate(thread="t_q", post="t_qq", title="Q", body="b", lesson="l1"))
    )
    ops.append(
        m.op("m_b", k.ThreadCreate(thread="t_b", post="t_bq", title="Q", body="b", lesson="l1"))
    )
    assert asked_since(fold_ops(ops), "m_a", "l1", since) == "t_q"


def spell(m: OpMaker, who: str, lesson: str, rung: str, thread: str | None = None) -> list[Op]:
    return [
        m.op(who, k.CheckRun(lesson=lesson, passed=False)),
        m.op(who, k.CheckRun(lesson=lesson, passed=True)),
        m.op(who, k.CheckUnstuck(lesson=lesson, rung=rung, thread=thread)),  # type: ignore[arg-type]
    ]


def test_fold_counts_one_rung_per_failure_spell_and_refuses_the_rest() -> None:
    m, ops = threads_cohort()
    ops += spell(m, "m_a", "l1", "hint")
    ops += spell(m, "m_b", "l1", "faq", "t_json")
    ops += spell(m, "m_c", "l2", "thread", "t_l2")
    # A second record of the same spell, one with no failure, one never passed,
    # one naming an unknown thread, one by a non-member: all refused.
    ops.append(m.op("m_a", k.CheckUnstuck(lesson="l1", rung="hint")))
    ops.append(m.op("m_c", k.CheckUnstuck(lesson="l1", rung="faq")))
    ops.append(m.op("m_rev", k.CheckRun(lesson="l1", passed=False)))
    ops.append(m.op("m_rev", k.CheckUnstuck(lesson="l1", rung="alone")))
    ops.append(m.op("m_rev", k.CheckRun(lesson="l3", passed=False)))
    ops.append(m.op("m_rev", k.CheckRun(lesson="l3", passed=True)))
    ops.append(m.op("m_rev", k.CheckUnstuck(lesson="l3", rung="faq", thread="t_nope")))
    ops.append(m.op("m_ghost", k.CheckUnstuck(lesson="l1", rung="alone")))
    state = fold_ops(ops)
    assert state.unstuck == {"l1": {"hint": 1, "faq": 1}, "l2": {"thread": 1}}
    refused = [r for r in state.refused if r.kind == "check.unstuck"]
    assert len(refused) == 5
    assert state.stuck["m_rev"]["l1"].passed_at is None  # still stuck on l1
    # The same ops in any order, duplicated, fold the same.
    for seed in range(5):
        shuffled = ops + ops[::3]
        random.Random(seed).shuffle(shuffled)
        again = fold_ops(shuffled)
        assert again.unstuck == state.unstuck
        assert msgspec.to_builtins(again.stuck) == msgspec.to_builtins(state.stuck)


def test_a_new_failure_after_an_unrecorded_pass_starts_a_new_spell() -> None:
    m, ops = small_cohort()
    ops.append(m.op("m_a", k.CheckRun(lesson="l1", passed=False)))
    ops.append(m.op("m_a", k.CheckRun(lesson="l1", passed=True)))  # passed from the CLI
    ops.append(m.op("m_a", k.CheckRun(lesson="l1", passed=False)))
    failed_again = m.now
    ops.append(m.op("m_a", k.CheckRun(lesson="l1", passed=False)))
    state = fold_ops(ops)
    assert state.stuck["m_a"]["l1"].failed_at == failed_again
    assert state.stuck["m_a"]["l1"].passed_at is None


def test_report_says_per_lesson_what_got_people_unstuck() -> None:
    m, ops = threads_cohort()
    ops += spell(m, "m_a", "l1", "hint")
    ops += spell(m, "m_b", "l1", "faq", "t_json")
    ops += spell(m, "m_c", "l1", "alone")
    ops += spell(m, "m_c", "l2", "thread", "t_l2")
    ops.append(m.op("m_rev", k.CheckRun(lesson="l1", passed=False)))
    state = fold_ops(ops)
    figures = unstuck_figures(state)
    assert [
        (f.lesson, f.hint, f.faq, f.thread, f.alone, f.total, f.stuck_now) for f in figures
    ] == [
        ("l1", 1, 1, 0, 1, 3, 1),
        ("l2", 0, 0, 1, 0, 1, 0),
    ]
    report = cohort_report(state, m.now)
    as_json = msgspec.to_builtins(report)
    assert as_json["unstuck"][0] == {
        "lesson": "l1",
        "title": "One",
        "hint": 1,
        "faq": 1,
        "thread": 0,
        "alone": 1,
        "total": 3,
        "stuck_now": 1,
    }
    text = text_report(report)
    assert "Getting unstuck" in text
    row = next(line for line in text.splitlines() if line.startswith("  One "))
    assert row.split()[1:] == ["1", "1", "0", "1", "1"]
    md = markdown_report(report)
    assert "| One | 1 | 1 | 0 | 1 | 1 |" in md
    empty = cohort_report(fold_ops(small_cohort()[1]), m.now)
    assert "no check has failed yet" in text_report(empty)
    assert "No check has failed yet." in markdown_report(empty)


def test_report_cleans_a_hostile_lesson_title() -> None:
    m, ops = small_cohort()
    hostile = "\x1b[2J| # *x* [l](javascript:1) \u202eevil"
    ops.append(m.op("m_fac", k.LessonUpsert(lesson="l1", module="basics", title=hostile, order=0)))
    ops.append(m.op("m_a", k.CheckRun(lesson="l1", passed=False)))
    report = cohort_report(fold_ops(ops), m.now)
    for out in (text_report(report), markdown_report(report)):
        assert "\x1b" not in out and "\u202e" not in out
    assert "\\| \\# \\*x\\* \\[l\\]" in markdown_report(report)
