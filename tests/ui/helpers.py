"""Building the app over a deterministic demo store for pilot and snapshot tests."""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.content import Content
from textual.pilot import Pilot

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


POLL = 0.01
"""Seconds between looks at a condition that did not hold after messages settled."""


def _describe(condition: Callable[[], object]) -> str:
    try:
        return inspect.getsource(condition).strip()
    except (OSError, TypeError):
        return repr(condition)


async def wait_for(
    pilot: Pilot[Any],
    condition: Callable[[], object],
    *,
    timeout: float = 5.0,
    what: str | None = None,
) -> None:
    """Let the app run until ``condition()`` is true; fail after ``timeout`` seconds.

    Each look first lets pending messages settle (``pilot.pause()``), then, while the
    condition is still false, gives workers and timers a short slice of time. The
    failure names what was awaited (``what``, or the condition's source line).
    """
    deadline = time.monotonic() + timeout
    await pilot.pause()
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(
                f"timed out after {timeout}s waiting for: {what or _describe(condition)}"
            )
        await pilot.pause(POLL)


async def lesson_pane_shown(pilot: Pilot[Any]) -> None:
    """Wait until the curriculum's lesson pane shows the highlighted lesson (it is filled
    on a short timer, once the cursor rests)."""
    from cohort_tui.ui.screens.curriculum import CurriculumScreen
    from cohort_tui.ui.text import member_line

    def shown() -> bool:
        screen = pilot.app.screen
        if not isinstance(screen, CurriculumScreen):
            return False
        title = Content.from_markup(screen.query_one("#cur-right").border_title or "")
        lesson = screen.lesson
        return lesson is None or title.plain == member_line(lesson.title).plain

    await wait_for(pilot, shown, what="the lesson pane showing the highlighted lesson")


async def workers_done(pilot: Pilot[Any], *, timeout: float = 10.0) -> None:
    """Wait until no worker is running (file listings, diffs, folds) and the messages
    they posted are handled."""
    await wait_for(
        pilot,
        lambda: not any(worker.is_running for worker in pilot.app.workers),
        timeout=timeout,
        what="every worker to finish",
    )
    await pilot.pause()


async def mode_shown(pilot: Pilot[Any], mode: str) -> None:
    """Wait until ``mode``'s screen is the one on top and its workers are done."""
    app = pilot.app
    await wait_for(
        pilot,
        lambda: getattr(app, "current_mode", None) == mode and app.screen.is_mounted,
        what=f"the {mode} screen",
    )
    await workers_done(pilot)


async def screen_shown(pilot: Pilot[Any], screen: type[object]) -> None:
    """Wait until a screen of this type is on top and its workers are done."""
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, screen), what=f"a {screen.__name__}")
    await workers_done(pilot)
