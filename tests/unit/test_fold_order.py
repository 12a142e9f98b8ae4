"""Sorting and splitting a whole log a piece at a time gives what one call gives."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cohort_tui.domain.ops import Op
from cohort_tui.domain.reduce import in_order
from cohort_tui.store.log import _lines
from tests.unit.test_fold_properties import op_histories


@given(op_histories(), st.integers(1, 7))
def test_blocks_merged_give_the_total_order(ops: list[Op], block: int) -> None:
    unique = list({op.id: op for op in ops}.values())
    assert list(in_order(unique, block)) == sorted(unique, key=Op.sort_key)


@given(
    st.binary(max_size=200).map(lambda b: bytes(10 if x % 3 == 0 else x for x in b)),
    st.integers(0, 220),
    st.integers(0, 220),
    st.integers(1, 12),
)
def test_pieces_give_the_lines_of_one_split(chunk: bytes, a: int, b: int, piece: int) -> None:
    start, end = sorted((min(a, len(chunk)), min(b, len(chunk))))
    assert list(_lines(chunk, start, end, piece)) == chunk[start:end].split(b"\n")
