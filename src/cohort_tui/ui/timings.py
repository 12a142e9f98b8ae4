"""When posts reach the screen, logged for the soak bench (``COHORT_TIMINGS=FILE``),
with refolds and garbage collections over 5 ms.

Reading a terminal emulator's screen from outside costs the bench more CPU than the app
it measures, and then measures the bench. With ``COHORT_TIMINGS`` set, the post view
appends ``<post id> <epoch seconds>`` to that file the first time it draws a post's
header (the frame that carries it goes to the terminal right after). Unset, it costs one
test of a module global per header drawn.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from typing import TextIO

PATH = os.environ.get("COHORT_TIMINGS") or None
"""Where to log; None: not logging."""

LIMIT = 100_000
"""Posts remembered as logged (the log stops there: a bench run is shorter)."""

_logged: set[str] = set()
_out: TextIO | None = None
_watching: Callable[[str, dict[str, int]], None] | None = None


def post_shown(post_id: str) -> None:
    """A post's header is being drawn: log the first time."""
    global _out
    if PATH is None or post_id in _logged or len(_logged) >= LIMIT:
        return
    _logged.add(post_id)
    with contextlib.suppress(OSError):
        if _out is None:
            _out = open(PATH, "a", buffering=1, encoding="utf-8")  # noqa: SIM115
        print(post_id, f"{time.time():.6f}", file=_out)  # a log file, not the screen


def watch_collector() -> Callable[[str, dict[str, int]], None] | None:
    """Log each garbage collection over 5 ms (``gc <generation> <ms>``): a collection
    is a pause no key gets through. Returns the callback it added (None: not logging)."""
    global _watching
    if PATH is None:
        return None
    if _watching is not None:  # one per process, however many apps it makes
        return _watching
    import gc

    started = [0.0]

    def timed(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
            return
        took = (time.perf_counter() - started[0]) * 1000
        if took > 5:
            note(f"gc {info['generation']} {took:.1f}ms")

    gc.callbacks.append(timed)
    _watching = timed
    return timed


def note(what: str) -> None:
    """Log an event (``refold``), every time."""
    global _out
    if PATH is None:
        return
    with contextlib.suppress(OSError):
        if _out is None:
            _out = open(PATH, "a", buffering=1, encoding="utf-8")  # noqa: SIM115
        print(what, f"{time.time():.6f}", file=_out)
