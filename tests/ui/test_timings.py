"""The bench log (``COHORT_TIMINGS``): garbage collections long enough to hold a key."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from cohort_tui.ui import timings


def test_a_long_collection_is_logged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "timings.txt"
    monkeypatch.setattr(timings, "PATH", str(log))
    monkeypatch.setattr(timings, "_out", None)
    monkeypatch.setattr(timings, "_watching", None)
    watch = timings.watch_collector()
    assert watch is not None
    assert timings.watch_collector() is watch  # one callback, however many apps
    try:
        cycles: list[list[object]] = []
        for _ in range(300_000):  # cyclic garbage: only a collection frees it
            cell: list[object] = []
            cell.append(cell)
            cycles.append(cell)
        del cycles, cell
        gc.collect()
    finally:
        gc.callbacks.remove(watch)
        if timings._out is not None:
            timings._out.close()
    lines = log.read_text().splitlines()
    assert any(line.startswith("gc 2 ") and "ms " in line for line in lines), lines


def test_nothing_is_watched_without_a_log(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timings, "PATH", None)
    assert timings.watch_collector() is None
