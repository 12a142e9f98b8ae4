"""Building the app over a deterministic demo store for pilot and snapshot tests."""

from __future__ import annotations

from pathlib import Path

from cohort_tui.config import UserConfig
from cohort_tui.demo.seed import write_demo_store
from cohort_tui.store.workspace import Replica
from cohort_tui.ui.app import CohortApp

NOW = 1_795_000_000_000
"""The demo's 'now' (2026-11-19 08:26 UTC): fifteen days into the cohort."""


def demo_replica(root: Path) -> Replica:
    """A demo store at ``root`` built at :data:`NOW` (identical on every run)."""
    if (root / "store.toml").exists():
        return Replica(root)
    return write_demo_store(root, now=NOW)


def make_app(
    root: Path, member: str = "m_sam", *, open_target: str | None = None, theme: str = "cohort-dark"
) -> CohortApp:
    """The app on the demo store, with a pinned clock and no polling or config writes."""
    replica = demo_replica(root)
    app = CohortApp(
        replica,
        member,
        open_target=open_target,
        config=UserConfig(theme=theme),
        poll_interval=0,
        save_settings=False,
        clock=lambda: NOW,
    )
    app.work_dir = Path("/home/learner/pod")  # the same in every snapshot, on every machine
    return app
