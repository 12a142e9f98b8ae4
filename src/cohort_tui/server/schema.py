"""The SQLite schema of the server database, and the migrations that bring an older one up.

(PostgreSQL's is in :mod:`pg_schema`, numbered on its own; both refuse a database made by
a newer cohort-tui through :func:`check_version`.)

The schema's version is ``PRAGMA user_version``: 0 is a database made before versions
were kept (one global ``seq`` shared by every cohort), 1 numbers each cohort's ops on
their own (1, 2, 3 ... with no gaps), so a cursor says nothing about other cohorts.
:func:`prepare` creates a new database at the current version or migrates an old one in
one transaction: a crash mid-way leaves the old database as it was.
"""

from __future__ import annotations

import secrets
import sqlite3

VERSION = 1
"""The schema version this code reads and writes."""

HISTORY_KEYS = ("instance",)
"""``meta`` keys naming the database's history. A migration that renumbers cursors
makes them new, so every client sees another history, re-offers its ops and pulls from
the start (both deduplicated by op id) instead of trusting a cursor that now means
something else."""

_TABLES = """
CREATE TABLE IF NOT EXISTS cohorts (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS members (
    cohort TEXT NOT NULL REFERENCES cohorts(id),
    id TEXT NOT NULL,
    handle TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (cohort, id),
    UNIQUE (cohort, handle)
);
CREATE TABLE IF NOT EXISTS tokens (
    hash TEXT PRIMARY KEY,
    cohort TEXT NOT NULL,
    member TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS invites (
    hash TEXT PRIMARY KEY,
    cohort TEXT NOT NULL REFERENCES cohorts(id),
    role TEXT NOT NULL,
    inviter TEXT,
    claim TEXT,
    uses_left INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

_OPS_V1 = """
CREATE TABLE ops (
    cohort TEXT NOT NULL,
    seq INTEGER NOT NULL,
    id TEXT NOT NULL,
    author TEXT NOT NULL,
    body BLOB NOT NULL,
    PRIMARY KEY (cohort, seq),
    UNIQUE (cohort, id)
);
CREATE INDEX IF NOT EXISTS tokens_by_member ON tokens (cohort, member);
"""
"""Version 1: ``seq`` counts within its cohort; the primary key pages a cohort's ops."""


class SchemaError(Exception):
    """The database is not one this version of cohort-tui can use; the message says why."""


def new_history_id() -> str:
    """A random id for a database's history (``/v1/health``'s ``instance``)."""
    return "s_" + secrets.token_hex(8)


def check_version(found: int, known: int) -> None:
    """Refuse a database whose schema ``found`` is newer than the ``known`` one.

    Raises:
        SchemaError: saying which versions, and that cohort-tui needs upgrading.
    """
    if found > known:
        raise SchemaError(
            f"the database is schema version {found}, made by a newer cohort-tui "
            f"(this one reads version {known}); upgrade cohort-tui"
        )


def prepare(db: sqlite3.Connection) -> None:
    """Create the tables of a new database, or migrate an older one to :data:`VERSION`.

    ``db`` must be in autocommit mode (``isolation_level=None``).

    Raises:
        SchemaError: the database was made by a newer cohort-tui.
    """
    if _version(db) == VERSION:
        return  # the common case: no write transaction, no lock taken
    db.execute("BEGIN IMMEDIATE")  # another process may be migrating it right now
    try:
        version = _version(db)
        check_version(version, VERSION)
        if version < VERSION:
            fresh = not _has_table(db, "ops")
            _script(db, _TABLES)
            if fresh:
                _script(db, _OPS_V1)
            else:
                _migrate_0_to_1(db)
            db.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('instance', ?)",
                (new_history_id(),),
            )
            db.execute(f"PRAGMA user_version = {VERSION}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def _has_table(db: sqlite3.Connection, name: str) -> bool:
    row = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).fetchone()
    return row is not None


def _script(db: sqlite3.Connection, script: str) -> None:
    """Run ``;``-separated statements inside the open transaction.

    ``executescript`` would commit it first, so a crash could leave half a migration.
    """
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def _migrate_0_to_1(db: sqlite3.Connection) -> None:
    """One global ``seq`` -> a gap-free ``seq`` per cohort, in the same order.

    Every op is kept (same cohort, id, author and body bytes). Cursors change meaning, so
    the history id changes too (see :data:`HISTORY_KEYS`).
    """
    _script(
        db,
        """
        ALTER TABLE ops RENAME TO ops_v0;
        DROP INDEX IF EXISTS ops_by_cohort;
        """,
    )
    _script(db, _OPS_V1)
    db.execute(
        "INSERT INTO ops (cohort, seq, id, author, body) "
        "SELECT cohort, ROW_NUMBER() OVER (PARTITION BY cohort ORDER BY seq), id, author, body "
        "FROM ops_v0"
    )
    db.execute("DROP TABLE ops_v0")
    for key in HISTORY_KEYS:
        db.execute("DELETE FROM meta WHERE key = ?", (key,))
        db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, new_history_id()))
