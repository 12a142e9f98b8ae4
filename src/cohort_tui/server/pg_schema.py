"""The PostgreSQL schema of the server database, and its versioned migrations.

The version is the one row of ``schema_version``; :data:`MIGRATIONS` holds the script
that brings version ``n - 1`` to ``n``. :func:`prepare` runs the missing ones at start, in
one transaction under an advisory lock, so instances starting together migrate once and a
failure leaves the database as it was. A database newer than this code is refused.

The tables mirror SQLite's (:mod:`schema`), with two more: ``cohort_seqs`` holds each
cohort's last seq, its row locked by every writer of the cohort until commit (so seq is
handed out in commit order across instances), and ``counters`` holds ``revocations``,
which moves whenever tokens are deleted (instances forget the tokens they had found).
"""

from __future__ import annotations

import psycopg

from cohort_tui.server.schema import check_version, new_history_id

VERSION = 1
"""The PostgreSQL schema version this code reads and writes."""

_LOCK = 0x636F686F7274  # "cohort": the advisory lock migrations hold

MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE schema_version (version INTEGER NOT NULL);
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL);
    INSERT INTO counters (name, value) VALUES ('revocations', 0);
    CREATE TABLE cohorts (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_at BIGINT NOT NULL
    );
    CREATE TABLE members (
        cohort TEXT NOT NULL REFERENCES cohorts(id),
        id TEXT NOT NULL,
        handle TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (cohort, id),
        UNIQUE (cohort, handle)
    );
    CREATE TABLE tokens (
        hash TEXT PRIMARY KEY,
        cohort TEXT NOT NULL,
        member TEXT NOT NULL,
        created_at BIGINT NOT NULL
    );
    CREATE INDEX tokens_by_member ON tokens (cohort, member);
    CREATE TABLE invites (
        hash TEXT PRIMARY KEY,
        cohort TEXT NOT NULL REFERENCES cohorts(id),
        role TEXT NOT NULL,
        inviter TEXT,
        claim TEXT,
        uses_left INTEGER NOT NULL,
        expires_at BIGINT NOT NULL,
        created_at BIGINT NOT NULL
    );
    CREATE TABLE cohort_seqs (cohort TEXT PRIMARY KEY, last_seq BIGINT NOT NULL);
    CREATE TABLE ops (
        cohort TEXT NOT NULL,
        seq BIGINT NOT NULL,
        id TEXT NOT NULL,
        author TEXT NOT NULL,
        body BYTEA NOT NULL,
        PRIMARY KEY (cohort, seq),
        UNIQUE (cohort, id)
    );
    """,
}
"""Version ``n``'s script, run on a database at ``n - 1``. Add a new one for every
change; never edit one that has shipped."""


def prepare(conn: psycopg.Connection[tuple[object, ...]], known: int | None = None) -> None:
    """Create the tables of an empty database, or migrate an older one to ``known``
    (default :data:`VERSION`).

    ``conn`` must be in autocommit mode (no transaction open).

    Raises:
        SchemaError: the database was made by a newer cohort-tui.
    """
    known = VERSION if known is None else known
    if _version(conn) == known:
        return  # the common case: no lock, no transaction
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
        version = _version(conn)  # another instance may have migrated it meanwhile
        check_version(version, known)
        if version == known:
            return
        for target in range(version + 1, known + 1):
            conn.execute(MIGRATIONS[target].encode())
        conn.execute("DELETE FROM schema_version")
        conn.execute("INSERT INTO schema_version (version) VALUES (%s)", (known,))
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('instance', %s) ON CONFLICT DO NOTHING",
            (new_history_id(),),
        )


def _version(conn: psycopg.Connection[tuple[object, ...]]) -> int:
    """The database's schema version; 0 when it has none of our tables yet."""
    # A scan of the catalog, not to_regclass(): a name looked up and not found stays
    # cached as missing in this session after another one creates it, until the session
    # next locks a table, so an instance that waited for another's migration would run it
    # again.
    row = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_tables "
        "WHERE schemaname = current_schema() AND tablename = 'schema_version')"
    ).fetchone()
    if row is None or not row[0]:
        return 0
    found = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(found[0] or 0) if found and isinstance(found[0], int) else 0
