"""The milestone tracker: one screen, six sections, each section its own widget."""

from __future__ import annotations

from cohort_tui.ui.screens.milestones.screen import MilestonesScreen

__all__ = ["MilestonesScreen"]
