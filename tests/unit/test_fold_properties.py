"""The fold's core promise: any order, any duplicates, same state."""

from __future__ import annotations

import random

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.export import export_json
from cohort_tui.domain.ops import Op, decode_op, encode_op
from cohort_tui.domain.reduce import fold_ops
from tests.factories import OpMaker, small_cohort

MEMBERS = ["m_fac", "m_men", "m_rev", "m_a", "m_b", "m_c", "m_stranger"]
LESSONS = ["l1", "l2", "l3", "l4", "l_missing"]
THREADS = ["t1", "t2", "t3"]
POSTS = ["p1", "p2", "p3", "p4", "p5", "p6"]


def _data(draw: st.DrawFn) -> k.Data:
    choice = draw(st.integers(0, 14))
    lesson = draw(st.sampled_from(LESSONS))
    thread = draw(st.sampled_from(THREADS))
    post = draw(st.sampled_from(POSTS))
    text = draw(st.text(max_size=20))
    if choice == 0:
        return k.ProgressSet(lesson=lesson, status=draw(st.sampled_from(["todo", "doing", "done"])))
    if choice == 1:
        return k.ThreadCreate(
            thread=thread,
            post=post,
            title=text or "t",
            body=text,
            lesson=draw(st.sampled_from([None, lesson])),
        )
    if choice == 2:
        return k.PostCreate(
            post=post, thread=thread, body=text, reply_to=draw(st.sampled_from([None, *POSTS]))
        )
    if choice == 3:
        return k.PostEdit(post=post, body=text)
    if choice == 4:
        return k.PostReact(
            post=post, emoji=draw(st.sampled_from(["+1", "eyes"])), on=draw(st.booleans())
        )
    if choice == 5:
        return k.PostHide(post=post, hidden=draw(st.booleans()), reason=text)
    if choice == 6:
        return k.ThreadRead(thread=thread, upto=(draw(st.integers(0, 2**40)), 0, "n"))
    if choice == 7:
        return k.ThreadPin(thread=thread, pinned=draw(st.booleans()))
    if choice == 8:
        return k.ThreadAnswer(thread=thread, post=draw(st.sampled_from([None, post])))
    if choice == 9:
        return k.MemberRoles(
            member=draw(st.sampled_from(MEMBERS)),
            roles=draw(st.lists(st.sampled_from(k.ROLES), min_size=1, max_size=2)),
        )
    if choice == 10:
        sub = draw(st.sampled_from(["s1", "s2"]))
        return k.SubmissionCreate(
            submission=sub,
            lesson="l4",
            title="x",
            revision=k.RevisionData(revision=f"{sub}r{draw(st.integers(0, 2))}", diff="+x"),
        )
    if choice == 11:
        sub = draw(st.sampled_from(["s1", "s2"]))
        return k.ReviewSubmit(
            review=draw(st.sampled_from(["v1", "v2", "v3"])),
            submission=sub,
            revision=f"{sub}r{draw(st.integers(0, 2))}",
            verdict=draw(st.sampled_from(["approve", "changes"])),
            scores=draw(st.sampled_from([{}, {"works": 3}, {"works": 9}])),
        )
    if choice == 12:
        return k.ReviewClaim(submission=draw(st.sampled_from(["s1", "s2"])))
    if choice == 13:
        return k.SkillRate(
            lesson=lesson,
            phase=draw(st.sampled_from(["before", "after"])),
            rating=draw(st.integers(1, 5)),
        )
    return k.ReviewReassign(
        submission=draw(st.sampled_from(["s1", "s2"])), reviewer=draw(st.sampled_from(MEMBERS))
    )


@st.composite
def op_histories(draw: st.DrawFn) -> list[Op]:
    """A small cohort, then random (often conflicting or unauthorised) ops from several
    replicas with interleaved and skewed clocks."""
    _, base = small_cohort()
    makers = [OpMaker(node=f"n{i}", start=base[-1].at + 1) for i in range(3)]
    ops = list(base)
    for _ in range(draw(st.integers(0, 40))):
        maker = makers[draw(st.integers(0, 2))]
        skew = draw(st.sampled_from([0, 1_000, 3_600_000, -3_600_000, 365 * 86_400_000]))
        at = maker.now + draw(st.integers(1, 5_000)) + skew
        ops.append(maker.op(draw(st.sampled_from(MEMBERS)), _data(draw), at=max(at, 0)))
    return ops


def _fingerprint(ops: list[Op]) -> tuple[bytes, list[str]]:
    state = fold_ops(ops)
    return export_json(state), sorted(r.op for r in state.refused)


@settings(max_examples=150, deadline=None)
@given(op_histories(), st.randoms(use_true_random=False))
def test_any_order_any_duplicates_same_state(ops: list[Op], rnd: random.Random) -> None:
    expected = _fingerprint(ops)
    shuffled = ops + rnd.sample(ops, k=min(len(ops), 10))
    rnd.shuffle(shuffled)
    assert _fingerprint(shuffled) == expected


@settings(max_examples=60, deadline=None)
@given(op_histories(), st.integers(0, 60))
def test_folding_in_two_parts_equals_folding_at_once(ops: list[Op], cut: int) -> None:
    ordered = sorted(ops, key=Op.sort_key)
    state = fold_ops(ordered[:cut])
    fold_ops(ordered[cut:], state)
    assert export_json(state) == export_json(fold_ops(ops))


@settings(max_examples=60, deadline=None)
@given(op_histories())
def test_ops_survive_an_encode_decode_round_trip(ops: list[Op]) -> None:
    again = [decode_op(encode_op(op)) for op in ops]
    assert export_json(fold_ops(again)) == export_json(fold_ops(ops))


@settings(max_examples=60, deadline=None)
@given(op_histories())
def test_load_index_matches_a_recount(ops: list[Op]) -> None:
    from cohort_tui.domain.allocation import open_load

    state = fold_ops(ops)
    assert state.review_load == open_load(state)


@settings(max_examples=80, deadline=None)
@given(op_histories())
def test_shown_posts_index_matches_a_recount(ops: list[Op]) -> None:
    state = fold_ops(ops)
    recount: dict[str, dict[str, int]] = {}
    for post in state.posts.values():
        shown = recount.setdefault(post.thread, {})
        shown[post.author] = shown.get(post.author, 0) + (post.hidden is None)
    index = {t: {a: n for a, n in by.items() if n} for t, by in state.shown_posts.items()}
    assert index == {t: {a: n for a, n in by.items() if n} for t, by in recount.items()}


def test_unknown_kind_is_kept_and_skipped() -> None:
    _, ops = small_cohort()
    line = msgspec.json.encode(
        {
            "id": "zz1",
            "kind": "poll.create",
            "author": "m_a",
            "clock": [ops[-1].at + 5, 0, "n9"],
            "data": {"q": "?"},
        }
    )
    future = decode_op(line)
    state = fold_ops([*ops, future])
    assert state.unknown_ops == 1
    assert "zz1" in state.seen
    assert export_json(state) == export_json(fold_ops(ops))
    assert encode_op(future) == line  # round-trips untouched
