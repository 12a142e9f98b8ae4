"""Figures kept op by op equal the figures computed from the whole state."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cohort_tui.domain import queries as q
from cohort_tui.domain.derived import Derived
from cohort_tui.domain.discussion_index import ThreadOrder
from cohort_tui.domain.discussions import ordered_threads
from cohort_tui.domain.model import State
from cohort_tui.domain.ops import Op
from cohort_tui.domain.reduce import OutOfOrder, apply_op
from cohort_tui.domain.today import today
from tests.factories import T0
from tests.unit.test_fold_properties import MEMBERS, op_histories


@settings(max_examples=120, deadline=None)
@given(op_histories(), st.sampled_from(MEMBERS[:6]), st.integers(1, 8))
def test_followed_op_by_op_equals_computed_afresh(ops: list[Op], me: str, split: int) -> None:
    state = State()
    ordered = sorted(ops, key=Op.sort_key)
    head = len(ordered) // split
    for op in ordered[:head]:
        try:
            apply_op(state, op)
        except OutOfOrder:  # a second copy of an id: skipped, as a refold would
            continue
    derived, order = Derived(state, me), ThreadOrder(state)
    for op in ordered[head:]:
        try:
            apply_op(state, op)
        except OutOfOrder:
            continue
        derived.catch_up(state, [op])
        order.catch_up(state, [op])
    fresh = Derived(state, me)
    assert derived.unread_threads() == fresh.unread_threads()
    assert sorted(derived.unread_threads()) == sorted(q.unread_threads(state, me))
    assert derived.unread_total() == sum(n for _, n in q.unread_threads(state, me))
    assert sorted(derived.mentions(state)) == sorted(q.unread_mentions(state, me))
    now = T0 + 40 * 86_400_000
    assert derived.today(state, now) == fresh.today(state, now)
    kept, plain = derived.today(state, now), today(state, me, now)
    assert kept.unread_total == plain.unread_total == derived.unread_total()
    assert kept.changes_requested == plain.changes_requested
    assert derived.posts_since(0) == len(state.posts)
    assert order.ids() == [t.id for t in ordered_threads(state)]
