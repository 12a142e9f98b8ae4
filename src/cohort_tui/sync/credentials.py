"""``credentials.toml`` in a store: one server token per member, readable by its owner only.

A pod store can hold several members (each joined with their own invite); each has their
own token, and sync pushes a member's ops with that member's token. The file is written
with mode 0600 and tightened back to 0600 if someone loosened it.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tomllib
from dataclasses import dataclass
from pathlib import Path

import tomli_w

from cohort_tui.store.errors import StoreError, read_failed
from cohort_tui.store.files import atomic_write

FILE = "credentials.toml"


@dataclass(frozen=True)
class Credential:
    """One member's access to the server."""

    member: str
    handle: str
    token: str
    server: str
    cohort: str


def credentials_path(root: Path) -> Path:
    """Where a store keeps its credentials."""
    return root / FILE


def load_credentials(root: Path) -> dict[str, Credential]:
    """The store's credentials by member id (empty when there are none).

    Raises:
        StoreError: the file is damaged.
    """
    path = credentials_path(root)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return {}
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        # Best effort: on a read-only store the token can still be read and used.
        with contextlib.suppress(OSError):
            os.chmod(path, 0o600)
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise read_failed(path, exc) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise StoreError(
            f"{path} is damaged ({exc}); move it aside and run `cohort join` again."
        ) from None
    result: dict[str, Credential] = {}
    members = raw.get("members", {})
    if not isinstance(members, dict):
        raise StoreError(f"{path} is damaged (no [members] table).")
    for member, entry in members.items():
        if not isinstance(entry, dict):
            continue
        fields = {name: entry.get(name) for name in ("handle", "token", "server", "cohort")}
        if not all(isinstance(v, str) and v for v in fields.values()):
            raise StoreError(f"{path}: the entry for {member} is incomplete.")
        result[member] = Credential(member=member, **{k: str(v) for k, v in fields.items()})
    return result


def save_credentials(root: Path, creds: dict[str, Credential]) -> None:
    """Write every credential atomically, mode 0600.

    Raises:
        StoreWriteError: the disk or folder refused; the old file is kept.
    """
    data = {
        "members": {
            c.member: {"handle": c.handle, "token": c.token, "server": c.server, "cohort": c.cohort}
            for c in sorted(creds.values(), key=lambda c: c.member)
        }
    }
    # A temp file made 0600 from the start (the token is never readable by others, not
    # even for a moment), fsynced, replaced; a full disk leaves the old file and no temp.
    atomic_write(credentials_path(root), tomli_w.dumps(data).encode("utf-8"), mode=0o600)


def add_credential(root: Path, cred: Credential) -> None:
    """Add or replace one member's credential."""
    creds = load_credentials(root)
    creds[cred.member] = cred
    save_credentials(root, creds)
