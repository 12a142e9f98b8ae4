"""The role rules are one table, asked by the fold and by the server."""

from __future__ import annotations

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.permissions import RULES, role_problem
from cohort_tui.domain.reduce import fold_ops
from tests.factories import small_cohort


def test_fold_and_role_problem_give_the_same_reason() -> None:
    m, ops = small_cohort()
    state = fold_ops(ops)
    bad = m.op("m_a", k.LessonUpsert(lesson="l9", module="basics", title="Nope"))
    reason = role_problem(state, bad)
    assert reason == "only a curator or facilitator may change the curriculum"
    after = fold_ops([bad], state)
    assert after.refused[-1].reason == reason
    assert "l9" not in after.lessons


def test_members_may_do_member_things_and_strangers_nothing() -> None:
    m, ops = small_cohort()
    state = fold_ops(ops)
    ok = m.op("m_a", k.ThreadCreate(thread="t1", post="p1", title="Hi", body="hello"))
    assert role_problem(state, ok) is None
    stranger = m.op("m_zz", k.ThreadCreate(thread="t2", post="p2", title="Hi", body="x"))
    assert role_problem(state, stranger) == "author is not a member of the cohort"
    state = fold_ops([ok], state)
    edit = m.op("m_b", k.PostEdit(post="p1", body="mine now"))
    assert role_problem(state, edit) == "only the author may edit a post"
    hide = m.op("m_men", k.PostHide(post="p1"))
    assert role_problem(state, hide) is None


def test_unknown_entities_and_unknown_kinds_are_not_role_problems() -> None:
    m, ops = small_cohort()
    state = fold_ops(ops)
    assert role_problem(state, m.op("m_b", k.PostEdit(post="nope", body="x"))) is None
    assert set(RULES) <= set(k.DATA_TYPES)
