"""``cohort serve`` and ``cohort server new-cohort``: running the sync server.

(``cohort token revoke`` is in :mod:`token`.)

Starlette and uvicorn come with the ``server`` extra and are imported only here, when a
server command runs, so the rest of the CLI works without them.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from cohort_tui.commands.context import fail

EXTRA_HINT = "the server needs the 'server' extra: pip install 'cohort-tui[server]'"
DB_HELP = (
    "the server database: an SQLite file, or a PostgreSQL URL "
    "(postgresql://user@host:5432/name) that several instances can share"
)


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("serve", help="run the sync server (needs the 'server' extra)")
    p.add_argument("--db", required=True, metavar="DB", help=DB_HELP)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    p.add_argument(
        "--rate",
        type=float,
        default=50.0,
        metavar="N",
        help="requests per second allowed per token, with bursts of 4N (default 50)",
    )
    p.add_argument("--no-access-log", action="store_true", help="do not log each request (faster)")
    p.set_defaults(run=run_serve)

    s = sub.add_parser("server", help="server administration")
    s_sub = s.add_subparsers(dest="server_command", metavar="ACTION", required=True)
    n = s_sub.add_parser(
        "new-cohort", help="create a cohort; prints its id and the facilitator's invite"
    )
    n.add_argument("--db", required=True, metavar="DB", help=DB_HELP)
    n.add_argument("--name", help="the cohort's name (default: the store's, with --from-store)")
    n.add_argument(
        "--from-store",
        metavar="DIR",
        help="bring an existing local store's cohort and ops; the invite gives its own "
        "member (or --as HANDLE) a token",
    )
    n.add_argument("--as", dest="as_member", metavar="HANDLE", help="with --from-store")
    n.add_argument(
        "--expires-days", type=float, default=30, metavar="D", help="invite lifetime (default 30)"
    )
    n.set_defaults(run=run_new_cohort)


def open_storage(db: str) -> Any:
    """The server database at ``db``, a file (SQLite) or a ``postgresql://`` URL, made or
    migrated to this version's schema; one clear line when it cannot be."""
    import sqlite3

    from cohort_tui.server.schema import SchemaError
    from cohort_tui.server.sqlite_storage import SqliteStorage
    from cohort_tui.server.storage import is_database_url

    if is_database_url(db):
        return _open_postgres(db)

    path = Path(db).expanduser()
    if path.is_dir():
        fail(f"{path} is a directory; --db takes a database file")
    if not path.parent.is_dir():
        fail(f"{path.parent} does not exist")
    try:
        return SqliteStorage(path)
    except SchemaError as exc:
        fail(f"cannot use {path}: {exc}")
    except (sqlite3.Error, OSError) as exc:
        fail(f"cannot open {path} as a server database: {exc}")


def _open_postgres(url: str) -> Any:
    try:
        import psycopg

        from cohort_tui.server.pg_storage import PostgresStorage, redact
    except ImportError:
        fail(EXTRA_HINT)
    from cohort_tui.server.schema import SchemaError

    try:
        return PostgresStorage(url)
    except SchemaError as exc:
        fail(f"cannot use {redact(url)}: {exc}")
    except psycopg.Error as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        fail(f"cannot open {redact(url)} as a server database: {reason}")


def run_new_cohort(args: argparse.Namespace) -> int:
    from cohort_tui.domain.clock import new_id
    from cohort_tui.server.storage import now_ms

    if not 0 < args.expires_days <= 365:
        fail("--expires-days must be more than 0 and at most 365", 2)
    if args.from_store:
        return _cohort_from_store(args)
    name = (args.name or "").strip()
    if not name or len(name) > 300:
        fail("--name must be 1-300 characters", 2)
    storage = open_storage(args.db)
    cohort = new_id("c")
    invite = storage.create_cohort(
        cohort, name, expires_at=now_ms() + int(args.expires_days * 86_400_000)
    )
    storage.close()
    print(json.dumps({"cohort": cohort, "name": name, "invite": invite}))
    return 0


def _cohort_from_store(args: argparse.Namespace) -> int:
    """A server cohort made from a local store: same cohort id, every op of its log."""
    import msgspec

    from cohort_tui.domain.ops import OpError, decode_op
    from cohort_tui.server.storage import NewOp, now_ms
    from cohort_tui.store.workspace import Replica

    replica = Replica(Path(args.from_store).expanduser())
    state = replica.state
    if state.cohort is None:
        fail(f"{replica.root} has no cohort yet")
    if replica.config.remote:
        fail(f"{replica.root} already syncs with {replica.config.remote}")
    member = replica.resolve_member(args.as_member)
    ops = []
    with replica.log.path.open("rb") as f:
        for number, line in enumerate(f, start=1):
            if not line.endswith(b"\n") or not line.strip():
                continue
            try:
                op = decode_op(line, lenient=True)
            except OpError as exc:
                fail(f"{replica.log.path}, line {number}: {exc}; run `cohort repair` first")
            body = msgspec.json.encode(msgspec.json.decode(line))
            ops.append(NewOp(op.id, op.author, body))
    storage = open_storage(args.db)
    if storage.cohort(state.cohort.id) is not None:
        fail(f"the server already has cohort {state.cohort.id}")
    name = (args.name or state.cohort.name).strip()
    invite = storage.create_cohort(
        state.cohort.id,
        name,
        expires_at=now_ms() + int(args.expires_days * 86_400_000),
        claim=member.id,
    )
    storage.add_ops(state.cohort.id, ops)
    storage.close()
    print(
        json.dumps(
            {
                "cohort": state.cohort.id,
                "name": name,
                "invite": invite,
                "member": member.id,
                "handle": member.handle,
                "ops": len(ops),
            }
        )
    )
    return 0


def run_serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from cohort_tui.server.app import create_app
        from cohort_tui.server.http import RateLimiter
    except ImportError:
        fail(EXTRA_HINT)
    if not 0 < args.port < 65536:
        fail("--port must be 1-65535", 2)
    if args.rate <= 0:
        fail("--rate must be more than 0", 2)
    storage = open_storage(args.db)
    app = create_app(
        storage,
        RateLimiter(rate=args.rate, burst=4 * args.rate),
        close_storage=True,
        warm_up=True,
    )
    sync = app.state.sync

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: Any) -> None:
            # End the event streams too, or a graceful stop waits for every listener.
            loop = getattr(self, "_cohort_loop", None)
            if loop is not None:
                loop.call_soon_threadsafe(sync.begin_shutdown)
            super().handle_exit(sig, frame)

        async def startup(self, sockets: Any = None) -> None:
            import asyncio

            self._cohort_loop = asyncio.get_running_loop()
            await super().startup(sockets)

    config = uvicorn.Config(
        app,
        host=args.host,
        port=args.port,
        log_level="info",
        timeout_graceful_shutdown=5,
        lifespan="on",
        access_log=not args.no_access_log,
    )
    # uvicorn stops gracefully on SIGTERM/SIGINT (streams end, requests finish), then
    # re-raises the signal so the exit status says how the server was stopped.
    Server(config).run()
    return 0
