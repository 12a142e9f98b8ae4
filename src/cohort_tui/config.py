"""The user config, ``config.toml`` in the platformdirs config directory.

Read with tomllib and validated strictly with msgspec; a bad file gives one clear
message and the defaults, never a crash. Written with tomli-w when the user changes a
setting in the app (the theme).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated

import msgspec
from msgspec import Meta

from cohort_tui.paths import config_dir

# Config values reach the screen (a theme's name, keys in the footer and the help), so
# they are checked here like any outside text: a binding id and its keys are plain
# printable words, never markup or escape sequences.
ThemeName = Annotated[str, Meta(max_length=40, pattern=r"^[A-Za-z0-9_.-]*$")]
BindingId = Annotated[str, Meta(min_length=1, max_length=64, pattern=r"^[a-z0-9_.-]+$")]
Keys = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=100,
        # no spaces, controls, bidi or zero-width characters
        pattern="^[^\\x00-\\x20\\x7f-\\xa0\\u061c\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2069\\ufeff]+$",
    ),
]


class UserConfig(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Settings a user may put in ``config.toml``."""

    theme: ThemeName = "cohort-dark"
    """Name of the theme to start with."""
    keymap: dict[BindingId, Keys] = msgspec.field(default_factory=dict)
    """Binding id -> keys, e.g. ``{"app.mode.home" = "f1"}``."""
    relative_times: bool = True
    """Show '3h ago' rather than a date for recent activity."""
    check_sync: bool = True
    show_presence: bool = True
    """Let the cohort see that you are here and on which screen or lesson (false: hidden;
    you still see who else is here)."""


def config_path() -> Path:
    """The config file's path."""
    return config_dir() / "config.toml"


def load_config(path: Path | None = None) -> tuple[UserConfig, str | None]:
    """The user config and, if the file was bad, a one-line reason (defaults are used)."""
    path = path or config_path()
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return UserConfig(), None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return UserConfig(), f"{path}: {exc}; using defaults"
    try:
        return msgspec.convert(raw, UserConfig), None
    except msgspec.ValidationError as exc:
        return UserConfig(), f"{path}: {exc}; using defaults"


def save_config(config: UserConfig, path: Path | None = None) -> None:
    """Write the config atomically, keeping the file readable by hand.

    Raises:
        StoreWriteError: the disk or folder refused (an ``OSError`` too); the old file
            is kept and no temp file is left behind.
    """
    from cohort_tui.store.errors import writing
    from cohort_tui.store.files import atomic_write

    path = path or config_path()
    with writing(path):
        path.parent.mkdir(parents=True, exist_ok=True)
    import tomli_w  # only when saving

    atomic_write(path, tomli_w.dumps(msgspec.to_builtins(config)).encode(), mode=0o644)
