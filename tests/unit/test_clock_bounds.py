"""Clock bounds: the counter never overflows, a far-future clock never drags ours, and a
store already holding such an op still opens and writes."""

from __future__ import annotations

import time

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.clock import (
    MAX_COUNTER,
    MAX_LEAD_MS,
    HybridClock,
    clock_problem,
)
from cohort_tui.domain.ops import decode_op, encode_op, make_op
from tests.factories import poison_line

DAY_MS = 86_400_000


def _now() -> int:
    return int(time.time() * 1000)


def test_bounds_are_sane() -> None:
    assert 60_000 <= MAX_LEAD_MS <= DAY_MS
    assert MAX_COUNTER == 2**31 - 1


def test_counter_at_its_limit_rolls_into_the_wall_clock() -> None:
    clock = HybridClock("n_a")
    t = 1_790_000_000_000
    clock.observe((t, MAX_COUNTER - 1, "n_b"), now_ms=t)
    first = clock.now(t)
    second = clock.now(t)
    assert first == (t, MAX_COUNTER, "n_a")
    assert second == (t + 1, 0, "n_a")
    assert first < second
    for _ in range(5):
        stamp = clock.now(t)
        assert 0 <= stamp[1] <= MAX_COUNTER


def test_an_over_range_counter_observed_is_clamped() -> None:
    clock = HybridClock("n_a")
    t = 1_790_000_000_000
    clock.observe((t, 2**31 + 5, "n_b"), now_ms=t)
    stamp = clock.now(t)
    assert stamp[1] <= MAX_COUNTER
    assert stamp > (t, MAX_COUNTER, "n_b") or stamp[0] > t


def test_a_clock_within_the_bound_is_followed() -> None:
    clock = HybridClock("n_a")
    t = 1_790_000_000_000
    ahead = t + MAX_LEAD_MS - 1
    clock.observe((ahead, 3, "n_b"), now_ms=t)
    assert clock.now(t) == (ahead, 4, "n_a")


def test_a_far_future_clock_never_drags_the_local_clock() -> None:
    clock = HybridClock("n_a")
    t = 1_790_000_000_000
    clock.observe((t + 300 * DAY_MS, 2**31, "n_evil"), now_ms=t)
    clock.observe((t + MAX_LEAD_MS + 1, 0, "n_evil"), now_ms=t)
    assert clock.now(t) == (t, 0, "n_a")


def test_clock_problem_names_the_bound() -> None:
    t = 1_790_000_000_000
    assert clock_problem((t + MAX_LEAD_MS, MAX_COUNTER, "n"), t) is None
    assert clock_problem((t - 400 * DAY_MS, 0, "n"), t) is None  # behind is fine
    ahead = clock_problem((t + 300 * DAY_MS, 0, "n"), t)
    assert ahead is not None and "300 days ahead" in ahead
    counter = clock_problem((t, 2**31, "n"), t)
    assert counter is not None and "counter" in counter


def test_an_over_range_counter_in_a_log_line_decodes_and_is_kept() -> None:
    op = decode_op(poison_line(), lenient=True)
    assert op.clock[1] == 2**31
    assert decode_op(encode_op(op), lenient=True) == op


def test_make_op_never_mints_an_over_range_counter() -> None:
    clock = HybridClock("n_a")
    clock.observe((_now(), 2**31 + 7, "n_b"))
    for _ in range(3):
        op = make_op(k.ProgressSet(lesson="x", status="done"), author="m", clock=clock)
        assert clock_problem(op.clock, _now()) is None
        decode_op(encode_op(op))  # a receiver takes it
