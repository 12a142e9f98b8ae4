"""Badges derived from the state, on the hand-checked cohort of metrics_cohort.py."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.badges import CATALOGUE, badges_for, badges_since, new_badges
from cohort_tui.domain.model import DAY_MS, HOUR_MS, State
from cohort_tui.domain.ops import Op
from cohort_tui.domain.reduce import fold_ops
from tests.factories import OpMaker, small_cohort
from tests.unit.metrics_cohort import NOW, B, at, report_cohort

OPS = report_cohort()


@pytest.fixture(scope="module")
def state() -> State:
    return fold_ops(OPS)


def earned(state: State, member: str, now: int | None = NOW) -> list[tuple[str, int | None]]:
    return [(b.id, b.earned_at) for b in badges_for(state, member, now)]


def test_badges_of_each_member(state: State) -> None:
    # m_a: opened t1 at d0 09:00; met ms1 (d2) and ms2 (project approved by the last
    # review, d5 18:00) on time; active d0..d6, so the seventh day is d6.
    assert earned(state, "m_a") == [
        ("first-post", at(0, 9)),
        ("on-time", at(5, 18)),
        ("streak-7", at(6)),
    ]
    # m_b: a reply on d1 13:00, accepted as the answer in m_a's thread (time not kept);
    # met ms1 late (l2 on d8), so no on-time badge.
    assert earned(state, "m_b") == [("first-post", at(1, 13)), ("first-answer", None)]
    assert earned(state, "m_c") == []  # her only post is hidden
    assert earned(state, "m_d") == []
    # m_rev's calibration review (d4 09:00) is not a review of a peer.
    assert earned(state, "m_rev") == [("first-review", at(4, 18))]
    assert earned(state, "m_men") == [("first-review", at(5, 18))]


def test_badges_carry_catalogue_titles(state: State) -> None:
    for badge in badges_for(state, "m_a", NOW):
        assert (badge.title, badge.description) == CATALOGUE[badge.id]


def test_now_cuts_off_later_events(state: State) -> None:
    # At the start of day 5 the project is not approved yet and the run is five days long.
    assert earned(state, "m_a", at(5)) == [("first-post", at(0, 9))]
    assert earned(state, "m_a", at(0, 8)) == []
    assert earned(state, "m_a", None) == earned(state, "m_a", NOW)


def test_streak_needs_consecutive_days() -> None:
    m, ops = small_cohort(OpMaker(start=B))
    for day in (0, 1, 2, 3, 5, 6, 7, 8, 9, 10):  # a gap on day 4, then six days
        ops.append(m.op("m_a", k.ProgressSet(lesson="l1", status="doing"), at=at(day, 10)))
    state = fold_ops(ops)
    assert earned(state, "m_a", at(12)) == []
    ops.append(m.op("m_a", k.ProgressSet(lesson="l1", status="done"), at=at(11, 10)))
    assert earned(fold_ops(ops), "m_a", at(12)) == [("streak-7", at(11))]


def test_own_answer_in_own_thread_earns_nothing() -> None:
    m, ops = small_cohort(OpMaker(start=B))
    ops.append(m.op("m_a", k.ThreadCreate(thread="t", post="p", title="Q", body="?")))
    ops.append(m.op("m_a", k.ThreadAnswer(thread="t", post="p")))
    assert [b.id for b in badges_for(fold_ops(ops), "m_a")] == ["first-post"]


def test_on_time_needs_a_milestone_and_respects_extensions() -> None:
    m, ops = small_cohort(OpMaker(start=B))
    state = fold_ops(ops)
    ops.append(m.op("m_fac", k.MilestoneUpsert(milestone="ms1", title="W1", due=at(1),
                                               lessons=["l1"])))  # fmt: skip
    ops.append(m.op("m_b", k.ProgressSet(lesson="l1", status="done"), at=at(2)))
    assert "on-time" not in {b.id for b in badges_for(state, "m_b")}  # no milestones at all
    assert "on-time" not in {b.id for b in badges_for(fold_ops(ops), "m_b")}  # late
    ops.append(m.op("m_fac", k.MilestoneExtend(milestone="ms1", member="m_b", due=at(3))))
    assert ("on-time", at(2)) in earned(fold_ops(ops), "m_b", None)


def _helpful_reviews(count: int) -> tuple[OpMaker, list[Op]]:
    """m_a submits ``count`` l1 projects; m_rev reviews each and m_a marks it helpful."""
    m, ops = small_cohort(OpMaker(start=B))
    for i in range(count):
        revision = k.RevisionData(revision=f"r{i}", files=[k.SubmittedFile(path="a", content="")])
        ops.append(m.op("m_a", k.SubmissionCreate(submission=f"s{i}", lesson="l1", title="x",
                                                  revision=revision)))  # fmt: skip
        ops.append(m.op("m_rev", k.ReviewSubmit(review=f"v{i}", submission=f"s{i}",
                                                revision=f"r{i}", verdict="approve")))  # fmt: skip
        ops.append(m.op("m_a", k.ReviewHelpful(review=f"v{i}")))
    return m, ops


def test_five_helpful_reviews_and_new_badges() -> None:
    _, ops = _helpful_reviews(4)
    before = fold_ops(ops)
    assert [b.id for b in badges_for(before, "m_rev")] == ["first-review"]
    m, more = _helpful_reviews(5)
    after = fold_ops(more)
    assert [(b.id, b.earned_at) for b in new_badges(before, after, "m_rev")] == [
        ("helpful-reviewer", None)
    ]
    assert new_badges(after, after, "m_rev") == []
    assert [b.id for b in badges_since({"first-review"}, after, "m_rev")] == ["helpful-reviewer"]
    # Taking one "helpful" back takes the badge away: badges are never stored.
    more.append(m.op("m_a", k.ReviewHelpful(review="v4", helpful=False), at=m.now + HOUR_MS))
    assert [b.id for b in badges_for(fold_ops(more), "m_rev")] == ["first-review"]


def test_unknown_member_and_empty_state() -> None:
    assert badges_for(State(), "m_nobody", 0) == []
    assert badges_for(fold_ops(OPS), "m_nobody", NOW) == []


@settings(max_examples=60, deadline=None)
@given(
    keep=st.lists(st.booleans(), min_size=len(OPS), max_size=len(OPS)),
    now=st.one_of(st.none(), st.integers(B - DAY_MS, B + 30 * DAY_MS)),
)
def test_any_subset_of_ops_gives_sane_badges(keep: list[bool], now: int | None) -> None:
    state = fold_ops([op for op, kept in zip(OPS, keep, strict=True) if kept])
    for member in [*state.members, "m_unknown"]:
        badges = badges_for(state, member, now)
        ids = [b.id for b in badges]
        assert ids == [i for i in CATALOGUE if i in ids]  # catalogue order, no repeats
        if now is not None:
            assert all(b.earned_at is None or b.earned_at <= now for b in badges)
        assert new_badges(state, state, member, now) == []
