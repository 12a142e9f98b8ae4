"""Joining a cohort on a server: a new replica, or one more member in a pod store."""

from __future__ import annotations

from pathlib import Path

from cohort_tui.domain.clock import new_node_id
from cohort_tui.store.workspace import StoreConfig, read_config, write_config
from cohort_tui.sync.client import Joined, ServerClient, SyncError
from cohort_tui.sync.credentials import Credential, add_credential


def join_store(
    root: Path, client: ServerClient, invite: str, handle: str, display_name: str = ""
) -> tuple[Joined, bool]:
    """Redeem ``invite`` and record the new member's token in the store at ``root``.

    Makes the store (empty log, remote set) when ``root`` is new; an existing store must
    be of the invite's cohort (the server checks before using the invite). Returns the
    join and whether the store existed. Pull afterwards with :func:`sync_once`.

    Raises:
        SyncError: the store cannot take this join, or the server refused it.
        StoreError: ``root`` holds a damaged store.
    """
    url = client.base_url
    config = read_config(root) if (root / "store.toml").is_file() else None
    existed = config is not None
    if config is not None and config.remote and config.remote != url:
        raise SyncError(f"{root} syncs with {config.remote}, not {url}")
    if config is None:
        if root.exists() and (not root.is_dir() or any(root.iterdir())):
            raise SyncError(f"{root} exists and is not a cohort store; pick a new directory")
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SyncError(f"cannot create {root}: {exc.strerror}") from None
    joined = client.join(invite, handle, display_name, config.cohort if config else None)
    if config is None:
        config = StoreConfig(
            cohort=joined.cohort, node=new_node_id(), default_member=joined.member, remote=url
        )
        (root / "ops.jsonl").touch()
        write_config(root, config)
    elif not config.remote:
        config.remote = url
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
    return joined, existed
