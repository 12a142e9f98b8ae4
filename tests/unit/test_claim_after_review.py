"""A claim on a submission I already reviewed at its latest revision is refused
(issue 14, bug 5): it put the submission back in my inbox as waiting and told the
author I held a claim."""

from __future__ import annotations

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain import queries as q
from cohort_tui.domain.reduce import fold_ops
from tests.factories import OpMaker, small_cohort


def _reviewed() -> tuple[OpMaker, list]:  # type: ignore[type-arg]
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
    ops.append(
        m.op(
            "m_rev",
            k.ReviewSubmit(
                review="v1", submission="s1", revision="r1", verdict="changes", scores={"works": 2}
            ),
        )
    )
    return m, ops


def test_claiming_after_reviewing_the_latest_revision_is_refused() -> None:
    m, ops = _reviewed()
    ops.append(m.op("m_rev", k.ReviewClaim(submission="s1")))
    state = fold_ops(ops)
    assert state.refused[-1].reason == "you already reviewed the latest revision"
    assert not q.reviews_waiting(state, "m_rev")
    sub = state.submissions["s1"]
    assert not [a for a in sub.assignments if a.reviewer == "m_rev" and a.claimed_until]


def test_a_new_revision_can_be_claimed_again() -> None:
    m, ops = _reviewed()
    ops.append(
        m.op(
            "m_a",
            k.SubmissionRevise(submission="s1", revision=k.RevisionData(revision="r2", diff="+y")),
        )
    )
    ops.append(m.op("m_rev", k.ReviewClaim(submission="s1")))
    state = fold_ops(ops)
    assert not state.refused
    mine = [a for a in state.submissions["s1"].assignments if a.reviewer == "m_rev"]
    assert mine[-1].active and mine[-1].claimed_until is not None
    assert [t.submission.id for t in q.reviews_waiting(state, "m_rev")] == ["s1"]
