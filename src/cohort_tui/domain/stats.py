"""Small helpers the metrics share: a rate that is safe for an empty denominator, the
nearest-rank percentile, and how a response time reads."""

from __future__ import annotations

import math

from msgspec import Struct


class Rate(Struct, frozen=True, kw_only=True):
    """``done`` out of ``total``; ``rate`` is their ratio, 0.0 when there is nothing."""

    done: int
    total: int
    rate: float


def rate(done: int, total: int) -> Rate:
    """A :class:`Rate`, safe for an empty denominator."""
    return Rate(done=done, total=total, rate=done / total if total else 0.0)


def percentile(values: list[int], fraction: float) -> int:
    """The nearest-rank percentile of a non-empty, sorted list."""
    rank = max(1, math.ceil(fraction * len(values)))
    return values[rank - 1]


def duration(ms: float | None) -> str:
    """``45m``, ``20h 30m``, ``3d 4h``; ``-`` for None."""
    if ms is None:
        return "-"
    minutes = round(ms / 60_000)
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours}h {minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d {hours}h"
