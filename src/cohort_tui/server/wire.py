"""What API v1 reads and writes: one msgspec Struct per request, reply and stream event.

The server decodes every request with these types and encodes every reply from them, and
:mod:`openapi` generates the API description from the same types, so the document cannot
drift from what the server does. Bounds live in ``Meta`` annotations: msgspec enforces them
and they appear in the schema.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta, Struct

from cohort_tui.domain.op_kinds import Role

MAX_BATCH = 1_000
"""Most ops one push may carry."""
PAGE_CAP = 5_000
"""Most ops one pull page returns (each page costs a client a durable write and a saved
cursor: a 10k-op catch-up takes two pages, not ten)."""
DEFAULT_PAGE = 500
MAX_CURSOR = 2**63 - 1
"""The largest cursor (SQLite's largest integer); a bigger one is refused, not a 500."""

OP_REF = "#/components/schemas/Op"

OpJson = Annotated[msgspec.Raw, Meta(extra_json_schema={"$ref": OP_REF})]
"""One op as raw JSON: kept byte for byte; :func:`~cohort_tui.domain.ops.decode_op`
checks it against the op envelope (documented as ``Op``)."""
Cursor = Annotated[
    int,
    Meta(ge=0, le=MAX_CURSOR, description="A position in the cohort's op sequence (1, 2, 3 ...)"),
]
Handle = Annotated[
    str,
    Meta(
        pattern=r"^@?[a-z0-9][a-z0-9_\-]{0,31}$",
        description="1-32 lowercase letters, digits, '-' or '_' (an '@' before is dropped)",
    ),
]


# -- requests ---------------------------------------------------------------------------


class JoinRequest(Struct, forbid_unknown_fields=False):
    """Redeem an invite."""

    invite: Annotated[str, Meta(min_length=1, max_length=200)]
    handle: Handle
    display_name: Annotated[str, Meta(max_length=300)] = ""
    cohort: (
        Annotated[
            str,
            Meta(max_length=80, description="Refuse (409) if the invite is for another cohort"),
        ]
        | None
    ) = None


class InviteRequest(Struct, forbid_unknown_fields=False):
    """Make an invite (facilitators)."""

    role: Role = "learner"
    claim: (
        Annotated[
            str,
            Meta(
                min_length=1,
                max_length=80,
                description="An existing member (handle or id) to give a new token, e.g. "
                "on a new device; the member's old tokens stop working when it is used",
            ),
        ]
        | None
    ) = None
    uses: Annotated[int, Meta(ge=1, le=1_000)] = 1
    expires_days: Annotated[float, Meta(gt=0, le=365)] = 7


class PushRequest(Struct, forbid_unknown_fields=False):
    """A batch of ops."""

    ops: Annotated[list[OpJson], Meta(max_length=MAX_BATCH)]


class PageQuery(Struct, forbid_unknown_fields=False):
    """``GET /ops`` query parameters."""

    after: Annotated[Cursor, Meta(description="Return ops stored after this cursor")] = 0
    limit: Annotated[
        int, Meta(ge=1, le=MAX_CURSOR, description=f"Pages are capped at {PAGE_CAP} ops")
    ] = DEFAULT_PAGE


class StreamQuery(Struct, forbid_unknown_fields=False):
    """``GET /stream`` query parameters."""

    after: Annotated[
        Cursor,
        Meta(description="Send ops stored after this cursor; past the cohort's last: 409"),
    ] = 0


class PresenceBeat(Struct, forbid_unknown_fields=False):
    """A heartbeat: where the token's member is now (send one every 10-30 s)."""

    where: Annotated[
        str,
        Meta(
            max_length=100,
            pattern=r"^[A-Za-z0-9_.:\-]*$",
            description="A screen (home, curriculum, discussions, reviews, milestones) or "
            "lesson:ID; empty: gone now",
        ),
    ] = ""
    hidden: Annotated[
        bool, Meta(description="The member hides their presence: removed, not shown")
    ] = False


# -- replies ----------------------------------------------------------------------------


class ErrorReply(Struct):
    """Every 4xx (and the rare 5xx): a code and one sentence."""

    error: str
    message: str


class Health(Struct):
    """Liveness, version and the database's history id."""

    status: Literal["ok"]
    version: str
    api: Literal["v1"]
    history: Annotated[
        str, Meta(description="Changes when the database's history changes: re-sync then")
    ]
    instance: Annotated[str, Meta(description="The history id's older name, for older clients")]


class Joined(Struct):
    """A member's token (shown once) and the cohort's cursor."""

    cohort: str
    member: str
    handle: str
    token: str
    cursor: Cursor


class Rejected(Struct):
    """An op the server refused, and why."""

    id: str
    reason: str
    status: Annotated[
        Literal["conflict", "refused"],
        Meta(
            description="conflict: the id names other content on the server (send it again "
            "under a new id); refused: this op may not be stored (the reason says why)"
        ),
    ]


class Pushed(Struct):
    """Which ops the server holds now, and which it refused."""

    acked: list[str]
    accepted: Annotated[int, Meta(ge=0)]
    duplicates: Annotated[int, Meta(ge=0)]
    rejected: list[Rejected]
    cursor: Cursor
    history: str


class Page(Struct):
    """A page of ops after a cursor."""

    ops: list[OpJson]
    cursor: Cursor
    more: bool
    history: str


class InviteMade(Struct):
    """A new invite code (shown once)."""

    invite: str
    role: Role
    uses: Annotated[int, Meta(ge=1)]
    expires_at: Annotated[int, Meta(description="Epoch milliseconds")]
    claim: str | None


class PresenceSeen(Struct):
    """One member here now."""

    member: str
    where: str
    at: Annotated[int, Meta(description="Their last heartbeat, epoch milliseconds")]


class PresenceList(Struct):
    """Who is here now (in this server instance's memory; never stored)."""

    members: list[PresenceSeen]
    ttl_ms: Annotated[int, Meta(description="An entry not renewed within this long is gone")]


# -- stream events (the JSON in each event's data line) ---------------------------------


class StreamReady(Struct):
    """``event: ready``: the stream is open from this cursor."""

    cursor: Cursor


class StreamOps(Struct):
    """``event: ops``: ops stored after the last event, and the cursor after them."""

    ops: list[OpJson]
    cursor: Cursor


class StreamPing(Struct):
    """``event: ping``: sent when nothing happened for a while."""


class StreamClosed(Struct):
    """``event: closed``: the server ends the stream (the token was revoked, or the
    server is stopping); the client reconnects, and a revoked token then gets 401."""

    error: str
    message: str


STREAM_EVENTS: dict[str, type[Struct]] = {
    "ready": StreamReady,
    "ops": StreamOps,
    "ping": StreamPing,
    "closed": StreamClosed,
    "presence": PresenceList,
}
"""Each event name and the type of its data."""

REQUESTS: tuple[type[Struct], ...] = (JoinRequest, InviteRequest, PushRequest, PresenceBeat)
REPLIES: tuple[type[Struct], ...] = (
    ErrorReply,
    Health,
    Joined,
    Pushed,
    Page,
    InviteMade,
    PresenceList,
)
