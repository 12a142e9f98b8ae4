"""Server storage: cohorts, members, hashed tokens and invites, and the op log.

:class:`Storage` is the interface the app uses; :class:`SqliteStorage` implements it on
one SQLite file in WAL mode. A PostgreSQL backend would implement the same methods.
Secrets (member tokens, invite codes) are never stored: only their SHA-256 digests.
The op table's ``seq`` is the sync cursor. It counts each cohort's ops on their own
(1, 2, 3 ... with no gaps, see :mod:`schema`), so a cursor reveals nothing about other
cohorts; because SQLite serialises writers, ops become visible in ``seq`` order, so a
reader never skips one.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import threading
import time
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from cohort_tui.server.schema import prepare


def digest(secret: str) -> str:
    """The SHA-256 hex digest under which a token or invite code is stored."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def new_token() -> str:
    """A member token: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def new_invite_code() -> str:
    """An invite code: 128 random bits, prefixed so people recognise it."""
    return "inv_" + secrets.token_urlsafe(16)


def now_ms() -> int:
    """Wall time in epoch milliseconds."""
    return int(time.time() * 1000)


@dataclass(frozen=True)
class CohortRow:
    id: str
    name: str


@dataclass(frozen=True)
class TokenOwner:
    """Whom a token belongs to."""

    cohort: str
    member: str


@dataclass(frozen=True)
class MemberRow:
    """A member as the server database knows it, with how many live tokens it has."""

    cohort: str
    id: str
    handle: str
    tokens: int


@dataclass(frozen=True)
class Invite:
    """A redeemable invite (its code is not kept)."""

    hash: str
    cohort: str
    role: str
    inviter: str | None
    """The facilitator who made it; None for the founder's invite of a new cohort."""
    uses_left: int
    expires_at: int
    claim: str | None = None
    """An existing member this invite gives a token to (no new member is added)."""


@dataclass(frozen=True)
class NewOp:
    """An op to store: id, author and its canonical JSON."""

    id: str
    author: str
    body: bytes


class InviteUnusable(Exception):
    """The invite was used up or expired between the check and the join."""


class HandleTaken(Exception):
    """Another member of the cohort already has the handle."""


class Storage(Protocol):
    """What the server needs from a database."""

    def create_cohort(
        self, cohort: str, name: str, *, expires_at: int, claim: str | None = None
    ) -> str:
        """Create a cohort; returns the founder's single-use invite code.

        With ``claim`` (a cohort whose ops come from an existing store), the invite gives
        that existing member a token instead of founding the cohort.
        """
        ...

    def cohort(self, cohort: str) -> CohortRow | None: ...

    def cohort_ids(self) -> list[str]:
        """Every cohort's id."""
        ...

    def instance(self) -> str:
        """A random id made with the database: a new database means new cursors."""
        ...

    def token_owner(self, token: str) -> TokenOwner | None:
        """Who holds ``token``, compared in constant time; None when unknown or revoked."""
        ...

    def live_tokens(self, hashes: Collection[str]) -> set[str]:
        """Which of these token digests still belong to someone (not revoked)."""
        ...

    def tokens_version(self) -> int:
        """A number that changes whenever a token may have been revoked, by this process
        or another one: while it stays the same, a token found before is still good."""
        ...

    def find_members(self, who: str, cohort: str | None = None) -> list[MemberRow]:
        """The members whose id or handle (``@`` optional) is ``who``, in ``cohort`` or any."""
        ...

    def revoke_tokens(self, cohort: str, member: str) -> int:
        """Revoke every token of the member; returns how many there were."""
        ...

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
        """Store a new invite; returns its code (shown once)."""
        ...

    def find_invite(self, code: str) -> Invite | None: ...

    def join(
        self, invite: Invite, *, member: str, handle: str, token: str, op: NewOp | None, now: int
    ) -> int:
        """Use the invite once, add the member with its token and store ``op`` (if any),
        atomically. A claim invite (``invite.claim``) replaces the member's other tokens:
        the old ones stop working at once.

        Returns the op's seq (the cohort's last seq when there is no op). Raises
        :class:`InviteUnusable` when the invite ran out and :class:`HandleTaken` when the
        handle is someone else's; nothing is stored then.
        """
        ...

    def existing_ids(self, cohort: str, ids: list[str]) -> set[str]: ...

    def stored_bodies(self, cohort: str, ids: list[str]) -> dict[str, bytes]:
        """The stored body of each of ``ids`` the cohort holds (to tell a re-sent copy
        from other content under a known id)."""
        ...

    def add_ops(self, cohort: str, ops: list[NewOp]) -> int:
        """Store ops not yet stored (by id), in one transaction; returns the last seq."""
        ...

    def ops_after(self, cohort: str, after: int, limit: int) -> list[tuple[int, bytes]]:
        """Up to ``limit`` ``(seq, body)`` pairs with ``seq > after``, in seq order."""
        ...

    def all_ops(self, cohort: str) -> Iterator[bytes]:
        """Every op body of the cohort in seq order (for rebuilding in-memory views)."""
        ...

    def last_seq(self, cohort: str) -> int: ...

    def close(self) -> None: ...


class SqliteStorage:
    """:class:`Storage` on one SQLite file (WAL, one connection, serialised by a lock).

    Args:
        path: The database file; created with its tables when missing.
    """

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

    def _tx(self) -> _Transaction:
        return _Transaction(self._db, self._lock)

    # -- cohorts and members ------------------------------------------------------------

    def create_cohort(
        self, cohort: str, name: str, *, expires_at: int, claim: str | None = None
    ) -> str:
        code = new_invite_code()
        with self._tx() as db:
            db.execute(
                "INSERT INTO cohorts (id, name, created_at) VALUES (?, ?, ?)",
                (cohort, name, now_ms()),
            )
            self._insert_invite(db, code, cohort, "facilitator", None, 1, expires_at, claim)
        return code

    def cohort(self, cohort: str) -> CohortRow | None:
        with self._lock:
            row = self._db.execute(
                "SELECT id, name FROM cohorts WHERE id = ?", (cohort,)
            ).fetchone()
        return CohortRow(row[0], row[1]) if row else None

    def instance(self) -> str:
        return self._instance

    def cohort_ids(self) -> list[str]:
        with self._lock:
            return [row[0] for row in self._db.execute("SELECT id FROM cohorts ORDER BY id")]

    def token_owner(self, token: str) -> TokenOwner | None:
        wanted = digest(token)
        with self._lock:
            row = self._db.execute(
                "SELECT hash, cohort, member FROM tokens WHERE hash = ?", (wanted,)
            ).fetchone()
        if row is None or not hmac.compare_digest(row[0], wanted):
            return None
        return TokenOwner(row[1], row[2])

    def live_tokens(self, hashes: Collection[str]) -> set[str]:
        wanted = list(hashes)
        found: set[str] = set()
        with self._lock:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(f"SELECT hash FROM tokens WHERE hash IN ({marks})", chunk)
                found.update(row[0] for row in rows)
        return found

    def tokens_version(self) -> int:
        # data_version moves when another connection commits (`cohort token revoke` in
        # another process); this connection's own revocations are counted apart.
        with self._lock:
            other = int(self._db.execute("PRAGMA data_version").fetchone()[0])
        return (self._revocations << 32) + other

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
        query += " GROUP BY m.cohort, m.id ORDER BY m.cohort, m.id"
        with self._lock:
            rows = self._db.execute(query, params).fetchall()
        return [MemberRow(str(c), str(i), str(h), int(n)) for c, i, h, n in rows]

    def revoke_tokens(self, cohort: str, member: str) -> int:
        with self._tx() as db:
            self._revocations += 1
            return db.execute(
                "DELETE FROM tokens WHERE cohort = ? AND member = ?", (cohort, member)
            ).rowcount

    # -- invites --------------------------------------------------------------------------

    @staticmethod
    def _insert_invite(
        db: sqlite3.Connection,
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
        with self._tx() as db:
            self._insert_invite(db, code, cohort, role, inviter, uses, expires_at, claim)
        return code

    def find_invite(self, code: str) -> Invite | None:
        wanted = digest(code)
        with self._lock:
            row = self._db.execute(
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
        with self._tx() as db:
            used = db.execute(
                "UPDATE invites SET uses_left = uses_left - 1 "
                "WHERE hash = ? AND uses_left > 0 AND expires_at > ?",
                (invite.hash, now),
            ).rowcount
            if used != 1:
                raise InviteUnusable(invite.hash)
            try:
                db.execute(
                    ("INSERT OR IGNORE" if invite.claim else "INSERT")
                    + " INTO members (cohort, id, handle, created_at) VALUES (?, ?, ?, ?)",
                    (invite.cohort, member, handle, now),
                )
            except sqlite3.IntegrityError:
                raise HandleTaken(handle) from None
            if invite.claim:  # a new device or a lost token: the old ones stop working
                self._revocations += 1
                db.execute(
                    "DELETE FROM tokens WHERE cohort = ? AND member = ?", (invite.cohort, member)
                )
            db.execute(
                "INSERT INTO tokens (hash, cohort, member, created_at) VALUES (?, ?, ?, ?)",
                (digest(token), invite.cohort, member, now),
            )
            seq = _last_seq(db, invite.cohort)
            if op is None:
                return seq
            seq += 1
            db.execute(
                "INSERT INTO ops (cohort, seq, id, author, body) VALUES (?, ?, ?, ?, ?)",
                (invite.cohort, seq, op.id, op.author, op.body),
            )
        return seq

    # -- ops ------------------------------------------------------------------------------

    def existing_ids(self, cohort: str, ids: list[str]) -> set[str]:
        found: set[str] = set()
        with self._lock:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT id FROM ops WHERE cohort = ? AND id IN ({marks})",
                    (cohort, *chunk),
                )
                found.update(row[0] for row in rows)
        return found

    def stored_bodies(self, cohort: str, ids: list[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        with self._lock:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT id, body FROM ops WHERE cohort = ? AND id IN ({marks})",
                    (cohort, *chunk),
                )
                found.update((row[0], bytes(row[1])) for row in rows)
        return found

    def add_ops(self, cohort: str, ops: list[NewOp]) -> int:
        with self._tx() as db:
            # The write lock is held from here to COMMIT, so nobody else numbers this
            # cohort's ops meanwhile: seq stays gap-free.
            last = _last_seq(db, cohort)
            for op in ops:
                cur = db.execute(
                    "INSERT OR IGNORE INTO ops (cohort, seq, id, author, body) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (cohort, last + 1, op.id, op.author, op.body),
                )
                last += cur.rowcount  # 0 when the id is already stored
        return last

    def ops_after(self, cohort: str, after: int, limit: int) -> list[tuple[int, bytes]]:
        with self._lock:
            rows = self._db.execute(
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
        with self._lock:
            return _last_seq(self._db, cohort)


def _last_seq(db: sqlite3.Connection, cohort: str) -> int:
    """The cohort's newest seq (0 before its first op): one step down the primary key."""
    row = db.execute("SELECT MAX(seq) FROM ops WHERE cohort = ?", (cohort,)).fetchone()
    return int(row[0] or 0)


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
