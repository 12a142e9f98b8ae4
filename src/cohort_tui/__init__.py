"""cohort-tui: a terminal client for study cohorts."""

__version__ = "0.1.0"
