"""Strips drawn at their own width are freed at once, not left for the collector."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from hypothesis import given
from hypothesis import strategies as st
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from cohort_tui.ui import strip_cycles


@contextmanager
def collector_paused() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_a_strip_cropped_and_divided_at_its_own_width_leaves_no_cycle() -> None:
    strip_cycles.install()
    with collector_paused():
        strip = Strip([Segment("hello "), Segment("world", Style(bold=True))])
        assert strip.crop_extend(0, strip.cell_length, None) is strip
        assert strip.divide([strip.cell_length]) == [strip]
        del strip
        assert gc.collect() == 0  # reference counting freed it, caches and all


def test_textual_still_ties_the_knot_that_install_unties() -> None:
    # If a Textual upgrade stops caching the strip in itself, this fails: the patch
    # (and strip_cycles) can go.
    with collector_paused():
        strip = Strip([Segment("hello")])
        strip_cycles._crop_extend(strip, 0, strip.cell_length, None)
        strip_cycles._divide(strip, [strip.cell_length])
        del strip
        assert gc.collect() > 0


texts = st.lists(st.text(alphabet="ab 漢", min_size=1, max_size=6), min_size=1, max_size=4)


def _cells(strip: Strip) -> list[tuple[str, int]]:
    return [(segment.text, strip.cell_length) for segment in strip]


@given(texts, st.integers(-2, 30), st.integers(-2, 30))
def test_crop_extend_gives_what_textual_gives(parts: list[str], start: int, end: int) -> None:
    strip_cycles.install()
    ours = Strip([Segment(part) for part in parts]).crop_extend(start, end, None)
    theirs = strip_cycles._crop_extend(Strip([Segment(p) for p in parts]), start, end, None)
    assert _cells(ours) == _cells(theirs)


@given(texts, st.lists(st.integers(0, 30), max_size=4))
def test_divide_gives_what_textual_gives(parts: list[str], cuts: list[int]) -> None:
    strip_cycles.install()
    cuts = sorted(cuts)
    ours = Strip([Segment(part) for part in parts]).divide(iter(cuts))
    theirs = strip_cycles._divide(Strip([Segment(p) for p in parts]), cuts)
    assert [_cells(strip) for strip in ours] == [_cells(strip) for strip in theirs]
