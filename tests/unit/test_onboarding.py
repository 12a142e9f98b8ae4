"""The first-run checklist ticks itself from what the member does."""

from __future__ import annotations

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.model import DAY_MS
from cohort_tui.domain.onboarding import checklist, offer_checklist
from cohort_tui.domain.reduce import fold_ops
from tests.factories import OpMaker, small_cohort


def test_steps_tick_from_real_actions_and_the_list_goes_when_done() -> None:
    m = OpMaker()
    _, ops = small_cohort(m)
    ops.append(m.op("m_fac", k.ThreadCreate(thread="tw", post="pw", title="Welcome", body="hi")))
    ops.append(m.op("m_fac", k.CohortUpdate(welcome_thread="tw")))
    state = fold_ops(ops)
    now = m.now
    steps = checklist(state, "m_a", norms_read=False)
    assert [s.done for s in steps] == [False, False, False]
    assert offer_checklist(state, "m_a", steps, now)

    ops.append(m.op("m_a", k.PostCreate(post="pa", thread="tw", body="I'm Alice")))
    ops.append(m.op("m_a", k.ProgressSet(lesson=next(iter(state.lessons)), status="doing")))
    state = fold_ops(ops)
    steps = checklist(state, "m_a", norms_read=False)
    assert [s.done for s in steps] == [True, False, True]
    steps = checklist(state, "m_a", norms_read=True)
    assert not offer_checklist(state, "m_a", steps, now)  # all done


def test_a_post_elsewhere_is_not_an_introduction_and_old_members_are_not_asked() -> None:
    m = OpMaker()
    _, ops = small_cohort(m)
    ops.append(m.op("m_fac", k.ThreadCreate(thread="tw", post="pw", title="Welcome", body="hi")))
    ops.append(m.op("m_fac", k.CohortUpdate(welcome_thread="tw")))
    ops.append(m.op("m_a", k.ThreadCreate(thread="tx", post="px", title="Q", body="?")))
    state = fold_ops(ops)
    steps = checklist(state, "m_a", norms_read=False)
    assert not steps[0].done
    assert not offer_checklist(state, "m_a", steps, m.now + 15 * DAY_MS)
