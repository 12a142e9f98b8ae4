"""The review screen's role checks (domain.permissions.credited, may_reply_on) agree
with the rules the fold and the server apply to the ops those keys write."""

from __future__ import annotations

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.permissions import credited, may_reply_on, role_problem
from cohort_tui.domain.reduce import fold_ops
from tests.factories import small_cohort

MEMBERS = ["m_fac", "m_men", "m_rev", "m_a", "m_b", "m_c"]


def test_who_may_reply_and_mark_helpful_is_who_the_fold_takes_it_from() -> None:
    m, ops = small_cohort()
    ops.append(
        m.op(
            "m_a",
            k.SubmissionCreate(
                submission="s1",
                lesson="l4",
                title="mine",
                revision=k.RevisionData(revision="r1", diff="+x"),
            ),
        )
    )
    review = k.ReviewSubmit(review="v1", submission="s1", revision="r1", verdict="approve")
    ops.append(m.op("m_rev", review))
    state = fold_ops(ops)
    sub = state.submissions["s1"]
    reply = {
        who: role_problem(state, m.op(who, k.ReviewReply(review="v1", reply="y", body="hi")))
        is None
        for who in MEMBERS
    }
    helpful = {
        who: role_problem(state, m.op(who, k.ReviewHelpful(review="v1", helpful=True))) is None
        for who in MEMBERS
    }
    assert {who: may_reply_on(state, who, sub) for who in MEMBERS} == reply
    assert [who for who in MEMBERS if reply[who]] == ["m_fac", "m_men", "m_rev", "m_a"]
    assert {who: credited(sub, who) for who in MEMBERS} == helpful
    assert [who for who in MEMBERS if helpful[who]] == ["m_a"]
