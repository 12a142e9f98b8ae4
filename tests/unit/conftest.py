"""Fixtures for CLI tests: a demo store built at a fixed time, and a CLI runner."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from cohort_tui.cli import main
from cohort_tui.demo.seed import write_demo_store

DEMO_NOW = 1_795_000_000_000

CliRunner = Callable[..., tuple[int, str, str]]


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A demo store (identical on every run)."""
    write_demo_store(tmp_path / "demo", now=DEMO_NOW)
    return tmp_path / "demo"


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> CliRunner:
    """Run ``cohort ARGS...``; returns ``(exit code, stdout, stderr)``."""

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run
