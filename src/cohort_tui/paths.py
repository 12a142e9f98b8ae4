"""Where cohort-tui keeps things on this machine; one place tests can patch."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """The user data directory (the default store lives here)."""
    override = os.environ.get("COHORT_DATA_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir("cohort-tui", appauthor=False))


def config_dir() -> Path:
    """The user config directory (``config.toml``, drafts, user themes)."""
    override = os.environ.get("COHORT_CONFIG_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_config_dir("cohort-tui", appauthor=False))


def cache_dir() -> Path:
    """The user cache directory (parsed CSS: anything in it may be deleted at any time)."""
    override = os.environ.get("COHORT_CACHE_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("cohort-tui", appauthor=False))


def default_store() -> Path:
    """The store used when neither ``--store`` nor ``$COHORT_STORE`` names one."""
    return data_dir() / "default"


def resolve_store(flag: str | None) -> tuple[Path, bool]:
    """The store to open, and whether it is the default one (created on first run)."""
    if flag:
        return Path(flag).expanduser(), False
    env = os.environ.get("COHORT_STORE")
    if env:
        return Path(env).expanduser(), False
    return default_store(), True


def bundled_themes_dir() -> Path:
    """The ``themes/`` folder: packaged in the wheel, or at the repository root."""
    packaged = Path(__file__).parent / "_themes"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "themes"


def demo_curriculum_dir() -> Path:
    """The bundled demo curriculum."""
    return Path(__file__).parent / "demo" / "curriculum"
