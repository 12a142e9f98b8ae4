"""A late op folded in place gives exactly the state a refold gives, or is left alone."""

from __future__ import annotations

import random

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.export import export_json
from cohort_tui.domain.late import fold_late
from cohort_tui.domain.model import State
from cohort_tui.domain.ops import Op
from cohort_tui.domain.reduce import OutOfOrder, apply_op, fold_ops
from tests.factories import OpMaker, small_cohort
from tests.unit.test_fold_properties import op_histories


def fingerprint(state: State) -> bytes:
    """Everything a screen reads: the export, plus the indexes and markers it leaves out."""
    return msgspec.json.encode(
        [
            export_json(state).decode(),
            {m: state.reads.get(m, {}) for m in sorted(state.members)},
            state.shown_posts,
            state.active_days,
            sorted(r.op for r in state.refused),
            state.applied,
            state.last_clock,
        ],
        order="sorted",
    )


def fold_as_they_come(ops: list[Op]) -> tuple[State, int]:
    """Fold ops in arrival order the way a replica does; returns the state and how many
    late ops were folded in place."""
    state, arrived, in_place = State(), [], 0
    for op in ops:
        arrived.append(op)
        try:
            apply_op(state, op)
        except OutOfOrder:
            if fold_late(state, op):
                in_place += 1
            else:
                state = fold_ops(arrived)
    return state, in_place


def live_thread() -> tuple[OpMaker, list[Op]]:
    m, ops = small_cohort()
    ops.append(m.op("m_a", k.ThreadCreate(thread="t1", post="p0", title="Live", body="hi")))
    for i in range(1, 6):
        ops.append(m.op("m_b", k.PostCreate(post=f"p{i}", thread="t1", body=f"post {i}")))
    return m, ops


def test_a_late_post_and_a_late_read_marker_fold_in_place_as_a_refold_would() -> None:
    m, ops = live_thread()
    late_post = m.op("m_c", k.PostCreate(post="p_late", thread="t1", body="late", reply_to="p2"))
    late_read = m.op("m_a", k.ThreadRead(thread="t1", upto=ops[-1].clock))
    newer = [m.op("m_b", k.PostCreate(post=f"q{i}", thread="t1", body="x")) for i in range(3)]
    arrival = ops + newer + [late_post, late_read]
    state, in_place = fold_as_they_come(arrival)
    assert in_place == 2
    assert fingerprint(state) == fingerprint(fold_ops(arrival))
    posts = state.threads["t1"].posts
    assert posts.index("p_late") < posts.index("q0")  # at its place in the order


def test_what_might_differ_from_a_refold_is_left_alone() -> None:
    m, ops = live_thread()
    early = m.now - 500
    cases = [
        # replies to a post folded after it
        (k.PostCreate(post="x1", thread="t1", body="?", reply_to="p5"), "m_c", early - 3_000),
        # its thread was created after it
        (k.PostCreate(post="x2", thread="t1", body="?"), "m_c", ops[-6].at - 10),
        # its id is taken
        (k.PostCreate(post="p1", thread="t1", body="?"), "m_c", early),
        # not a member
        (k.PostCreate(post="x3", thread="t1", body="?"), "m_nobody", early),
        # another kind
        (k.PostEdit(post="p1", body="edited"), "m_b", early),
        # too late: offline work is refolded
        (k.PostCreate(post="x4", thread="t1", body="?"), "m_c", early - 3_600_000),
    ]
    state = fold_ops(ops)
    before = fingerprint(state)
    for data, author, at in cases:
        op = Op(f"late_{data.KIND}_{at}", data.KIND, author, (at, 0, "n_other"), data)
        assert not fold_late(state, op), data
        assert fingerprint(state) == before


def test_a_late_post_is_refolded_once_an_op_was_refused_for_want_of_a_post() -> None:
    m, ops = live_thread()
    late = m.op("m_c", k.PostCreate(post="p_late", thread="t1", body="late"))
    react = m.op("m_a", k.PostReact(post="p_late", emoji="+1", on=True))  # refused: unknown
    late = Op(late.id, late.kind, late.author, (m.now - 5_000, 0, "n_other"), late.data)
    state = fold_ops([*ops, react])
    assert not fold_late(state, late)
    state, _ = fold_as_they_come([*ops, react, late])
    assert fingerprint(state) == fingerprint(fold_ops([*ops, react, late]))


@settings(max_examples=150, deadline=None)
@given(op_histories(), st.randoms(use_true_random=False))
def test_any_arrival_order_folds_to_the_state_of_a_fresh_fold(
    ops: list[Op], rnd: random.Random
) -> None:
    arrival = list(ops)
    # Mostly in order with some ops held back a little, as a live stream delivers them.
    for _ in range(len(arrival) // 3):
        i = rnd.randrange(len(arrival))
        j = min(len(arrival) - 1, i + rnd.randint(1, 4))
        arrival[i], arrival[j] = arrival[j], arrival[i]
    state, _ = fold_as_they_come(arrival)
    assert fingerprint(state) == fingerprint(fold_ops(ops))
