"""Helpers the benchmark scripts share: timing subprocesses, stores in a cache dir."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(os.environ.get("COHORT_BENCH_CACHE", Path(tempfile.gettempdir()) / "cohort-bench"))


def timed_runs(argv: list[str], runs: int = 5, env: dict[str, str] | None = None) -> list[float]:
    """Wall seconds of ``runs`` runs of a command (after one warm-up run)."""
    full_env = {**os.environ, **(env or {})}
    subprocess.run(argv, check=True, capture_output=True, env=full_env)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True, env=full_env)
        times.append(time.perf_counter() - t)
    return times


def first_frame_times(argv: list[str], runs: int = 5) -> list[float]:
    """Seconds from starting ``argv`` to the wall time it prints at its first frame."""
    subprocess.run(argv, check=True, capture_output=True)  # warm the disk cache
    times = []
    for _ in range(runs):
        start = time.time()
        out = subprocess.run(argv, check=True, capture_output=True, text=True)
        times.append(float(out.stdout.strip().splitlines()[-1]) - start)
    return times


def median(values: list[float]) -> float:
    return statistics.median(values)


def python() -> str:
    return sys.executable


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"
