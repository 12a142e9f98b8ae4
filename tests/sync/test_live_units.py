"""Small pieces of live sync: status labels and reconnect delays."""

from __future__ import annotations

from cohort_tui.sync.engine import Backoff, SyncResult
from cohort_tui.sync.live import LiveStatus


def test_status_labels() -> None:
    assert LiveStatus("online").label() == "online"
    assert LiveStatus("offline", pending=3).label() == "offline · 3 pending"
    assert LiveStatus("elsewhere").label() == "synced by another pane"


def test_backoff_grows_with_jitter_is_capped_and_resets() -> None:
    b = Backoff(base=1.0, cap=8.0)
    delays = [b.next_delay() for _ in range(10)]
    assert all(0 <= d <= 8.0 for d in delays)
    assert b.failures == 10
    b.reset()
    assert b.failures == 0 and b.next_delay() <= 1.0


def test_summary_is_one_line() -> None:
    r = SyncResult(pushed=3, pulled=2, pending=1, duplicates=1, rejected={"x": "no"})
    r.no_token.add("fay")
    text = r.summary()
    assert "\n" not in text
    assert text.startswith("pushed 3, pulled 2, 1 pending")
    assert "1 refused" in text and "no token here for fay" in text
