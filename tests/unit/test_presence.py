"""Presence: decoding untrusted entries, who is fresh, what Home says, and the presence
file the panes on one store share (bounded, tolerant of garbage, atomic)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import msgspec

from cohort_tui.domain.presence import (
    MAX_BYTES,
    MAX_ENTRIES,
    TTL_MS,
    Seen,
    decode_entries,
    fresh,
    here_now,
    on_lesson,
    place,
    summary,
    valid_where,
)
from cohort_tui.domain.reduce import fold_ops
from cohort_tui.store.presence_file import PRESENCE_NAME, beat, read_presence, relay
from tests.factories import small_cohort

NOW = 1_790_000_100_000


def test_decode_keeps_good_entries_and_drops_the_rest() -> None:
    raw = [
        {"member": "m_a", "where": "lesson:l1", "at": NOW},
        {"member": "m_b", "where": "\x1b]0;pwned\x07", "at": NOW},  # control characters
        {"member": "m b", "where": "home", "at": NOW},  # not an id
        {"member": "m_c", "where": "x" * 101, "at": NOW},  # too long
        {"member": "m_d", "where": "home", "at": -1},
        {"member": "m_e", "where": "home", "at": "soon"},
        "not an object",
        None,
        {"member": "m_f", "where": "home", "at": NOW, "extra": [1, 2]},  # extra: ignored
    ]
    assert decode_entries(raw) == [Seen("m_a", "lesson:l1", NOW), Seen("m_f", "home", NOW)]
    assert decode_entries({"member": "m_a"}) == []
    assert decode_entries(None) == []
    many = [{"member": f"m_{i}", "where": "home", "at": NOW} for i in range(1_000)]
    assert len(decode_entries(many)) == MAX_ENTRIES
    assert valid_where("lesson:io-json") and not valid_where("a b") and valid_where("")


def test_fresh_keeps_the_newest_per_member_within_the_ttl() -> None:
    entries = [
        Seen("m_a", "home", NOW - TTL_MS - 1),  # stale
        Seen("m_b", "home", NOW - 1_000),
        Seen("m_b", "lesson:l2", NOW),
        Seen("m_c", "curriculum", NOW + 5_000),  # a clock ahead counts as now
    ]
    assert fresh(entries, NOW) == [
        Seen("m_b", "lesson:l2", NOW),
        Seen("m_c", "curriculum", NOW + 5_000),
    ]


def test_here_now_and_what_home_says() -> None:
    _, ops = small_cohort()
    state = fold_ops(ops)
    entries = [
        Seen("m_a", "lesson:l1", NOW),  # alice
        Seen("m_b", "discussions", NOW),  # bob
        Seen("m_c", "nowhere-known", NOW),  # carol
        Seen("m_men", "home", NOW),
        Seen("m_ghost", "home", NOW),  # not a member: never shown
        Seen("m_fac", "home", NOW),  # me
    ]
    seats = here_now(entries, state, NOW, "m_fac")
    assert [s.member for s in seats] == ["m_a", "m_b", "m_c", "m_men"]  # by handle
    assert summary(state, seats) == (
        "4 here now: @alice on One, @bob in Discussions, @carol somewhere and 1 more"
    )
    assert summary(state, []) == ""
    assert on_lesson(seats, "l1") == ["m_a"]
    assert place(state, "lesson:gone") == "on a lesson"
    assert place(state, "home") == "on Home"


def test_a_pane_beats_reads_others_and_leaves(tmp_path: Path) -> None:
    beat(tmp_path, "pane1", Seen("m_a", "home", NOW), NOW)
    data = beat(tmp_path, "pane2", Seen("m_b", "lesson:l1", NOW + 1), NOW + 1)
    assert sorted(s.member for s in data.everyone()) == ["m_a", "m_b"]
    relay(tmp_path, [Seen("m_c", "reviews", NOW)], NOW + 2)
    assert [s.member for s in read_presence(tmp_path).remote] == ["m_c"]
    beat(tmp_path, "pane1", None, NOW + 3)  # pane 1 closes
    data = read_presence(tmp_path)
    assert list(data.panes) == ["pane2"] and data.remote == [Seen("m_c", "reviews", NOW)]
    # A stale entry (a pane that crashed) is dropped by the next write.
    beat(tmp_path, "pane3", Seen("m_d", "home", NOW + TTL_MS + 10), NOW + TTL_MS + 10)
    assert list(read_presence(tmp_path).panes) == ["pane3"]
    assert not list(tmp_path.glob(".presence.json-*"))  # no temp file left behind


def test_garbage_wrong_shapes_and_huge_files_read_as_nobody(tmp_path: Path) -> None:
    path = tmp_path / PRESENCE_NAME
    for garbage in (
        b"\x00\xff garbage",
        b"[1, 2, 3]",
        b'{"panes": [1], "remote": {"a": 1}}',
        b'{"panes": {"p": {"member": "m_a", "where": "home", "at": "x"}}}',
        json.dumps({"panes": {"": {"member": "m_a", "where": "home", "at": NOW}}}).encode(),
        b"{" + b" " * (MAX_BYTES + 1) + b"}",
    ):
        path.write_bytes(garbage)
        assert read_presence(tmp_path).everyone() == [], garbage
        beat(tmp_path, "pane1", Seen("m_a", "home", NOW), NOW)  # and it heals
        assert [s.member for s in read_presence(tmp_path).everyone()] == ["m_a"]
    assert read_presence(tmp_path / "missing").everyone() == []


def test_the_file_stays_bounded_however_many_panes_write(tmp_path: Path) -> None:
    for i in range(3 * MAX_ENTRIES):
        beat(tmp_path, f"pane{i}", Seen(f"m_{i}", "home", NOW + i), NOW + i)
    relay(tmp_path, [Seen(f"m_r{i}", "home", NOW) for i in range(500)], NOW)
    data = read_presence(tmp_path)
    assert len(data.panes) == MAX_ENTRIES and len(data.remote) == MAX_ENTRIES
    assert "pane191" in data.panes  # the newest kept
    assert (tmp_path / PRESENCE_NAME).stat().st_size < MAX_BYTES


def test_concurrent_panes_never_leave_a_torn_file(tmp_path: Path) -> None:
    def pane(n: int) -> None:
        for i in range(30):
            beat(tmp_path, f"pane{n}", Seen(f"m_{n}", f"lesson:l{i}", NOW + i), NOW + i)

    threads = [threading.Thread(target=pane, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    doc = msgspec.json.decode((tmp_path / PRESENCE_NAME).read_bytes())
    assert sorted(doc["panes"]) == ["pane0", "pane1", "pane2", "pane3"]  # the lock: none lost


def test_a_servers_presence_reply_is_checked_entry_by_entry() -> None:
    from cohort_tui.sync.client import _presence

    good = {"member": "m_a", "where": "home", "at": NOW}
    assert _presence(msgspec.json.encode({"members": [good], "ttl_ms": 1})) == [
        Seen("m_a", "home", NOW)
    ]
    hostile = {"member": "m_b", "where": "\x1b]0;pwned\x07\u202e", "at": NOW}
    assert _presence(msgspec.json.encode({"members": [hostile, good]})) == [
        Seen("m_a", "home", NOW)
    ]
    for garbage in (b"", b"\xff\xfe", b"[]", b'{"members": "x"}', b" " * (MAX_BYTES + 1)):
        assert _presence(garbage) == [], garbage
