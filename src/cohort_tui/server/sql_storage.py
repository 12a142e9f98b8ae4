"""The SQL both storage backends run: :class:`SqlStorage`.

SQLite and PostgreSQL share the schema's shape and every query; statements are written
with ``?`` placeholders and ``INSERT ... ON CONFLICT``, which both engines read (the
PostgreSQL backend turns ``?`` into ``%s``). A backend says how to reach its database
(:meth:`SqlStorage._reading`, :meth:`SqlStorage._writing`), how a cohort's ops are numbered
one writer at a time (:meth:`SqlStorage._lock_seq`, :meth:`SqlStorage._insert_ops`), and
the few things its engine does its own way.
"""

from __future__ import annotations

import hmac
from abc import ABC, abstractmethod
from collections.abc import Collection, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol

from cohort_tui.server.storage import (
    CohortRow,
    HandleTaken,
    Invite,
    InviteUnusable,
    MemberRow,
    NewOp,
    TokenOwner,
    digest,
    new_invite_code,
    now_ms,
)

if TYPE_CHECKING:
    from cohort_tui.server.doorbell import Doorbell


class Rows(Protocol):
    """What a statement returns, as both drivers' cursors give it."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Db(Protocol):
    """A connection, or one transaction on it."""

    def execute(self, sql: str, params: Sequence[Any] = (), /) -> Rows: ...


class SqlStorage(ABC):
    """:class:`~cohort_tui.server.storage.Storage` written once in SQL; subclasses connect."""

    WAITS = True
    """Whether a call waits on another process (a database server): the app then makes
    its calls in worker threads. False for an embedded engine whose calls are quick
    (SQLite): a thread hop would cost more than it frees the event loop."""

    IN_CHUNK = 500
    """Most values one ``IN (...)`` lookup carries (SQLite's bound-parameter limit)."""

    _instance = ""
    """The history id read from ``meta`` when the database was opened."""

    # -- what a backend provides ----------------------------------------------------------

    @abstractmethod
    def close(self) -> None:
        """Close the connections (the storage is not used after)."""

    @abstractmethod
    def doorbell(self) -> Doorbell:
        """What wakes this instance's stream listeners when any instance stores ops."""

    @abstractmethod
    def tokens_version(self) -> int:
        """A number that changes whenever a token is revoked (on any instance)."""

    @abstractmethod
    def _reading(self) -> AbstractContextManager[Db]:
        """A connection for reads (each statement sees what was committed before it)."""

    @abstractmethod
    def _writing(self) -> AbstractContextManager[Db]:
        """One transaction: committed when the block ends, rolled back if it raises."""

    @abstractmethod
    def _lock_seq(self, db: Db, cohort: str) -> int:
        """Hold the right to number ``cohort``'s ops until the transaction ends; returns
        the cohort's last seq. Writers on any connection wait here, so seq is assigned in
        commit order and a reader that saw seq N has seen every seq below it."""

    @abstractmethod
    def _insert_ops(self, db: Db, cohort: str, last: int, ops: list[NewOp]) -> int:
        """Insert the ops whose id the cohort does not hold, numbered from ``last + 1`` in
        order; returns the new last seq."""

    @abstractmethod
    def _is_unique_violation(self, exc: Exception) -> bool:
        """Whether ``exc`` is the engine's unique-constraint error."""

    @abstractmethod
    def _stored(self, db: Db, cohort: str, last: int) -> None:
        """Called in the transaction that stored ops, once numbered (``last`` is the new
        last seq): PostgreSQL notifies the other instances here."""

    @abstractmethod
    def _revoked(self, db: Db) -> None:
        """Called in a transaction that deletes tokens, so :meth:`tokens_version` moves."""

    def _in(self, column: str, values: Sequence[str]) -> Iterator[tuple[str, list[Any]]]:
        """``column IN (...)`` conditions with their parameters, covering ``values``."""
        for start in range(0, len(values), self.IN_CHUNK):
            chunk = list(values[start : start + self.IN_CHUNK])
            yield f"{column} IN ({','.join('?' * len(chunk))})", chunk

    # -- cohorts and members --------------------------------------------------------------

    def instance(self) -> str:
        return self._instance

    def create_cohort(
        self, cohort: str, name: str, *, expires_at: int, claim: str | None = None
    ) -> str:
        code = new_invite_code()
        with self._writing() as db:
            db.execute(
                "INSERT INTO cohorts (id, name, created_at) VALUES (?, ?, ?)",
                (cohort, name, now_ms()),
            )
            _insert_invite(db, code, cohort, "facilitator", None, 1, expires_at, claim)
        return code

    def cohort(self, cohort: str) -> CohortRow | None:
        with self._reading() as db:
            row = db.execute("SELECT id, name FROM cohorts WHERE id = ?", (cohort,)).fetchone()
        return CohortRow(row[0], row[1]) if row else None

    def cohort_ids(self) -> list[str]:
        with self._reading() as db:
            return [row[0] for row in db.execute("SELECT id FROM cohorts ORDER BY id")]

    def token_owner(self, token: str) -> TokenOwner | None:
        wanted = digest(token)
        with self._reading() as db:
            row = db.execute(
                "SELECT hash, cohort, member FROM tokens WHERE hash = ?", (wanted,)
            ).fetchone()
        if row is None or not hmac.compare_digest(row[0], wanted):
            return None
        return TokenOwner(row[1], row[2])

    def live_tokens(self, hashes: Collection[str]) -> set[str]:
        found: set[str] = set()
        with self._reading() as db:
            for where, params in self._in("hash", list(hashes)):
                found.update(
                    row[0] for row in db.execute(f"SELECT hash FROM tokens WHERE {where}", params)
                )
        return found

    def find_members(self, who: str, cohort: str | None = None) -> list[MemberRow]:
        handle = who.removeprefix("@")
        query = (
            "SELECT m.cohort, m.id, m.handle, COUNT(t.hash) FROM members m "
            "LEFT JOIN tokens t ON t.cohort = m.cohort AND t.member = m.id "
            "WHERE (m.id = ? OR m.handle = ?)"
        )
        params: tuple[str, ...] = (who, handle)
        if cohort is not None:
            query += " AND m.cohort = ?"
            params += (cohort,)
        query += " GROUP BY m.cohort, m.id, m.handle ORDER BY m.cohort, m.id"
        with self._reading() as db:
            rows = db.execute(query, params).fetchall()
        return [MemberRow(str(c), str(i), str(h), int(n)) for c, i, h, n in rows]

    def revoke_tokens(self, cohort: str, member: str) -> int:
        with self._writing() as db:
            self._revoked(db)
            return db.execute(
                "DELETE FROM tokens WHERE cohort = ? AND member = ?", (cohort, member)
            ).rowcount

    # -- invites --------------------------------------------------------------------------

    def create_invite(
        self,
        cohort: str,
        *,
        role: str,
        inviter: str | None,
        uses: int,
        expires_at: int,
        claim: str | None = None,
    ) -> str:
        code = new_invite_code()
        with self._writing() as db:
            _insert_invite(db, code, cohort, role, inviter, uses, expires_at, claim)
        return code

    def find_invite(self, code: str) -> Invite | None:
        wanted = digest(code)
        with self._reading() as db:
            row = db.execute(
                "SELECT hash, cohort, role, inviter, uses_left, expires_at, claim FROM invites "
                "WHERE hash = ?",
                (wanted,),
            ).fetchone()
        if row is None or not hmac.compare_digest(row[0], wanted):
            return None
        return Invite(*row)

    def join(
        self, invite: Invite, *, member: str, handle: str, token: str, op: NewOp | None, now: int
    ) -> int:
        with self._writing() as db:
            used = db.execute(
                "UPDATE invites SET uses_left = uses_left - 1 "
                "WHERE hash = ? AND uses_left > 0 AND expires_at > ?",
                (invite.hash, now),
            ).rowcount
            if used != 1:
                raise InviteUnusable(invite.hash)
            try:
                # A claim's member is already there (its row stays as it is).
                db.execute(
                    "INSERT INTO members (cohort, id, handle, created_at) VALUES (?, ?, ?, ?)"
                    + (" ON CONFLICT (cohort, id) DO NOTHING" if invite.claim else ""),
                    (invite.cohort, member, handle, now),
                )
            except Exception as exc:
                if self._is_unique_violation(exc):
                    raise HandleTaken(handle) from None
                raise
            if invite.claim:  # a new device or a lost token: the old ones stop working
                self._revoked(db)
                db.execute(
                    "DELETE FROM tokens WHERE cohort = ? AND member = ?", (invite.cohort, member)
                )
            db.execute(
                "INSERT INTO tokens (hash, cohort, member, created_at) VALUES (?, ?, ?, ?)",
                (digest(token), invite.cohort, member, now),
            )
            last = self._lock_seq(db, invite.cohort)
            if op is None:
                return last
            seq = self._insert_ops(db, invite.cohort, last, [op])
            self._stored(db, invite.cohort, seq)
        return seq

    # -- ops ------------------------------------------------------------------------------

    def existing_ids(self, cohort: str, ids: list[str]) -> set[str]:
        found: set[str] = set()
        with self._reading() as db:
            for where, params in self._in("id", ids):
                rows = db.execute(
                    f"SELECT id FROM ops WHERE cohort = ? AND {where}", [cohort, *params]
                )
                found.update(row[0] for row in rows)
        return found

    def stored_bodies(self, cohort: str, ids: list[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        with self._reading() as db:
            for where, params in self._in("id", ids):
                rows = db.execute(
                    f"SELECT id, body FROM ops WHERE cohort = ? AND {where}", [cohort, *params]
                )
                found.update((row[0], bytes(row[1])) for row in rows)
        return found

    def add_ops(self, cohort: str, ops: list[NewOp]) -> int:
        with self._writing() as db:
            before = self._lock_seq(db, cohort)
            last = self._insert_ops(db, cohort, before, ops) if ops else before
            if last != before:
                self._stored(db, cohort, last)
        return last

    def ops_after(self, cohort: str, after: int, limit: int) -> list[tuple[int, bytes]]:
        with self._reading() as db:
            rows = db.execute(
                "SELECT seq, body FROM ops WHERE cohort = ? AND seq > ? ORDER BY seq LIMIT ?",
                (cohort, after, limit),
            ).fetchall()
        return [(int(seq), bytes(body)) for seq, body in rows]

    def all_ops(self, cohort: str) -> Iterator[bytes]:
        after = 0
        while True:
            page = self.ops_after(cohort, after, 5_000)
            if not page:
                return
            for _, body in page:
                yield body
            after = page[-1][0]

    def last_seq(self, cohort: str) -> int:
        with self._reading() as db:
            return max_seq(db, cohort)


def max_seq(db: Db, cohort: str) -> int:
    """The cohort's newest seq (0 before its first op): one step down the primary key."""
    row = db.execute("SELECT MAX(seq) FROM ops WHERE cohort = ?", (cohort,)).fetchone()
    return int(row[0] or 0)


def _insert_invite(
    db: Db,
    code: str,
    cohort: str,
    role: str,
    inviter: str | None,
    uses: int,
    expires_at: int,
    claim: str | None = None,
) -> None:
    db.execute(
        "INSERT INTO invites (hash, cohort, role, inviter, claim, uses_left, expires_at,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (digest(code), cohort, role, inviter, claim, uses, expires_at, now_ms()),
    )
