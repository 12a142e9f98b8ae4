"""``cohort join``, ``cohort invite`` and ``cohort sync``: working with a sync server."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from cohort_tui.commands.context import acting_member, fail, open_replica
from cohort_tui.commands.progress import ProgressBar, wanted


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "join",
        parents=[common],
        help="join a cohort on a server: a new store, or one more member in a pod store",
    )
    p.add_argument("url", metavar="URL", help="the server, e.g. http://127.0.0.1:8765")
    p.add_argument("--invite", required=True, metavar="CODE", help="the invite code")
    p.add_argument("--handle", required=True, help="your handle (lowercase, digits, - and _)")
    p.add_argument("--display-name", default="", help="your name as others see it")
    p.set_defaults(run=run_join)

    p = sub.add_parser("invite", parents=[common], help="make an invite code (facilitators)")
    p.add_argument(
        "--role",
        default="learner",
        choices=("learner", "mentor", "reviewer", "curator", "facilitator"),
        help="the role the new member gets (default learner)",
    )
    p.add_argument("--uses", type=int, default=1, metavar="N", help="how many people (default 1)")
    p.add_argument(
        "--expires-days", type=float, default=7, metavar="D", help="lifetime in days (default 7)"
    )
    p.add_argument(
        "--claim",
        metavar="HANDLE",
        help="instead, a one-use invite that gives this existing member a new token in "
        "place of the old ones, which stop working when it is used (a new device, a lost "
        "token)",
    )
    p.set_defaults(run=run_invite)

    p = sub.add_parser(
        "sync", parents=[common], help="push local ops to the server and pull new ones"
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--retry-refused",
        action="store_true",
        help="offer the ops the server refused again (e.g. after a role was granted)",
    )
    p.add_argument(
        "--watch",
        action="store_true",
        help="keep syncing live (stream, push after local writes) until Ctrl-C",
    )
    p.set_defaults(run=run_sync)


def _url(url: str) -> str:
    if not url.startswith(("http://", "https://")):
        fail(f"'{url}' is not a server URL (http://HOST:PORT or https://...)", 2)
    return url.rstrip("/")


def run_join(args: argparse.Namespace) -> int:
    import re

    from cohort_tui.paths import resolve_store
    from cohort_tui.store.workspace import Replica
    from cohort_tui.sync.client import ServerClient, SyncError
    from cohort_tui.sync.credentials import load_credentials
    from cohort_tui.sync.engine import sync_once
    from cohort_tui.sync.join import join_store

    url = _url(args.url)
    handle = args.handle.removeprefix("@")
    if not re.fullmatch(r"[a-z0-9][a-z0-9_\-]{0,31}", handle):
        fail(f"handle '{args.handle}' must be 1-32 lowercase letters, digits, '-' or '_'", 2)
    root, _ = resolve_store(getattr(args, "store", None))
    with ServerClient(url) as client:
        try:
            joined, existed = join_store(root, client, args.invite, handle, args.display_name)
        except SyncError as exc:
            fail(str(exc))
        print(f"joined as @{joined.handle} ({joined.member}) in {root}")
        try:
            result = sync_once(Replica(root), load_credentials(root), client, wait=30)
        except SyncError as exc:
            print(
                f"cohort: joined, but the first sync failed: {exc}; run `cohort sync`",
                file=sys.stderr,
            )
            return 0
    print(f"synced: {result.summary()}")
    if existed:
        print(f"act as the new member with --as {joined.handle}")
    return 0


def run_invite(args: argparse.Namespace) -> int:
    from cohort_tui.sync.client import ServerClient, SyncError
    from cohort_tui.sync.credentials import load_credentials

    if not 1 <= args.uses <= 1_000:
        fail("--uses must be 1-1000", 2)
    if not 0 < args.expires_days <= 365:
        fail("--expires-days must be more than 0 and at most 365", 2)
    replica = open_replica(args)
    me = acting_member(replica, args)
    cred = load_credentials(replica.root).get(me.id)
    if cred is None or not replica.config.remote:
        fail(f"@{me.handle} has no server token in this store; join with `cohort join` first")
    with ServerClient(replica.config.remote) as client:
        try:
            made = client.invite(
                replica.config.cohort,
                cred.token,
                role=args.role,
                uses=args.uses,
                expires_days=args.expires_days,
                claim=args.claim,
            )
        except SyncError as exc:
            fail(str(exc))
    print(made["invite"])
    if args.claim:
        who = args.claim.removeprefix("@")
        what = f"a new token for @{who} that replaces the old ones, 1 use"
    else:
        who, what = "HANDLE", f"{args.role}, {args.uses} use(s)"
    print(
        f"cohort join {replica.config.remote} --invite {made['invite']} --handle {who}"
        f"  ({what}, {args.expires_days:g} day(s))",
        file=sys.stderr,
    )
    return 0


def run_sync(args: argparse.Namespace) -> int:
    from cohort_tui.domain.sanitize import clean_line
    from cohort_tui.sync.client import SyncError
    from cohort_tui.sync.credentials import load_credentials
    from cohort_tui.sync.engine import sync_once

    replica = open_replica(args)
    if args.watch:
        return watch(replica)
    try:
        with ProgressBar(wanted(args.quiet)) as progress:
            result = sync_once(
                replica,
                load_credentials(replica.root),
                wait=30,
                progress=progress,
                retry_refused=args.retry_refused,
            )
    except SyncError as exc:
        fail(f"sync failed: {exc}; nothing was lost, run `cohort sync` again later")
    print(result.summary())
    for line in result.problems():  # server text: cleaned of terminal controls
        print(f"  {clean_line(line)}", file=sys.stderr)
    return 0


def watch(replica: Any) -> int:
    """``cohort sync --watch``: live sync in the foreground, one line per status change."""
    import threading
    import time

    from cohort_tui.domain.sanitize import clean_line
    from cohort_tui.sync.live import LiveStatus, LiveSync

    if not replica.config.remote:
        fail("this store has no server; join one with `cohort join URL ...`")
    last: list[str] = []
    done = threading.Event()

    def report(status: LiveStatus) -> None:
        if status.state == "syncing":
            return
        key = status.label()
        line = key + (f" (+{status.pulled})" if status.pulled else "")
        if status.state == "offline" and status.message:
            line += f": {status.message}"
        if not last or last[-1] != key or status.pulled:
            last.append(key)
            print(f"{time.strftime('%H:%M:%S')} {line}", flush=True)
        for notice in status.notices:  # server text: cleaned of terminal controls
            print(f"  {clean_line(notice)}", file=sys.stderr, flush=True)
        if status.state == "elsewhere":
            done.set()

    live = LiveSync(replica.root, report, poll=5.0)
    if not live.start():
        fail("another process is already syncing this store live")
    size = replica.log.size()
    try:
        while not done.wait(0.5):
            now = replica.log.size()
            if now != size:  # another process of the pod wrote: push it soon
                size = now
                live.poke()
    except KeyboardInterrupt:
        pass
    finally:
        live.stop()
    return 0
