"""Facilitator metrics on a hand-checked cohort (see metrics_cohort.py), plus edge cases."""

from __future__ import annotations

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cohort_tui.domain import metrics as mx
from cohort_tui.domain import queries as q
from cohort_tui.domain.model import DAY_MS, HOUR_MS, State
from cohort_tui.domain.reduce import fold_ops
from tests.factories import small_cohort
from tests.unit.metrics_cohort import NOW, B, at, report_cohort

OPS = report_cohort()


@pytest.fixture(scope="module")
def state() -> State:
    folded = fold_ops(OPS)
    assert folded.refused == []
    return folded


def test_completion_rates(state: State) -> None:
    # 5 learners x 4 lessons; done: m_a 4, m_b 2, m_rev 2, m_c 0 (doing), m_d 0.
    assert mx.lesson_completion(state) == mx.Rate(done=8, total=20, rate=0.4)
    # One project lesson (l4) x 5 learners; only m_a's s1 is approved (s2 has no reviews).
    assert mx.project_completion(state) == mx.Rate(done=1, total=5, rate=0.2)


def test_review_response_times(state: State) -> None:
    times = mx.review_times(state, NOW)
    # v1: 6h, v2: 30h; the calibration review has no assignment and is left out.
    assert times.count == 2
    assert times.median_ms == 18 * HOUR_MS
    assert times.p90_ms == 30 * HOUR_MS
    assert times.within_target == mx.Rate(done=2, total=2, rate=1.0)
    # s2's two assignments, made on day 8 at 13:00, have waited 49h > the 48h target.
    assert (times.waiting, times.waiting_past_target) == (2, 2)
    assert mx.review_times(state, at(10, 12)).waiting_past_target == 0


def test_percentile_is_nearest_rank() -> None:
    assert mx.percentile([5], 0.9) == 5
    assert mx.percentile(list(range(1, 11)), 0.9) == 9
    assert mx.percentile(list(range(1, 12)), 0.9) == 10


def test_skill_growth(state: State) -> None:
    overall, rows = mx.skill_growth(state)
    # l1: m_a 2->4, m_b 3->4 (m_rev rated only before); l2: m_a 2->5.
    assert rows == [
        mx.SkillGrowth(lesson="l1", title="One", raters=2, before=2.5, after=4.0, growth=1.5),
        mx.SkillGrowth(lesson="l2", title="Two", raters=1, before=2.0, after=5.0, growth=3.0),
    ]
    assert overall == pytest.approx((2 + 1 + 3) / 3)


def test_retention(state: State) -> None:
    weeks = mx.retention(state, NOW, weeks=4)
    assert [(w.start_ms, w.end_ms) for w in weeks] == [
        (at(-17), at(-10)),
        (at(-10), at(-3)),
        (at(-3), at(4)),
        (at(4), at(11)),
    ]
    # Days 4-10: m_a, m_b (d8), m_rev (d4, d6) of five; days -3..3: all but m_d, who
    # joined on day 3 and counts but never acted. Before day 0 nobody had joined.
    assert [(w.active, w.learners) for w in weeks] == [(0, 0), (0, 0), (4, 5), (3, 5)]
    assert [w.rate for w in weeks] == [0.0, 0.0, 0.8, 0.6]
    assert mx.retention(state, NOW, weeks=0) == []


def test_participation(state: State) -> None:
    rows = {p.handle: (p.posts, p.threads, p.reviews, p.last_active_ms) for p in
            mx.participation(state)}  # fmt: skip
    assert list(rows) == ["alice", "bob", "carol", "dave", "fac", "men", "rev"]
    assert rows == {
        "alice": (4, 2, 0, at(10)),  # two thread openers and two replies
        "bob": (1, 0, 0, at(8)),
        "carol": (0, 0, 0, at(0)),  # her only post is hidden
        "dave": (0, 0, 0, None),
        "fac": (0, 0, 0, at(9)),
        "men": (0, 0, 1, at(5)),
        "rev": (0, 0, 1, at(6)),  # the calibration review does not count
    }


def test_at_risk(state: State) -> None:
    rows = mx.at_risk(state, NOW)
    assert [(r.member, r.inactive_days, r.behind) for r in rows] == [
        ("m_c", 10, ["ms1"]),
        ("m_d", 7, []),  # ms1 is extended to day 12 for Dave
    ]
    assert rows[0].reasons == [
        "inactive for 10 days",
        "behind on 'Week 1': 2 of 2 left, 3d overdue",
    ]
    assert rows[0].reason == "; ".join(rows[0].reasons)
    assert rows[1].reason == "no activity since joining 7 days ago"


def test_at_risk_thresholds(state: State) -> None:
    # m_rev was last active on day 6: four idle days are fine, five are not.
    assert "m_rev" not in {r.member for r in mx.at_risk(state, at(10, 23))}
    late = {r.member: r.reason for r in mx.at_risk(state, at(11))}
    assert late["m_rev"] == "inactive for 5 days"
    # A milestone due within a day counts as due: the morning before ms1 is due, m_c,
    # m_b and m_rev have not done l2 yet, nor m_d, whose extension comes on day 9.
    then = at(6, 9)
    early_state = fold_ops([op for op in OPS if op.at <= then])
    early = {r.member: r.reasons for r in mx.at_risk(early_state, then)}
    assert early["m_c"][-1] == "behind on 'Week 1': 2 of 2 left, in 15h"
    assert early["m_b"] == ["behind on 'Week 1': 1 of 2 left, in 15h"]
    assert early["m_rev"] == ["behind on 'Week 1': 1 of 2 left, in 15h"]
    assert early["m_d"] == ["behind on 'Week 1': 2 of 2 left, in 15h"]
    assert set(early) == {"m_b", "m_c", "m_d", "m_rev"}
    assert not any(r.behind for r in mx.at_risk(state, at(5)))


def test_report_bundles_everything(state: State) -> None:
    report = mx.cohort_report(state, NOW)
    assert (report.cohort, report.cohort_name, report.members, report.learners) == (
        "c1",
        "Test Pod",
        7,
        5,
    )
    assert report.lessons.rate == 0.4 and report.projects.rate == 0.2
    assert report.skill_growth == pytest.approx(2.0) and len(report.retention) == 4
    assert [r.member for r in report.at_risk] == ["m_c", "m_d"]
    encoded = msgspec.json.encode(report)
    assert msgspec.json.decode(encoded, type=mx.CohortReport) == report


def test_items_left_agrees_with_milestone_met(state: State) -> None:
    approved = mx.approved_projects(state)
    for milestone in state.milestones.values():
        for member in state.members:
            left = mx.items_left(state, milestone, member, approved)
            assert (left == 0) == q.milestone_met(state, milestone, member)


def test_empty_state_gives_an_empty_report() -> None:
    report = mx.cohort_report(State(), B)
    assert report.members == report.learners == 0
    assert report.lessons == mx.Rate(done=0, total=0, rate=0.0)
    assert report.reviews.median_ms is None and report.reviews.p90_ms is None
    assert report.skill_growth is None and report.skills == []
    assert report.participation == [] and report.at_risk == []
    assert all(w.learners == 0 and w.rate == 0.0 for w in report.retention)


def test_cohort_without_reviews_or_progress() -> None:
    _, ops = small_cohort()
    state = fold_ops(ops)
    report = mx.cohort_report(state, ops[-1].at + DAY_MS)
    assert report.reviews.count == 0 and report.reviews.median_ms is None
    assert report.reviews.within_target.rate == 0.0
    assert report.lessons == mx.Rate(done=0, total=16, rate=0.0)
    assert report.at_risk == []  # joined yesterday, milestone a week away


@settings(max_examples=60, deadline=None)
@given(
    keep=st.lists(st.booleans(), min_size=len(OPS), max_size=len(OPS)),
    now=st.integers(B - 30 * DAY_MS, B + 60 * DAY_MS),
    weeks=st.integers(0, 8),
)
def test_any_subset_of_ops_gives_a_sane_report(keep: list[bool], now: int, weeks: int) -> None:
    # Dropping ops at random makes cohorts with no members, no reviews, no progress,
    # reviews without assignments, milestones nobody can meet...
    state = fold_ops([op for op, kept in zip(OPS, keep, strict=True) if kept])
    report = mx.cohort_report(state, now, weeks)
    rates = [report.lessons, report.projects, report.reviews.within_target]
    assert all(0.0 <= r.rate <= 1.0 and 0 <= r.done <= r.total for r in rates)
    assert len(report.retention) == weeks
    assert all(0.0 <= w.rate <= 1.0 and w.active <= w.learners for w in report.retention)
    if report.reviews.count:
        assert report.reviews.median_ms is not None and report.reviews.p90_ms is not None
        assert 0 <= report.reviews.median_ms <= report.reviews.p90_ms
    else:
        assert report.reviews.median_ms is None and report.reviews.p90_ms is None
    assert all(1 <= s.before <= 5 and 1 <= s.after <= 5 and s.raters > 0 for s in report.skills)
    assert len(report.participation) == len(state.members)
    at_risk = [r.member for r in report.at_risk]
    assert len(set(at_risk)) == len(at_risk) and set(at_risk) <= set(q.learners(state))
    assert all(r.reasons and r.inactive_days >= 0 for r in report.at_risk)
    assert mx.cohort_report(state, now, weeks) == report  # deterministic
