"""The server database on one SQLite file: the embedded default, nothing to install.

One connection in WAL mode, serialised by a lock. SQLite lets one writer in at a time
(``BEGIN IMMEDIATE``), so numbering a cohort's ops needs nothing more than reading its
last seq inside the write transaction.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from cohort_tui.server.doorbell import Doorbell
from cohort_tui.server.schema import prepare
from cohort_tui.server.sql_storage import Db, SqlStorage, max_seq
from cohort_tui.server.storage import NewOp, Storage


class SqliteStorage(SqlStorage):
    """:class:`~cohort_tui.server.storage.Storage` on one SQLite file (WAL, one connection,
    serialised by a lock).

    Args:
        path: The database file; created with its tables when missing, migrated when older.
    """

    WAITS = False

    def __init__(self, path: Path | str) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode survives a killed process (not a power cut) without an
        # fsync per commit.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._revocations = 0
        """Token revocations made through this connection (others show in data_version)."""
        try:
            prepare(self._db)
        except BaseException:
            self._db.close()
            raise
        row = self._db.execute("SELECT value FROM meta WHERE key = 'instance'").fetchone()
        self._instance = str(row[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def doorbell(self) -> Doorbell:
        return Doorbell()  # one process per SQLite file: its own rings are all there are

    def tokens_version(self) -> int:
        # data_version moves when another connection commits (`cohort token revoke` in
        # another process); this connection's own revocations are counted apart.
        with self._lock:
            other = int(self._db.execute("PRAGMA data_version").fetchone()[0])
        return (self._revocations << 32) + other

    @contextmanager
    def _reading(self) -> Iterator[Db]:
        with self._lock:
            yield self._db

    def _writing(self) -> AbstractContextManager[Db]:
        return _Transaction(self._db, self._lock)

    def _lock_seq(self, db: Db, cohort: str) -> int:
        # BEGIN IMMEDIATE took the database's write lock until COMMIT: nobody else
        # numbers this cohort's ops meanwhile.
        return max_seq(db, cohort)

    def _insert_ops(self, db: Db, cohort: str, last: int, ops: list[NewOp]) -> int:
        for op in ops:
            cur = db.execute(
                "INSERT INTO ops (cohort, seq, id, author, body) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (cohort, id) DO NOTHING",
                (cohort, last + 1, op.id, op.author, op.body),
            )
            last += cur.rowcount  # 0 when the id is already stored
        return last

    def _is_unique_violation(self, exc: Exception) -> bool:
        return isinstance(exc, sqlite3.IntegrityError)

    def _stored(self, db: Db, cohort: str, last: int) -> None:
        pass  # the app rings its own doorbell: nobody else serves this file

    def _revoked(self, db: Db) -> None:
        self._revocations += 1


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT`` (``ROLLBACK`` on error) under the storage lock."""

    def __init__(self, db: sqlite3.Connection, lock: threading.Lock) -> None:
        self._db = db
        self._lock = lock

    def __enter__(self) -> sqlite3.Connection:
        self._lock.acquire()
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._lock.release()
            raise
        return self._db

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        try:
            self._db.execute("ROLLBACK" if kind is not None else "COMMIT")
        finally:
            self._lock.release()


def _implements_storage(storage: SqliteStorage) -> Storage:
    """Never called: lets mypy check that :class:`SqliteStorage` is a :class:`Storage`."""
    return storage
