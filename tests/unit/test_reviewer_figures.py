"""Reviewer figures: hand-computed examples, the demo cohort, and properties."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from cohort_tui.domain.metrics import review_times
from cohort_tui.domain.model import (
    HOUR_MS,
    Assignment,
    Cohort,
    Member,
    Review,
    State,
    Submission,
)
from cohort_tui.domain.reduce import fold_ops
from cohort_tui.domain.reviewer_figures import figures_for, reviewer_figures
from tests.unit.conftest import DEMO_NOW
from tests.unit.metrics_cohort import report_cohort

T = 1_800_000_000_000


def member(mid: str, handle: str) -> Member:
    return Member(id=mid, handle=handle, display_name=handle.title(), roles=[], joined_at=0)


def review(
    rid: str,
    who: str,
    *,
    assigned: int | None,
    after_h: float = 0,
    helpful: bool = False,
    calibration: bool = False,
) -> Review:
    at = (assigned or T) + int(after_h * HOUR_MS)
    return Review(
        id=rid,
        submission="s",
        revision="r",
        reviewer=who,
        verdict="approve",
        submitted_at=at,
        assigned_at=assigned,
        helpful=helpful,
        calibration=calibration,
    )


def hand_state() -> State:
    """Target 24h. @lin answered five assignments in 1, 2, 10, 30 and 50 hours, has one
    waiting and handed one on; she also reviewed once unasked, and did a calibration
    review; two of her reviews were marked helpful. @priya answered two, in 2h and 4h.
    @sam has one assignment waiting. @ada (a mentor) reviewed once unasked, helpfully."""
    assignments = [
        Assignment(reviewer="m_lin", assigned_at=T, reviewed_at=T + h * HOUR_MS)
        for h in (30, 1, 50, 2, 10)
    ]
    assignments += [
        Assignment(reviewer="m_lin", assigned_at=T),
        Assignment(reviewer="m_lin", assigned_at=T, replaced_at=T + 80 * HOUR_MS),
        Assignment(reviewer="m_priya", assigned_at=T, reviewed_at=T + 2 * HOUR_MS),
        Assignment(reviewer="m_priya", assigned_at=T, reviewed_at=T + 4 * HOUR_MS),
        Assignment(reviewer="m_sam", assigned_at=T),
    ]
    reviews = [
        review("v1", "m_lin", assigned=T, after_h=1, helpful=True),
        review("v2", "m_lin", assigned=T, after_h=2),
        review("v3", "m_lin", assigned=T, after_h=10, helpful=True),
        review("v4", "m_lin", assigned=T, after_h=30),
        review("v5", "m_lin", assigned=T, after_h=50),
        review("v6", "m_lin", assigned=None),
        review("v7", "m_lin", assigned=None, calibration=True),
        review("v8", "m_priya", assigned=T, after_h=2),
        review("v9", "m_priya", assigned=T, after_h=4),
        review("v10", "m_ada", assigned=None, helpful=True),
    ]
    return State(
        cohort=Cohort(id="c", name="C", created_at=0, starts_at=0, response_target_hours=24),
        members={
            m.id: m
            for m in (
                member("m_lin", "lin"),
                member("m_priya", "priya"),
                member("m_sam", "sam"),
                member("m_ada", "ada"),
                member("m_zed", "zed"),
            )
        },
        submissions={
            "s": Submission(
                id="s", lesson="l", author="m_zed", title="S", created_at=T, assignments=assignments
            )
        },
        reviews={r.id: r for r in reviews},
    )


def test_hand_computed_figures() -> None:
    rows = {r.handle: r for r in reviewer_figures(hand_state())}
    assert list(rows) == ["ada", "lin", "priya", "sam"]  # zed never reviewed: not listed
    lin = rows["lin"]
    assert (lin.assigned, lin.done, lin.waiting, lin.handed_on) == (7, 5, 1, 1)
    assert lin.median_ms == 10 * HOUR_MS  # 1 2 [10] 30 50
    assert lin.p90_ms == 50 * HOUR_MS  # nearest rank: ceil(0.9 * 5) = 5th
    assert (lin.within_target.done, lin.within_target.total) == (3, 5)
    assert lin.within_target.rate == 0.6
    assert (lin.reviews, lin.helpful) == (6, 2)  # the calibration review is not counted
    priya = rows["priya"]
    assert priya.median_ms == 3 * HOUR_MS and priya.p90_ms == 4 * HOUR_MS
    assert priya.within_target.rate == 1.0
    sam = rows["sam"]
    assert (sam.assigned, sam.done, sam.waiting, sam.median_ms, sam.p90_ms) == (1, 0, 1, None, None)
    assert sam.within_target.rate == 0.0 and sam.within_target.total == 0
    ada = rows["ada"]
    assert (ada.assigned, ada.done, ada.reviews, ada.helpful) == (0, 0, 1, 1)
    assert figures_for(hand_state(), "m_zed") is None
    assert figures_for(hand_state(), "m_lin") == lin


def test_figures_from_real_ops() -> None:
    """The metrics cohort: m_rev reviewed s1 in 6h (marked helpful) and waits on s2;
    m_men reviewed s1 in 30h; alice waits on s2."""
    rows = {r.member: r for r in reviewer_figures(fold_ops(report_cohort()))}
    rev, men, alice = rows["m_rev"], rows["m_men"], rows["m_a"]
    assert (rev.assigned, rev.done, rev.waiting, rev.median_ms, rev.helpful) == (
        2,
        1,
        1,
        6 * HOUR_MS,
        1,
    )
    assert (men.done, men.p90_ms, men.within_target.rate) == (1, 30 * HOUR_MS, 1.0)
    assert (alice.assigned, alice.done, alice.reviews) == (1, 0, 0)


def test_reviewers_add_up_to_the_cohort(tmp_path: Path) -> None:
    from cohort_tui.demo.seed import write_demo_store

    state = write_demo_store(tmp_path / "demo", now=DEMO_NOW).state
    rows = reviewer_figures(state)
    cohort = review_times(state, DEMO_NOW)
    assert rows and sum(r.done for r in rows) == cohort.count
    assert sum(r.within_target.done for r in rows) == cohort.within_target.done
    assert sum(r.waiting for r in rows) == cohort.waiting


@st.composite
def states(draw: st.DrawFn) -> State:
    target = draw(st.integers(1, 200))
    people = ["m_a", "m_b", "m_c"]
    assignments = []
    reviews = []
    for i in range(draw(st.integers(0, 25))):
        who = draw(st.sampled_from(people))
        at = T + draw(st.integers(0, 10**9))
        fate = draw(st.sampled_from(["done", "waiting", "handed"]))
        took = draw(st.integers(-(10**6), 10**9))  # a skewed clock may even go back
        assignments.append(
            Assignment(
                reviewer=who,
                assigned_at=at,
                reviewed_at=at + took if fate == "done" else None,
                replaced_at=at + 1 if fate == "handed" else None,
            )
        )
        if fate == "done":
            flags = {"helpful": draw(st.booleans()), "calibration": draw(st.booleans())}
            reviews.append(review(f"v{i}", who, assigned=at, after_h=took / HOUR_MS, **flags))
    return State(
        cohort=Cohort(id="c", name="C", created_at=0, starts_at=0, response_target_hours=target),
        members={m: member(m, m[2:]) for m in people},
        submissions={
            "s": Submission(
                id="s", lesson="l", author="m_z", title="S", created_at=T, assignments=assignments
            )
        },
        reviews={r.id: r for r in reviews},
    )


@given(states())
def test_figures_are_consistent(state: State) -> None:
    for row in reviewer_figures(state):
        assert row.assigned == row.done + row.waiting + row.handed_on
        assert 0.0 <= row.within_target.rate <= 1.0
        assert row.within_target.total == row.done
        assert 0 <= row.helpful <= row.reviews
        if row.done:
            assert row.median_ms is not None and row.p90_ms is not None
            assert 0 <= row.median_ms <= row.p90_ms
        else:
            assert row.median_ms is None and row.p90_ms is None
