"""The sync server: API v1 on Starlette.

``create_app(storage)`` builds the ASGI app; ``cohort serve`` runs it on uvicorn. Every
client error is a JSON ``{"error", "message"}`` with a 4xx status; tokens are only read
from the ``Authorization`` header and never logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import re
from collections.abc import AsyncIterator
from typing import Annotated, Any

import msgspec
from msgspec import Meta, Struct
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from cohort_tui import __version__
from cohort_tui.domain.clock import HybridClock, clock_problem, new_id, new_ulid
from cohort_tui.domain.op_kinds import ROLES, CohortCreate, Data, MemberAdd
from cohort_tui.domain.ops import Op, OpError, decode_op, encode_op
from cohort_tui.server.http import (
    ApiError,
    RateLimiter,
    bad_request,
    bearer_token,
    forbidden,
    not_found,
    read_body,
    unauthorized,
)
from cohort_tui.server.openapi import openapi_document
from cohort_tui.server.storage import (
    HandleTaken,
    Invite,
    InviteUnusable,
    NewOp,
    Storage,
    TokenOwner,
    digest,
    new_token,
    now_ms,
)
from cohort_tui.server.views import CohortView, Doorbell

log = logging.getLogger("cohort.server")

MAX_BATCH = 1_000
"""Most ops one push may carry."""
PAGE_CAP = 1_000
DAY_MS = 86_400_000
"""Most ops one pull page returns."""
DEFAULT_PAGE = 500
HEARTBEAT_S = 15.0
MAX_STREAMS = 8
"""Most event streams one member may hold open at once."""
HANDLE = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,31}$")


ID_CONFLICT = (
    "the server already holds an op with this id and other content; an id names one "
    "content for ever, so this op was not stored (send it again under a new id)"
)


def _same(stored: bytes | None, op: Op, body: bytes) -> bool:
    """Whether a stored body is the same op as a pushed one (key order aside)."""
    if stored is None:
        return False
    if stored == body:
        return True
    try:
        return decode_op(stored, lenient=True) == op
    except OpError:
        return False


class _Push(Struct, forbid_unknown_fields=False):
    ops: Annotated[list[msgspec.Raw], Meta(max_length=MAX_BATCH)]


class _Join(Struct):
    invite: Annotated[str, Meta(min_length=1, max_length=200)]
    handle: Annotated[str, Meta(min_length=1, max_length=32)]
    display_name: Annotated[str, Meta(max_length=300)] = ""
    cohort: Annotated[str, Meta(max_length=80)] | None = None


class _InviteRequest(Struct):
    role: str = "learner"
    claim: Annotated[str, Meta(max_length=80)] | None = None
    """An existing member (handle or id) to give a new token, e.g. on a new device."""
    uses: Annotated[int, Meta(ge=1, le=1_000)] = 1
    expires_days: Annotated[float, Meta(gt=0, le=365)] = 7


def _decode(body: bytes, kind: type[Any]) -> Any:
    try:
        return msgspec.json.decode(body, type=kind)
    except msgspec.ValidationError as exc:
        raise bad_request(f"invalid request: {exc}") from None
    except msgspec.DecodeError as exc:
        raise bad_request(f"not JSON: {exc}") from None


class SyncServer:
    """The app's state: storage, per-cohort views, stream doorbell, rate limiter.

    Args:
        storage: Where cohorts and ops live.
        limiter: Per-token (and per-address for joins) rate limits.
    """

    def __init__(self, storage: Storage, limiter: RateLimiter | None = None) -> None:
        self.storage = storage
        self.limiter = limiter or RateLimiter()
        self.views: dict[str, CohortView] = {}
        self.doorbell = Doorbell()
        self.clock = HybridClock("server")
        self.closing: asyncio.Event | None = None
        self._owners: dict[str, TokenOwner] = {}
        self._streams: dict[str, int] = {}

    # -- helpers ----------------------------------------------------------------------------

    def view(self, cohort: str) -> CohortView:
        """The cohort's permission view, folded from storage on first use."""
        view = self.views.get(cohort)
        if view is None:
            was_enabled = gc.isenabled()
            gc.disable()  # folding allocates many objects that never form cycles
            try:
                view = CohortView()
                for body in self.storage.all_ops(cohort):
                    view.apply_body(body)
            finally:
                if was_enabled:
                    gc.enable()
            self.views[cohort] = view
        return view

    def warm_up(self) -> None:
        """Fold every cohort's view now, so the first push after a restart is not slow."""
        for cohort in self.storage.cohort_ids():
            self.view(cohort)

    def owner(self, request: Request) -> TokenOwner:
        """The token's member, checked against the path's cohort, rate-limited."""
        token = bearer_token(request)
        key = digest(token)
        owner = self._owners.get(key)
        if owner is None:
            owner = self.storage.token_owner(token)
            if owner is None:
                raise unauthorized()
            if len(self._owners) > 50_000:
                self._owners.clear()
            self._owners[key] = owner  # tokens are never reissued to someone else
        if owner.cohort != request.path_params["cohort"]:
            raise not_found()
        self.limiter.check(key)
        return owner

    def shutdown_event(self) -> asyncio.Event:
        if self.closing is None:
            self.closing = asyncio.Event()
        return self.closing

    def begin_shutdown(self) -> None:
        """Ask open streams to end (graceful shutdown)."""
        self.shutdown_event().set()

    # -- endpoints --------------------------------------------------------------------------

    async def health(self, request: Request) -> Response:
        # ``history`` (also in push and pull replies) is made at random with the database:
        # a client that sees it change knows the cursors it holds belong to another history.
        # ``instance`` is its older name, kept for older clients.
        return JSONResponse(
            {
                "status": "ok",
                "version": __version__,
                "api": "v1",
                "instance": self.storage.instance(),
                "history": self.storage.instance(),
            }
        )

    async def openapi(self, request: Request) -> Response:
        return JSONResponse(openapi_document())

    async def join(self, request: Request) -> Response:
        client = request.client.host if request.client else "?"
        self.limiter.check("join:" + client)
        req: _Join = _decode(await read_body(request), _Join)
        handle = req.handle.removeprefix("@")
        if not HANDLE.match(handle):
            raise bad_request("handle must be 1-32 lowercase letters, digits, '-' or '_'")
        invite = self.storage.find_invite(req.invite)
        now = now_ms()
        if invite is None or invite.uses_left <= 0 or invite.expires_at <= now:
            raise forbidden("the invite is unknown, used up or expired")
        if req.cohort is not None and req.cohort != invite.cohort:
            raise ApiError(409, "conflict", "the invite is for another cohort than this store's")
        view = self.view(invite.cohort)
        state = view.state
        if invite.claim is not None:
            return self._claim(invite, handle, now)
        if any(m.handle == handle for m in state.members.values()):
            raise ApiError(409, "conflict", f"handle @{handle} is taken in this cohort")
        member = new_id("m")
        display = req.display_name.strip() or handle
        data: Data
        if invite.inviter is None:
            row = self.storage.cohort(invite.cohort)
            if state.cohort is not None or row is None:
                raise forbidden("this cohort already has its founder")
            data = CohortCreate(cohort=row.id, name=row.name, handle=handle, display_name=display)
            author = member
        else:
            role: Any = invite.role
            data = MemberAdd(member=member, handle=handle, display_name=display, roles=[role])
            author = invite.inviter
        if view.max_clock is not None:
            self.clock.observe(view.max_clock)
        stamp = self.clock.now()
        op = Op(new_ulid(stamp[0]), data.KIND, author, stamp, data)
        if problem := view.problem(op):
            raise forbidden(f"the invite can no longer be used: {problem}")
        token = new_token()
        try:
            seq = self.storage.join(
                invite,
                member=member,
                handle=handle,
                token=token,
                op=NewOp(op.id, op.author, encode_op(op)),
                now=now,
            )
        except InviteUnusable:
            raise forbidden("the invite is unknown, used up or expired") from None
        except HandleTaken:
            raise ApiError(409, "conflict", f"handle @{handle} is taken in this cohort") from None
        view.apply(op)
        self.doorbell.ring(invite.cohort)
        log.info("member %s joined cohort %s", member, invite.cohort)
        return JSONResponse(
            {
                "cohort": invite.cohort,
                "member": member,
                "handle": handle,
                "token": token,
                "cursor": seq,
            }
        )

    def _claim(self, invite: Invite, handle: str, now: int) -> Response:
        """A token for an existing member (a new device, or a cohort brought from a store)."""
        member = self.view(invite.cohort).state.members.get(invite.claim or "")
        if member is None:
            raise forbidden("the member this invite is for is not in the cohort")
        if member.handle != handle:
            raise bad_request(f"this invite is for @{member.handle}; join with that handle")
        token = new_token()
        try:
            seq = self.storage.join(
                invite, member=member.id, handle=handle, token=token, op=None, now=now
            )
        except InviteUnusable:
            raise forbidden("the invite is unknown, used up or expired") from None
        log.info("member %s claimed a token in cohort %s", member.id, invite.cohort)
        return JSONResponse(
            {
                "cohort": invite.cohort,
                "member": member.id,
                "handle": handle,
                "token": token,
                "cursor": seq,
            }
        )

    async def push(self, request: Request) -> Response:
        owner = self.owner(request)
        req: _Push = _decode(await read_body(request), _Push)
        ops: list[tuple[Op, bytes]] = []
        for index, raw in enumerate(req.ops):
            try:
                op = decode_op(raw)
            except OpError as exc:
                raise bad_request(f"ops[{index}]: {exc}") from None
            if op.author != owner.member:
                raise forbidden(f"ops[{index}] ({op.id}): author is not the token's member")
            canonical = msgspec.json.encode(msgspec.json.decode(raw))
            ops.append((op, canonical))
        cohort = owner.cohort
        view = self.view(cohort)
        known = view.state.seen  # the view has folded every stored op
        # An id names one content for ever: a known id is a duplicate only when the stored
        # content is the same, so fetch what is stored under the known ids (none in a
        # normal push; every one in a re-send after a lost answer or a restore).
        again = [op.id for op, _ in ops if op.id in known]
        stored = self.storage.stored_bodies(cohort, again) if again else {}
        acked: list[str] = []
        rejected: list[dict[str, str]] = []
        fresh: list[NewOp] = []
        taken: dict[str, Op] = {}  # ids this push stored
        now = now_ms()
        for op, body in ops:
            first = taken.get(op.id)
            if first is not None or op.id in known:
                same = first == op if first is not None else _same(stored.get(op.id), op, body)
                if same:
                    acked.append(op.id)
                else:
                    rejected.append({"id": op.id, "reason": ID_CONFLICT, "status": "conflict"})
                continue
            # The clock bounds (domain/clock.py) first: a far-future clock would win every
            # last-writer-wins edit and, once stored, reach every replica.
            problem = clock_problem(op.clock, now) or view.problem(op)
            if problem:
                rejected.append({"id": op.id, "reason": problem, "status": "refused"})
                continue
            taken[op.id] = op
            view.apply(op)
            fresh.append(NewOp(op.id, op.author, body))
            acked.append(op.id)
        try:
            cursor = self.storage.add_ops(cohort, fresh) if fresh else self.storage.last_seq(cohort)
        except Exception:
            self.views.pop(cohort, None)  # the view ran ahead of storage: rebuild it
            raise
        if fresh:
            self.doorbell.ring(cohort)
        return JSONResponse(
            {
                "acked": acked,
                "accepted": len(fresh),
                "duplicates": len(acked) - len(fresh),
                "rejected": rejected,
                "cursor": cursor,
                "history": self.storage.instance(),
            }
        )

    def _page_args(self, request: Request) -> tuple[int, int]:
        try:
            after = int(request.query_params.get("after", "0"))
            limit = int(request.query_params.get("limit", str(DEFAULT_PAGE)))
        except ValueError:
            raise bad_request("after and limit must be whole numbers") from None
        if after < 0 or limit < 1:
            raise bad_request("after must be 0 or more and limit 1 or more")
        return after, min(limit, PAGE_CAP)

    async def pull(self, request: Request) -> Response:
        owner = self.owner(request)
        after, limit = self._page_args(request)
        rows = self.storage.ops_after(owner.cohort, after, limit + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        cursor = rows[-1][0] if rows else after
        body = (
            b'{"ops":['
            + b",".join(body for _, body in rows)
            + b'],"cursor":%d,"more":%s,"history":%s}'
            % (cursor, b"true" if more else b"false", msgspec.json.encode(self.storage.instance()))
        )
        return Response(body, media_type="application/json")

    async def stream(self, request: Request) -> Response:
        owner = self.owner(request)
        after, _ = self._page_args(request)
        if self._streams.get(owner.member, 0) >= MAX_STREAMS:
            raise ApiError(
                429,
                "rate_limited",
                f"this member already has {MAX_STREAMS} open streams",
                {"Retry-After": "30"},
            )
        return StreamingResponse(
            self._events(owner.cohort, after, owner.member),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    async def _events(self, cohort: str, cursor: int, member: str) -> AsyncIterator[bytes]:
        self._streams[member] = self._streams.get(member, 0) + 1
        try:
            async for chunk in self._follow(cohort, cursor):
                yield chunk
        finally:
            left = self._streams.pop(member, 1) - 1
            if left > 0:
                self._streams[member] = left

    async def _follow(self, cohort: str, cursor: int) -> AsyncIterator[bytes]:
        closing = self.shutdown_event()
        yield b'event: ready\ndata: {"cursor":%d}\n\n' % cursor
        while not closing.is_set():
            ring = self.doorbell.event(cohort)
            rows = self.storage.ops_after(cohort, cursor, PAGE_CAP)
            if rows:
                cursor = rows[-1][0]
                data = (
                    b'{"ops":[' + b",".join(body for _, body in rows) + b'],"cursor":%d}' % cursor
                )
                yield b"id: %d\nevent: ops\ndata: %s\n\n" % (cursor, data)
                continue
            waiters = [asyncio.ensure_future(ring.wait()), asyncio.ensure_future(closing.wait())]
            try:
                await asyncio.wait(waiters, timeout=HEARTBEAT_S, return_when="FIRST_COMPLETED")
            finally:
                for waiter in waiters:
                    waiter.cancel()
            if not ring.is_set() and not closing.is_set():
                yield b"event: ping\ndata: {}\n\n"  # an event, so clients can check in

    async def invite(self, request: Request) -> Response:
        owner = self.owner(request)
        body = await read_body(request)
        req: _InviteRequest = _decode(body or b"{}", _InviteRequest)
        if req.role not in ROLES:
            raise bad_request(f"role must be one of {', '.join(ROLES)}")
        view = self.view(owner.cohort)
        if not view.state.has_role(owner.member, "facilitator"):
            raise forbidden("only a facilitator may invite members")
        expires_at = now_ms() + int(req.expires_days * DAY_MS)
        claim = None
        if req.claim is not None:
            wanted = req.claim.removeprefix("@")
            found = next(
                (m for m in view.state.members.values() if wanted in (m.id, m.handle)), None
            )
            if found is None:
                raise bad_request(f"no member '{wanted}' in this cohort")
            claim = found.id
        code = self.storage.create_invite(
            owner.cohort,
            role=req.role,
            inviter=owner.member,
            uses=1 if claim else req.uses,
            expires_at=expires_at,
            claim=claim,
        )
        return JSONResponse(
            {
                "invite": code,
                "role": req.role,
                "uses": 1 if claim else req.uses,
                "expires_at": expires_at,
                "claim": claim,
            },
            status_code=201,
        )


def create_app(
    storage: Storage,
    limiter: RateLimiter | None = None,
    *,
    close_storage: bool = False,
    warm_up: bool = False,
) -> Starlette:
    """The ASGI app serving API v1 over ``storage``.

    Args:
        storage: Where cohorts and ops live.
        limiter: Rate limits (defaults to :class:`RateLimiter`'s).
        close_storage: Close the storage when the app shuts down.
        warm_up: Fold every cohort's permission view before serving.
    """
    server = SyncServer(storage, limiter)

    async def on_api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return exc.response()

    async def on_http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return JSONResponse({"error": "http", "message": exc.detail}, status_code=exc.status_code)

    async def on_crash(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s %s", request.method, request.url.path)
        return JSONResponse(
            {"error": "internal", "message": "the server failed; nothing was changed"},
            status_code=500,
        )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if warm_up:
            server.warm_up()
        yield
        server.begin_shutdown()
        if close_storage:
            storage.close()

    app = Starlette(
        routes=[
            Route("/v1/health", server.health, methods=["GET"]),
            Route("/v1/openapi.json", server.openapi, methods=["GET"]),
            Route("/v1/join", server.join, methods=["POST"]),
            Route("/v1/cohorts/{cohort}/ops", server.push, methods=["POST"]),
            Route("/v1/cohorts/{cohort}/ops", server.pull, methods=["GET"]),
            Route("/v1/cohorts/{cohort}/stream", server.stream, methods=["GET"]),
            Route("/v1/cohorts/{cohort}/invites", server.invite, methods=["POST"]),
        ],
        exception_handlers={
            ApiError: on_api_error,
            HTTPException: on_http_error,
            Exception: on_crash,
        },
        lifespan=lifespan,
    )
    app.state.sync = server
    return app
