"""Shared fixtures: isolated user dirs, small cohorts built from real ops."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from tests.faults import DiskFaults

# CI (and a submission) must not fail on an example nobody has seen before: there the
# property tests run a fixed, derandomised set of examples. At a desk they explore (the
# default profile), and whatever they find becomes an explicit @example.
settings.register_profile("ci", derandomize=True, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(autouse=True)
def isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Never touch the real user's config, data or default store in tests."""
    base = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("COHORT_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("COHORT_CONFIG_DIR", str(base / "config"))
    monkeypatch.setenv("COHORT_CACHE_DIR", str(base / "cache"))
    monkeypatch.delenv("COHORT_STORE", raising=False)
    monkeypatch.delenv("COHORT_AS", raising=False)
    monkeypatch.setenv("NO_COLOR", "")
    monkeypatch.delenv("NO_COLOR")
    yield


@pytest.fixture
def disk_faults(monkeypatch: pytest.MonkeyPatch) -> DiskFaults:
    """Inject disk faults into this process's ``os`` calls (see ``tests/faults.py``)."""
    return DiskFaults(monkeypatch)


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    """A path for a new store (does not exist yet)."""
    return tmp_path / "store"


@pytest.fixture(autouse=True)
def utc_time_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local times render the same on every machine."""
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    time.tzset()
