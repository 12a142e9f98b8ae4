"""In a cohort with no welcome thread, no post ticks "introduce yourself in the welcome
thread": the step is not offered (issue 14, bug 12)."""

from __future__ import annotations

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.onboarding import checklist, introduced
from cohort_tui.domain.reduce import fold_ops
from tests.factories import OpMaker, small_cohort


def test_no_welcome_thread_no_intro_step_and_an_unrelated_post_ticks_nothing() -> None:
    m = OpMaker()
    _, ops = small_cohort(m)
    ops.append(m.op("m_a", k.ThreadCreate(thread="tx", post="px", title="Q", body="?")))
    state = fold_ops(ops)
    assert not introduced(state, "m_a")
    steps = checklist(state, "m_a", norms_read=False)
    assert [s.id for s in steps] == ["norms", "lesson"]
    assert not any(s.done for s in steps)


def test_a_welcome_thread_named_but_missing_counts_as_none() -> None:
    m = OpMaker()
    _, ops = small_cohort(m)
    ops.append(m.op("m_fac", k.CohortUpdate(welcome_thread="t_gone")))
    ops.append(m.op("m_a", k.ThreadCreate(thread="tx", post="px", title="Q", body="?")))
    state = fold_ops(ops)
    assert not introduced(state, "m_a")
    assert "intro" not in [s.id for s in checklist(state, "m_a", norms_read=False)]
