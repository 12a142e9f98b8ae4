"""Joining a cohort on a server: a new replica, or one more member in a pod store."""

from __future__ import annotations

import contextlib
from pathlib import Path

from cohort_tui.domain.clock import new_node_id
from cohort_tui.store.errors import StoreWriteError, writing
from cohort_tui.store.files import atomic_write
from cohort_tui.store.workspace import StoreConfig, new_store_dir, read_config, write_config
from cohort_tui.sync.client import Joined, ServerClient, SyncError
from cohort_tui.sync.credentials import Credential, add_credential


def join_store(
    root: Path, client: ServerClient, invite: str, handle: str, display_name: str = ""
) -> tuple[Joined, bool]:
    """Redeem ``invite`` and record the new member's token in the store at ``root``.

    Makes the store (empty log, remote set) when ``root`` is new; an existing store must
    be of the invite's cohort (the server checks before using the invite). Returns the
    join and whether the store existed. Pull afterwards with :func:`sync_once`.

    The store is checked to be writable before the invite is spent; if writing still
    fails afterwards, a new store is removed again and the error says how to get a
    fresh token (a claim invite), since the spent invite cannot be used twice.

    Raises:
        SyncError: the store cannot take this join, or the server refused it.
        StoreError: ``root`` holds a damaged store.
        StoreWriteError: the store cannot be written; nothing is left half made.
    """
    urls = client.urls
    config = read_config(root) if (root / "store.toml").is_file() else None
    existed = config is not None
    if config is not None and config.remote and not set(config.urls) & set(urls):
        raise SyncError(f"{root} syncs with {config.remote}, not {urls[0]}")
    if config is None and root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise SyncError(f"{root} exists and is not a cohort store; pick a new directory")
    with contextlib.ExitStack() as undo:
        if config is None:
            undo.enter_context(new_store_dir(root))
        _check_writable(root)
        joined = client.join(invite, handle, display_name, config.cohort if config else None)
        try:
            _record(root, urls, client.base_url, config, joined)
        except StoreWriteError as exc:
            raise StoreWriteError(
                f"joined the cohort as @{joined.handle}, but cannot save the token in "
                f"{root}: {exc.cause}; the invite is used up, so once that is fixed ask "
                f"a facilitator for `cohort invite --claim {joined.handle}` and join with it.",
                exc.errno,
                exc.cause,
                Path(exc.filename),
            ) from exc
    return joined, existed


def _check_writable(root: Path) -> None:
    """Fail before the invite is spent if the store cannot take a small file."""
    probe = root / ".join-check"
    atomic_write(probe, bytes(_PROBE_BYTES), durable=False)
    with contextlib.suppress(OSError):
        probe.unlink()


_PROBE_BYTES = 4_096
"""About what the token and ``store.toml`` need: a full disk is caught before joining."""


def _record(
    root: Path, urls: list[str], url: str, config: StoreConfig | None, joined: Joined
) -> None:
    """Write the store files and the token after a successful join (through ``url``, one
    of the server's ``urls``)."""
    servers = urls if len(urls) > 1 else []
    if config is None:
        config = StoreConfig(
            cohort=joined.cohort,
            node=new_node_id(),
            default_member=joined.member,
            remote=urls[0],
            servers=servers,
        )
        with writing(root / "ops.jsonl"):
            (root / "ops.jsonl").touch()
        write_config(root, config)
    elif not config.remote:
        config.remote, config.servers = urls[0], servers
        write_config(root, config)
    elif any(u not in config.urls for u in urls):  # more instances named than the store knew
        config.servers = list(dict.fromkeys(config.urls + urls))
        write_config(root, config)
    add_credential(
        root,
        Credential(
            member=joined.member,
            handle=joined.handle,
            token=joined.token,
            server=url,
            cohort=joined.cohort,
        ),
    )
