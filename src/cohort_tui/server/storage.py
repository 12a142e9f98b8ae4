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
import secrets
import time
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from cohort_tui.server.doorbell import Doorbell


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


class StorageUnavailable(Exception):
    """The database cannot be reached right now (down, restarting, unreachable); the
    request changed nothing it acknowledged and may be sent again shortly."""


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

    def doorbell(self) -> Doorbell:
        """What wakes this database's stream listeners when ops are stored: in this
        process only (SQLite), or in every instance on the database (PostgreSQL)."""
        ...

    def close(self) -> None: ...


def is_database_url(db: str) -> bool:
    """Whether ``--db`` names a PostgreSQL database rather than an SQLite file."""
    return db.startswith(("postgresql://", "postgres://"))


def __getattr__(name: str) -> Any:
    # SqliteStorage moved to its own module; older imports from here keep working.
    if name == "SqliteStorage":
        from cohort_tui.server.sqlite_storage import SqliteStorage

        return SqliteStorage
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
