"""The server database on PostgreSQL: several server instances on one database.

Driver: psycopg 3 with psycopg-pool. The app calls storage synchronously, so a blocking
driver fits it as SQLite's does; psycopg's pool keeps connections ready and reconnects in
the background after PostgreSQL restarts, and the same library gives the doorbell its
asynchronous LISTEN connection.

Numbering: a cohort's ``cohort_seqs`` row is locked (``FOR UPDATE``) by every transaction
that stores its ops, until that transaction commits; the next writer, on any instance,
waits for it and then reads the new last seq. So seq is handed out in commit order: a
reader that sees seq N has seen every seq below it, and no op that commits late is
skipped by a cursor.

Outages: a statement that cannot reach PostgreSQL raises
:class:`~cohort_tui.server.storage.StorageUnavailable` (the app answers 503 with
Retry-After). A connection that died while it sat in the pool (PostgreSQL restarted) is
dropped and the statement run once more on a fresh one when that is safe (a read, or the
``BEGIN`` of a write, see :class:`_PgDb`). After a
failure, requests fail at once for a moment instead of each waiting for a connection, so
an instance stays responsive while the pool reconnects on its own.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import errors
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg_pool import ConnectionPool, PoolTimeout

from cohort_tui.server.doorbell import Doorbell
from cohort_tui.server.pg_doorbell import CHANNEL, PgDoorbell
from cohort_tui.server.pg_schema import prepare
from cohort_tui.server.sql_storage import Db, Rows, SqlStorage
from cohort_tui.server.storage import NewOp, Storage, StorageUnavailable

T = TypeVar("T")

CONNECT_TIMEOUT_S = 5
"""How long one connection attempt may take (unless the URL says otherwise)."""
WAIT_S = 2.0
"""How long a request waits for a pooled connection while the database seems fine."""
PROBE_S = 0.25
"""How long it waits in the moments after a failure (the pool is reconnecting)."""
COOL_DOWN_S = 1.0
"""After a failure, requests fail at once for this long (503, Retry-After)."""


def redact(url: str) -> str:
    """``url`` without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def connection_info(url: str) -> str:
    """libpq connection parameters for ``url``, with a connect timeout and keepalives
    unless it sets its own (a dead peer is noticed, not waited on for ever)."""
    params = conninfo_to_dict(url)
    params.setdefault("connect_timeout", CONNECT_TIMEOUT_S)
    params.setdefault("keepalives", 1)
    params.setdefault("keepalives_idle", 10)
    params.setdefault("keepalives_interval", 5)
    params.setdefault("keepalives_count", 3)
    params.setdefault("application_name", "cohort-serve")
    return make_conninfo("", **params)


class PostgresStorage(SqlStorage):
    """:class:`~cohort_tui.server.storage.Storage` on a PostgreSQL database.

    Args:
        url: ``postgresql://user@host:port/database`` (libpq's URL form; ``?options=-c
            search_path=...`` picks a schema).
        pool_size: Most connections this instance opens (the doorbell's is one more).

    Raises:
        SchemaError: the database was made by a newer cohort-tui.
        psycopg.OperationalError: the database cannot be reached.
    """

    def __init__(self, url: str, *, pool_size: int = 8) -> None:
        self._conninfo = connection_info(url)
        self.url = redact(url)
        with psycopg.connect(self._conninfo, autocommit=True) as conn:
            prepare(conn)
            row = conn.execute("SELECT value FROM meta WHERE key = 'instance'").fetchone()
        self._instance = str(row[0]) if row else ""
        self._down_until = 0.0
        self._failed_at = float("-inf")
        self._state_lock = threading.Lock()
        self._pool: ConnectionPool[psycopg.Connection[tuple[Any, ...]]] = ConnectionPool(
            self._conninfo,
            min_size=1,
            max_size=pool_size,
            kwargs={"autocommit": True},
            timeout=WAIT_S,
            # Give up a reconnection after this long and start afresh on the next
            # request, so recovery does not wait out a long backoff.
            reconnect_timeout=4.0,
            name="cohort-storage",
            open=True,
        )

    def close(self) -> None:
        self._pool.close()

    def doorbell(self) -> Doorbell:
        return PgDoorbell(self._conninfo)

    def tokens_version(self) -> int:
        with self._reading() as db:
            row = db.execute("SELECT value FROM counters WHERE name = 'revocations'").fetchone()
        return int(row[0])

    # -- connections ----------------------------------------------------------------------

    @contextmanager
    def _reading(self) -> Iterator[Db]:
        with self._connection(write=False) as db:
            yield db

    @contextmanager
    def _writing(self) -> Iterator[Db]:
        with self._connection(write=True) as db:
            yield db

    @contextmanager
    def _connection(self, *, write: bool) -> Iterator[Db]:
        """A pooled connection (in one transaction when ``write``), as a :class:`Db`;
        StorageUnavailable when PostgreSQL cannot be reached."""
        now = time.monotonic()
        if now < self._down_until:
            raise StorageUnavailable("the database was unreachable a moment ago")
        timeout = PROBE_S if now - self._failed_at < 30 else WAIT_S
        db: _PgDb | None = None
        try:
            db = _PgDb(self._pool, timeout, write=write)
            if not write:
                yield db
                return
            db.execute("BEGIN")
            try:
                yield db
            except BaseException:
                with contextlib.suppress(psycopg.Error):
                    db.conn.execute(b"ROLLBACK")
                raise
            db.conn.execute(b"COMMIT")
        except (psycopg.OperationalError, psycopg.InterfaceError, PoolTimeout) as exc:
            self._failed()
            raise StorageUnavailable(" ".join(str(exc).split()) or type(exc).__name__) from exc
        finally:
            if db is not None:
                self._pool.putconn(db.conn)

    def _failed(self) -> None:
        with self._state_lock:
            now = time.monotonic()
            self._failed_at = now
            self._down_until = now + COOL_DOWN_S

    # -- numbering ------------------------------------------------------------------------

    def add_ops(self, cohort: str, ops: list[NewOp]) -> int:
        # The whole transaction in one round trip (a pipeline): lock the cohort's counter,
        # insert the ops it lacks numbered after the counter, move the counter, notify.
        # Each statement sees what the one before it committed, so it needs no value back
        # from the server. Safe to send again after a lost answer: ops are stored by id.
        unique: dict[str, NewOp] = {}
        for op in ops:
            unique.setdefault(op.id, op)  # the first of an id sent twice in one batch
        fresh = list(unique.values())
        if not fresh:
            return self.last_seq(cohort)

        def store(conn: psycopg.Connection[Any]) -> int:
            with conn.pipeline():
                conn.execute(b"BEGIN")
                conn.execute(_LOCK_SEQ, (cohort,))
                conn.execute(
                    _INSERT_AFTER_COUNTER,
                    (
                        cohort,
                        [op.id for op in fresh],
                        [op.author for op in fresh],
                        [op.body for op in fresh],
                        cohort,
                        cohort,
                    ),
                )
                moved = conn.execute(_MOVE_COUNTER, (cohort, cohort))
                conn.execute(b"SELECT pg_notify(%s, %s)", (CHANNEL, cohort))
                conn.execute(b"COMMIT")
            row = moved.fetchone()
            return int(row[0]) if row else 0

        with self._connection(write=False) as db:
            assert isinstance(db, _PgDb)
            return db.run(store, again=True)

    def _lock_seq(self, db: Db, cohort: str) -> int:
        # The row is made on the cohort's first write; either way it stays locked until
        # COMMIT, and a writer that waited for it reads the value its holder committed.
        row = db.execute(
            "INSERT INTO cohort_seqs AS s (cohort, last_seq) VALUES (?, 0) "
            "ON CONFLICT (cohort) DO UPDATE SET last_seq = s.last_seq RETURNING s.last_seq",
            (cohort,),
        ).fetchone()
        return int(row[0])

    def _insert_ops(self, db: Db, cohort: str, last: int, ops: list[NewOp]) -> int:
        unique: dict[str, NewOp] = {}
        for op in ops:
            unique.setdefault(op.id, op)
        fresh = list(unique.values())
        # One statement for the whole batch: ids the cohort holds are left out, the rest
        # numbered in order from last + 1. The seq row's lock keeps other writers of the
        # cohort out, so the NOT EXISTS sees every stored op.
        rows = db.execute(
            "INSERT INTO ops (cohort, seq, id, author, body) "
            "SELECT ?, ? + ROW_NUMBER() OVER (ORDER BY n.ord), n.id, n.author, n.body "
            "FROM unnest(?::text[], ?::text[], ?::bytea[]) WITH ORDINALITY "
            "AS n (id, author, body, ord) "
            "WHERE NOT EXISTS (SELECT 1 FROM ops o WHERE o.cohort = ? AND o.id = n.id) "
            "ORDER BY n.ord",
            (
                cohort,
                last,
                [op.id for op in fresh],
                [op.author for op in fresh],
                [op.body for op in fresh],
                cohort,
            ),
        )
        last += rows.rowcount
        db.execute("UPDATE cohort_seqs SET last_seq = ? WHERE cohort = ?", (last, cohort))
        return last

    def _stored(self, db: Db, cohort: str, last: int) -> None:
        # Delivered to every LISTENing instance when (and only if) the transaction commits.
        db.execute("SELECT pg_notify(?, ?)", (CHANNEL, cohort))

    def _revoked(self, db: Db) -> None:
        db.execute("UPDATE counters SET value = value + 1 WHERE name = 'revocations'")

    def _is_unique_violation(self, exc: Exception) -> bool:
        return isinstance(exc, errors.UniqueViolation)

    def _in(self, column: str, values: Sequence[str]) -> Iterator[tuple[str, list[Any]]]:
        # One array parameter, whatever its length: one prepared statement.
        yield f"{column} = ANY(?)", [list(values)]

    def ops_after(self, cohort: str, after: int, limit: int) -> list[tuple[int, bytes]]:
        # Binary results: each body comes as its bytes, not as hex text twice its size
        # that the server encodes and the driver parses (half the time per page: bodies
        # are read by every instance's view and by every pull).
        def read(conn: psycopg.Connection[Any]) -> list[Any]:
            return conn.execute(_OPS_AFTER, (cohort, after, limit), binary=True).fetchall()

        with self._connection(write=False) as db:
            assert isinstance(db, _PgDb)
            rows = db.run(read, again=True)
        return [(int(seq), bytes(body)) for seq, body in rows]

    def last_seq(self, cohort: str) -> int:
        with self._reading() as db:
            row = db.execute(
                "SELECT last_seq FROM cohort_seqs WHERE cohort = ?", (cohort,)
            ).fetchone()
        return int(row[0]) if row else 0


_OPS_AFTER = b"SELECT seq, body FROM ops WHERE cohort = %s AND seq > %s ORDER BY seq LIMIT %s"
"""A page of a cohort's ops after a cursor (as :meth:`SqlStorage.ops_after` reads it)."""
_LOCK_SEQ = (
    b"INSERT INTO cohort_seqs AS s (cohort, last_seq) VALUES (%s, 0) "
    b"ON CONFLICT (cohort) DO UPDATE SET last_seq = s.last_seq"
)
"""Make the cohort's counter row, or lock it, until the transaction ends."""
_INSERT_AFTER_COUNTER = (
    b"INSERT INTO ops (cohort, seq, id, author, body) "
    b"SELECT %s, s.last_seq + ROW_NUMBER() OVER (ORDER BY n.ord), n.id, n.author, n.body "
    b"FROM unnest(%s::text[], %s::text[], %s::bytea[]) WITH ORDINALITY "
    b"AS n (id, author, body, ord) JOIN cohort_seqs s ON s.cohort = %s "
    b"WHERE NOT EXISTS (SELECT 1 FROM ops o WHERE o.cohort = %s AND o.id = n.id) "
    b"ORDER BY n.ord"
)
"""The ops whose id the cohort lacks, numbered from the (locked) counter on, in order."""
_MOVE_COUNTER = (
    b"UPDATE cohort_seqs SET last_seq = "
    b"(SELECT COALESCE(MAX(seq), 0) FROM ops WHERE cohort = %s) "
    b"WHERE cohort = %s RETURNING last_seq"
)
"""The counter moved to the cohort's newest seq (one step down the primary key)."""


@lru_cache(maxsize=256)
def _placeholders(sql: str) -> bytes:
    """``?`` placeholders as psycopg's ``%s`` (the shared SQL has no other ``?``/``%``)."""
    return sql.replace("?", "%s").encode()


class _PgDb:
    """A pooled psycopg connection read as a :class:`~cohort_tui.server.sql_storage.Db`.

    A connection can die while it sits in the pool (PostgreSQL restarted, or ended the
    session), and the client only learns it when it next speaks. A statement that fails
    so is run again once on a fresh connection when that cannot do anything twice: any
    read, and a write transaction's ``BEGIN``.
    """

    def __init__(
        self, pool: ConnectionPool[psycopg.Connection[Any]], timeout: float, *, write: bool
    ) -> None:
        self._pool = pool
        self._timeout = timeout
        self._write = write
        self._began = False
        self.conn = pool.getconn(timeout)

    def execute(self, sql: str, params: Sequence[Any] = (), /) -> Rows:
        query = _placeholders(sql)
        rows = self.run(
            lambda conn: conn.execute(query, params), again=not (self._write and self._began)
        )
        self._began = True
        return rows

    def run(self, work: Callable[[psycopg.Connection[Any]], T], *, again: bool) -> T:
        """``work(connection)``; when the connection turns out dead and ``again``, once
        more on a fresh one."""
        try:
            return work(self.conn)
        except psycopg.OperationalError:
            if not self.conn.broken or not again:
                raise
            self._pool.putconn(self.conn)  # closed, not reused
            self._pool.check()  # and the other idle connections that died with it
            self.conn = self._pool.getconn(self._timeout)
            return work(self.conn)


def _implements_storage(storage: PostgresStorage) -> Storage:
    """Never called: lets mypy check that :class:`PostgresStorage` is a :class:`Storage`."""
    return storage
