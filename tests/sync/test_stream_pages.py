"""Stream pages: one read per cohort, cursor and ring, and never a page hiding a new op."""

from __future__ import annotations

import asyncio

from cohort_tui.server.doorbell import Doorbell
from cohort_tui.server.stream_pages import MAX_ENTRIES, StreamPages


def test_listeners_at_one_cursor_share_a_read_until_the_next_ring() -> None:
    log: dict[str, list[tuple[int, bytes]]] = {"c1": [(1, b"a")], "c2": []}
    reads: list[tuple[str, int]] = []

    def read(cohort: str, after: int) -> list[tuple[int, bytes]]:
        reads.append((cohort, after))
        return [row for row in log[cohort] if row[0] > after]

    pages = StreamPages(read, lambda rows, cursor: b"%d:" % cursor + b"".join(b for _, b in rows))
    bell = Doorbell()
    for _ in range(50):  # fifty listeners woken together at cursor 0
        assert pages.after("c1", 0, bell.event("c1")) == (1, b"1:a")
    for _ in range(50):  # then all at cursor 1: nothing new
        assert pages.after("c1", 1, bell.event("c1")) is None
    assert reads == [("c1", 0), ("c1", 1)]
    # An op stored after the read rings the cohort: the next look reads again.
    log["c1"].append((2, b"b"))
    bell.ring("c1")
    assert pages.after("c1", 1, bell.event("c1")) == (2, b"2:b")
    assert reads[-1] == ("c1", 1)
    # Another cohort, or a ring missed and made up for, reads too.
    assert pages.after("c2", 0, bell.event("c2")) is None
    bell.ring_all()
    assert pages.after("c1", 2, bell.event("c1")) is None
    assert len(reads) == 5


def test_entries_stay_bounded() -> None:
    pages = StreamPages(lambda cohort, after: [(after + 1, b"x")], lambda rows, c: b"e")
    ring = asyncio.Event()
    for cursor in range(3 * MAX_ENTRIES):
        pages.after("c1", cursor, ring)
    assert len(pages._pages) <= MAX_ENTRIES
