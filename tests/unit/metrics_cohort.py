"""A small cohort with ten days of activity, for hand-checked metrics and badges.

Day ``d`` starts at ``B + d * DAY_MS`` (UTC midnight); the report is taken at ``NOW``,
14:00 on day 10. Learners: m_rev (reviewer too), m_a, m_b, m_c and m_d (joined day 3).

    m_a   thread t1 d0; l1..l4 done d1..d4; project s1 d4 12:00, approved by m_rev
          (d4 18:00, 6h) and m_men (d5 18:00, 30h); posts d5, d6; marks v1 helpful d6;
          accepts m_b's p2 as t1's answer d2; thread t2 d10. Skills l1 2->4, l2 2->5.
          Active d0-d6 and d10.
    m_b   l1 done d1, reply p2 d1, l2 done d8 (late for ms1), project s2 d8 13:00 (no
          reviews). Skill l1 3->4. Active d0, d1, d2, d8.
    m_c   l1 doing d0, post p5 d0 (hidden by m_men d1). Active d0 only.
    m_d   joined d3, never active; ms1 extended to d12 for them.
    m_rev l1 done d1, skill l1 before only d2, calibration review d4 09:00, review v1 d4,
          l2 done d6. Active d1, d2, d4, d6.
    ms1   "Week 1": l1, l2, due d7 00:00.   ms2 "Week 2": l1-l3 and project l4, due d14.
"""

from __future__ import annotations

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.model import DAY_MS, HOUR_MS
from cohort_tui.domain.ops import Op
from tests.factories import T0, OpMaker, small_cohort

B = (T0 // DAY_MS + 1) * DAY_MS
"""Midnight UTC starting day 0."""
NOW = B + 10 * DAY_MS + 14 * HOUR_MS


def at(day: int, hour: int = 0) -> int:
    """Epoch ms of ``hour``:00 on day ``day``."""
    return B + day * DAY_MS + hour * HOUR_MS


def _rev(name: str) -> k.RevisionData:
    return k.RevisionData(revision=name, files=[k.SubmittedFile(path="main.py", content="x")])


def report_cohort() -> list[Op]:
    """The ops of the cohort described in the module docstring, in time order."""
    m, ops = small_cohort(OpMaker(start=B))
    plan: list[tuple[str, k.Data, int]] = [
        ("m_fac", k.MilestoneUpsert(milestone="ms1", title="Week 1", due=at(7), lessons=["l1", "l2"]), at(0, 1)),  # noqa: E501
        ("m_fac", k.MilestoneUpsert(milestone="ms2", title="Week 2", due=at(14), lessons=["l1", "l2", "l3"], projects=["l4"]), at(0, 1) + 1_000),  # noqa: E501
        ("m_a", k.ThreadCreate(thread="t1", post="p1", title="Help with l1", body="how?"), at(0, 9)),  # noqa: E501
        ("m_a", k.SkillRate(lesson="l1", phase="before", rating=2), at(0, 10)),
        ("m_b", k.SkillRate(lesson="l1", phase="before", rating=3), at(0, 11)),
        ("m_c", k.ProgressSet(lesson="l1", status="doing"), at(0, 12)),
        ("m_c", k.PostCreate(post="p5", thread="t1", body="spam"), at(0, 13)),
        ("m_men", k.PostHide(post="p5", reason="off topic"), at(1, 8)),
        ("m_a", k.ProgressSet(lesson="l1", status="done"), at(1, 10)),
        ("m_b", k.ProgressSet(lesson="l1", status="done"), at(1, 12)),
        ("m_b", k.PostCreate(post="p2", thread="t1", body="like this"), at(1, 13)),
        ("m_rev", k.ProgressSet(lesson="l1", status="done"), at(1, 15)),
        ("m_a", k.ProgressSet(lesson="l2", status="done"), at(2, 10)),
        ("m_a", k.ThreadAnswer(thread="t1", post="p2"), at(2, 11)),
        ("m_b", k.SkillRate(lesson="l1", phase="after", rating=4), at(2, 12)),
        ("m_rev", k.SkillRate(lesson="l1", phase="before", rating=1), at(2, 13)),
        ("m_fac", k.MemberAdd(member="m_d", handle="dave", display_name="Dave"), at(3, 9)),
        ("m_a", k.ProgressSet(lesson="l3", status="done"), at(3, 10)),
        ("m_a", k.SkillRate(lesson="l1", phase="after", rating=4), at(3, 11)),
        ("m_a", k.SkillRate(lesson="l2", phase="before", rating=2), at(3, 12)),
        ("m_a", k.SkillRate(lesson="l2", phase="after", rating=5), at(3, 13)),
        ("m_rev", k.ReviewSubmit(review="cal1", submission="example:r1", revision="x", verdict="approve", calibration=True), at(4, 9)),  # noqa: E501
        ("m_a", k.ProgressSet(lesson="l4", status="done"), at(4, 10)),
        ("m_a", k.SubmissionCreate(submission="s1", lesson="l4", title="Mine", revision=_rev("s1r0")), at(4, 12)),  # noqa: E501
        ("m_rev", k.ReviewSubmit(review="v1", submission="s1", revision="s1r0", verdict="approve", scores={"works": 3}), at(4, 18)),  # noqa: E501
        ("m_a", k.PostCreate(post="p3", thread="t1", body="thanks"), at(5, 9)),
        ("m_men", k.ReviewSubmit(review="v2", submission="s1", revision="s1r0", verdict="approve"), at(5, 18)),  # noqa: E501
        ("m_a", k.PostCreate(post="p4", thread="t1", body="more"), at(6, 9)),
        ("m_a", k.ReviewHelpful(review="v1"), at(6, 10)),
        ("m_rev", k.ProgressSet(lesson="l2", status="done"), at(6, 15)),
        ("m_b", k.ProgressSet(lesson="l2", status="done"), at(8, 12)),
        ("m_b", k.SubmissionCreate(submission="s2", lesson="l4", title="Bob's", revision=_rev("s2r0")), at(8, 13)),  # noqa: E501
        ("m_fac", k.MilestoneExtend(milestone="ms1", member="m_d", due=at(12)), at(9, 9)),
        ("m_a", k.ThreadCreate(thread="t2", post="p6", title="Done!", body="yay"), at(10, 9)),
    ]  # fmt: skip
    for author, data, when in plan:
        ops.append(m.op(author, data, at=when))
    return ops
