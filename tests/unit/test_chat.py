"""Quick-help chat on the op log: channels, order, reads, hiding, a chat turned thread."""

from __future__ import annotations

import random

import msgspec
import pytest

from cohort_tui.domain import chat
from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.model import State
from cohort_tui.domain.ops import Op, decode_op, encode_op
from cohort_tui.domain.reduce import fold_ops
from tests.factories import OpMaker, small_cohort


def _chat(m: OpMaker, author: str, message: str, text: str, channel: str = "cohort") -> Op:
    return m.op(author, k.ChatSend(message=message, channel=channel, text=text))


def test_messages_sit_in_fold_order_newest_last_on_every_replica() -> None:
    m, ops = small_cohort()
    ops += [_chat(m, "m_a", f"c{i}", f"hello {i}") for i in range(20)]
    expected = [f"c{i}" for i in range(20)]
    for seed in range(5):
        shuffled = ops + ops[-5:]  # duplicates too
        random.Random(seed).shuffle(shuffled)
        state = fold_ops(shuffled)
        assert chat.messages(state, "cohort") == expected
        assert not state.refused


def test_a_pod_channel_that_does_not_exist_is_refused() -> None:
    m, ops = small_cohort()
    ops.append(_chat(m, "m_a", "c1", "psst", channel="pod:nope"))
    ops.append(_chat(m, "m_a", "c2", "psst", channel="general"))
    state = fold_ops(ops)
    assert chat.messages(state, "pod:nope") == []
    assert [r.reason for r in state.refused] == [
        "unknown channel pod:nope",
        "unknown channel general",
    ]


def test_too_long_or_empty_messages_are_refused_and_kept_in_the_log() -> None:
    m, ops = small_cohort()
    good = _chat(m, "m_a", "c1", "x")
    raw = msgspec.json.decode(encode_op(good))
    raw["id"] = "too-long-1"
    raw["data"]["text"] = "x" * (k.CHAT_MAX_CHARS + 1)
    long_op = decode_op(msgspec.json.encode(raw), lenient=True)
    blank = _chat(m, "m_a", "c2", "   ")
    state = fold_ops([*ops, long_op, blank])
    assert chat.messages(state, "cohort") == []
    assert {r.op for r in state.refused} == {"too-long-1", blank.id}


def test_a_message_id_names_one_message() -> None:
    m, ops = small_cohort()
    ops += [_chat(m, "m_a", "c1", "first"), _chat(m, "m_b", "c1", "second")]
    state = fold_ops(ops)
    assert state.chat_messages["c1"].text == "first"
    assert state.refused[-1].reason == "message id already used"


def test_unread_counts_others_after_my_mark_and_the_mark_takes_the_max() -> None:
    m, ops = small_cohort()
    ops.append(_chat(m, "m_a", "c1", "mine"))
    others = [_chat(m, "m_b", f"o{i}", "hi") for i in range(3)]
    ops += others
    state = fold_ops(ops)
    assert chat.unread_count(state, "m_a", "cohort") == 3
    assert chat.first_unread(state, "m_a", "cohort") == 1
    assert chat.unread_count(state, "m_b", "cohort") == 0  # sending marks read
    late = m.op("m_a", k.ChatRead(channel="cohort", upto=others[1].clock))
    early = m.op("m_a", k.ChatRead(channel="cohort", upto=ops[0].clock))
    state = fold_ops([*ops, late, early])
    assert chat.unread_count(state, "m_a", "cohort") == 1
    assert chat.first_unread(state, "m_a", "cohort") == 3


def _unread_by_walking(state: State, member: str) -> list[int]:
    """The unread messages' indexes, the slow way: every message against the mark."""
    ids = chat.messages(state, "cohort")
    mark = chat.read_mark(state, member, "cohort")
    found = []
    for index, message_id in enumerate(ids):
        message = state.chat_messages[message_id]
        after = mark is None or tuple(message.clock) > tuple(mark)
        if after and message.author != member and not message.hidden:
            found.append(index)
    return found


def test_unread_found_by_searching_for_the_mark_matches_walking_every_message() -> None:
    m, ops = small_cohort()
    rng = random.Random(7)
    for n in range(60):
        ops.append(_chat(m, rng.choice(["m_a", "m_b", "m_men"]), f"c{n}", f"message {n}"))
    sent = [op for op in ops if isinstance(op.data, k.ChatSend)]
    ops.append(m.op("m_men", k.ChatHide(message="c41")))
    for upto in [None, sent[0], sent[17], sent[40], sent[41], sent[-2], sent[-1]]:
        extra = [] if upto is None else [m.op("m_a", k.ChatRead(channel="cohort", upto=upto.clock))]
        state = fold_ops([*ops, *extra])
        for member in ("m_a", "m_b"):
            expected = _unread_by_walking(state, member)
            assert chat.unread_count(state, member, "cohort") == len(expected)
            assert chat.first_unread(state, member, "cohort") == (expected[0] if expected else None)
            assert chat.has_unread(state, member, "cohort") == bool(expected)


def test_hiding_is_for_the_author_and_moderators() -> None:
    m, ops = small_cohort()
    ops.append(_chat(m, "m_a", "c1", "oops"))
    ops.append(m.op("m_b", k.ChatHide(message="c1")))
    state = fold_ops(ops)
    assert not state.chat_messages["c1"].hidden
    assert "hide a message" in state.refused[-1].reason
    ops.append(m.op("m_men", k.ChatHide(message="c1")))
    state = fold_ops(ops)
    assert state.chat_messages["c1"].hidden
    assert chat.unread_count(state, "m_b", "cohort") == 0  # hidden: nothing to read


def test_non_members_cannot_chat() -> None:
    m, ops = small_cohort()
    ops.append(_chat(m, "m_stranger", "c1", "hi"))
    state = fold_ops(ops)
    assert chat.messages(state, "cohort") == []


def test_a_chat_turned_thread_quotes_the_messages_in_order() -> None:
    m, ops = small_cohort()
    ops += [
        _chat(m, "m_a", "c1", "how do I   test time?"),
        _chat(m, "m_men", "c2", "pass the clock in"),
        _chat(m, "m_a", "c3", "thanks"),
    ]
    state = fold_ops(ops)
    title, body = chat.thread_draft(state, ["c2", "c1"])
    assert title == "how do I test time?"
    lines = body.splitlines()
    assert lines[0] == "From the Cohort chat:"
    assert lines[2].startswith("> @alice (") and lines[2].endswith("): how do I test time?")
    assert lines[4].endswith(": pass the clock in")
    assert "thanks" not in body
    assert chat.thread_draft(state, []) == ("", "")


@pytest.mark.parametrize("text", ["", "  ", "x" * (k.CHAT_MAX_CHARS + 1)])
def test_check_text_refuses_what_the_fold_would(text: str) -> None:
    assert chat.check_text(text) is not None


def test_pod_channels_are_for_the_pod_and_staff_and_closed_pods_are_read_only() -> None:
    m, ops = small_cohort()
    ops += [
        m.op("m_fac", k.PodCreate(pod="p1", name="Otters", members=["m_a", "m_b"])),
        _chat(m, "m_a", "c1", "pod hello", channel="pod:p1"),
        _chat(m, "m_c", "c2", "let me in", channel="pod:p1"),
        _chat(m, "m_men", "c3", "mentor here", channel="pod:p1"),
    ]
    state = fold_ops(ops)
    assert chat.messages(state, "pod:p1") == ["c1", "c3"]
    assert state.refused[-1].reason == "only the pod's members and the staff use a pod's channel"
    assert chat.channels_for(state, "m_a") == ["cohort", "pod:p1"]
    assert chat.channels_for(state, "m_c") == ["cohort"]
    assert chat.channels_for(state, "m_men") == ["cohort", "pod:p1"]
    assert chat.channel_title(state, "pod:p1") == "Pod Otters"
    assert chat.unread_count(state, "m_b", "pod:p1") == 2
    ops += [
        m.op(
            "m_fac",
            k.PodRotate(pods=[k.PodSpec(pod="p2", name="Lynx", members=["m_a", "m_c"])]),
        ),
        _chat(m, "m_a", "c4", "too late", channel="pod:p1"),
        m.op("m_b", k.ChatRead(channel="pod:p1", upto=ops[-1].clock)),  # reading stays
        _chat(m, "m_c", "c5", "new pod", channel="pod:p2"),
    ]
    state = fold_ops(ops)
    assert chat.messages(state, "pod:p1") == ["c1", "c3"]
    assert chat.messages(state, "pod:p2") == ["c5"]
    assert [r.reason for r in state.refused][-1] == (
        "the pod was closed by a rotation; its channel is read-only"
    )
    assert chat.unread_count(state, "m_b", "pod:p1") == 0
    assert chat.channels_for(state, "m_a") == ["cohort", "pod:p2"]
