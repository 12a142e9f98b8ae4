"""Screens ask ``may_write`` before offering an action; it must agree with the fold."""

from __future__ import annotations

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.ops import Op
from cohort_tui.domain.permissions import ROLE_RULES, may_write, role_problem, sees_figures
from cohort_tui.domain.reduce import fold_ops
from tests.factories import small_cohort

PEOPLE = ("m_fac", "m_men", "m_rev", "m_a")


def test_may_write_agrees_with_the_fold_for_every_role_rule() -> None:
    m, ops = small_cohort()
    state = fold_ops(ops)
    probe = m.op("m_a", k.ThreadPin(thread="t1", pinned=True))
    for kind in ROLE_RULES:
        for member in PEOPLE:
            op = Op(probe.id, kind, member, probe.clock, probe.data)
            allowed = role_problem(state, op) is None
            assert may_write(state, member, kind) == allowed, (kind, member)


def test_who_may_write_what() -> None:
    _, ops = small_cohort()
    state = fold_ops(ops)
    assert may_write(state, "m_fac", k.MilestoneExtend.KIND)
    assert not may_write(state, "m_men", k.MilestoneExtend.KIND)
    assert may_write(state, "m_men", k.SessionNotes.KIND)
    assert not may_write(state, "m_a", k.SessionNotes.KIND)
    assert not may_write(state, "m_a", k.MilestoneUpsert.KIND)
    # A kind without a role rule asks no role of a member.
    assert may_write(state, "m_a", k.ShoutoutCreate.KIND)


def test_facilitators_and_mentors_see_the_cohort_figures() -> None:
    _, ops = small_cohort()
    state = fold_ops(ops)
    assert [sees_figures(state, p) for p in PEOPLE] == [True, True, False, False]
