"""The sync server: API v1 on Starlette.

``create_app(storage)`` builds the ASGI app; ``cohort serve`` runs it on uvicorn. The
routes come from :data:`~cohort_tui.server.openapi.ENDPOINTS`, requests are decoded into
and replies encoded from the types in :mod:`~cohort_tui.server.wire`, and the OpenAPI
document is generated from both. Every client error is a JSON ``{"error", "message"}``
with a 4xx status; a database that cannot be reached answers 503 with Retry-After
(``{"error": "unavailable"}``). Tokens are only read from the ``Authorization`` header and
never logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import msgspec
from msgspec import Struct
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from cohort_tui import __version__
from cohort_tui.domain.clock import HybridClock, clock_problem, new_id, new_ulid
from cohort_tui.domain.op_kinds import CohortCreate, Data, MemberAdd
from cohort_tui.domain.ops import Op, OpError, decode_op, encode_op
from cohort_tui.domain.permission_view import PermissionView
from cohort_tui.domain.presence import TTL_MS, Seen
from cohort_tui.server import wire
from cohort_tui.server.cohort_views import DEFAULT_BUDGET, CohortViews, fold_into
from cohort_tui.server.http import (
    MAX_DEPTH,
    ApiError,
    RateLimiter,
    bad_request,
    bearer_token,
    forbidden,
    nesting_depth,
    not_found,
    read_json,
    unauthorized,
    whole_numbers,
)
from cohort_tui.server.openapi import ENDPOINTS, openapi_document
from cohort_tui.server.presence import PresenceBoard
from cohort_tui.server.storage import (
    HandleTaken,
    Invite,
    InviteUnusable,
    NewOp,
    Storage,
    StorageUnavailable,
    TokenOwner,
    digest,
    new_token,
    now_ms,
)
from cohort_tui.server.stream_pages import StreamPages
from cohort_tui.server.streams import EventStream, Listener, Listeners

log = logging.getLogger("cohort.server")

MAX_BATCH = wire.MAX_BATCH
"""Most ops one push may carry."""
PAGE_CAP = wire.PAGE_CAP
"""Most ops one pull page returns."""
DAY_MS = 86_400_000
HEARTBEAT_S = 15.0
MAX_STREAMS = 8
"""Most event streams one member may hold open at once."""
FAILED_RATE = 2.0
"""Failed tokens or invites an address may try per second once its burst is spent."""
FAILED_BURST = 20.0
RETRY_AFTER_S = 2
"""What a 503 asks clients to wait while the database cannot be reached."""

S = TypeVar("S", bound=Struct)
_encoder = msgspec.json.Encoder()


UNAVAILABLE = "the server's database cannot be reached just now; try again shortly"

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


def _reply(value: Struct, status: int = 200) -> Response:
    """A reply encoded from its wire type."""
    return Response(_encoder.encode(value), status_code=status, media_type="application/json")


def _query(request: Request, kind: type[S]) -> S:
    """The query string decoded into ``kind`` (numbers from text); 400 naming the problem."""
    try:
        return msgspec.convert(dict(request.query_params), kind, strict=False)
    except msgspec.ValidationError as exc:
        raise bad_request(f"invalid query: {exc}") from None


def _decode_pushed(raw: msgspec.Raw) -> tuple[Op, msgspec.Raw]:
    """A pushed op decoded, and its JSON; ``2.0`` where an integer belongs is taken as 2
    (JSON's reading), and the op is then kept with the integer spelling."""
    try:
        return decode_op(raw), raw
    except OpError:
        whole = whole_numbers(bytes(raw))
        if whole is None:
            raise
        return decode_op(whole), msgspec.Raw(whole)


def _check_depth(ops: list[msgspec.Raw]) -> None:
    """400 for an op nested deeper than :data:`MAX_DEPTH` (stored, it could break replicas)."""
    for index, raw in enumerate(ops):
        if nesting_depth(bytes(raw)) > MAX_DEPTH:
            raise bad_request(f"ops[{index}]: nested more than {MAX_DEPTH} levels deep")


class SyncServer:
    """The app's state: storage, per-cohort views, stream doorbell and listeners, rate
    limiters.

    Args:
        storage: Where cohorts and ops live.
        limiter: Per-token (and per-address for joins) rate limits.
        guard: Failed tokens and invites allowed per client address.
        view_budget: Facts the cached permission views may hold together.
    """

    def __init__(
        self,
        storage: Storage,
        limiter: RateLimiter | None = None,
        guard: RateLimiter | None = None,
        view_budget: int = DEFAULT_BUDGET,
    ) -> None:
        self.storage = storage
        self.limiter = limiter or RateLimiter()
        self.guard = guard or RateLimiter(rate=FAILED_RATE, burst=FAILED_BURST)
        """Failed tokens and invites per client address."""
        self.views = CohortViews(storage, view_budget)
        """Permission views of the cohorts served lately (bounded, least recently used
        dropped)."""
        self.doorbell = storage.doorbell()
        self.doorbell.on_ring = self._rung
        self._following: dict[str, asyncio.Task[None]] = {}
        """Views catching up in the background after a ring, by cohort."""
        self.pages = StreamPages(
            lambda cohort, after: storage.ops_after(cohort, after, PAGE_CAP), _ops_event
        )
        """Stream pages read once for every listener a ring wakes at the same cursor."""
        self.clock = HybridClock("server")
        self.closing: asyncio.Event | None = None
        self.listeners = Listeners(storage, MAX_STREAMS)
        self.present = PresenceBoard()
        """Who is here now: this instance's memory only (see server/presence.py)."""
        self._owners: dict[str, TokenOwner] = {}
        """Tokens found, by digest; forgotten whenever storage's tokens version moves."""
        self._owners_version = -1

    # -- helpers ----------------------------------------------------------------------------

    async def view(self, cohort: str) -> PermissionView:
        """The cohort's permission view, caught up with every op stored so far (by this
        instance or another one on the same database); not held (the endpoints hold it,
        see :meth:`CohortViews.hold`)."""
        return await self.views.current(cohort)

    def _rung(self, cohort: str) -> None:
        """Ops were stored for ``cohort`` (here, or on another instance: PostgreSQL's
        NOTIFY): a cached view that nobody holds catches up now, in the background, so
        the catching up is not in the next request's time. Behind a balancer that spreads
        one client's pushes over the instances, each one folds the others' batches while
        they are being sent, not when the client's next batch reaches it."""
        if cohort in self._following or not self.views.idle(cohort):
            return
        task = asyncio.get_running_loop().create_task(self._follow(cohort))
        self._following[cohort] = task

    async def _follow(self, cohort: str) -> None:
        try:
            await self.views.follow(cohort)
        except Exception as exc:  # the next request that needs the view tries again
            log.debug("cohort %s: background catch-up failed (%s)", cohort, exc)
        finally:
            self._following.pop(cohort, None)

    async def stop_following(self) -> None:
        """Cancel the background catch-ups (the app is shutting down)."""
        tasks = list(self._following.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def warm_up(self) -> None:
        """Nothing to do: views are built on first use, so start-up does not grow with
        the history (kept for callers of the old eager warm-up)."""

    def owner(self, request: Request) -> TokenOwner:
        """The token's member, checked against the path's cohort, rate-limited.

        Tokens found are remembered until storage says a token may have been revoked
        (:meth:`Storage.tokens_version`, asked on every request), so a revoked one is
        refused at once, even when another process revoked it. An address whose recent
        tokens failed too often gets 429 before its token is even looked up, whatever it
        sends: a guess cannot be told from a hit. Other addresses are not slowed.
        """
        token = bearer_token(request)
        address = _address(request)
        self.guard.refuse_if_empty(address, "too many failed tokens from this address")
        key = digest(token)
        version = self.storage.tokens_version()
        if version != self._owners_version:
            self._owners.clear()
            self._owners_version = version
        owner = self._owners.get(key)
        if owner is None:
            owner = self.storage.token_owner(token)
            if owner is None:
                self.guard.take(address)
                raise unauthorized()
            if len(self._owners) > 50_000:
                self._owners.clear()
            self._owners[key] = owner
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
        history = self.storage.instance()
        return _reply(wire.Health("ok", __version__, "v1", history, history))

    async def openapi(self, request: Request) -> Response:
        return JSONResponse(openapi_document())

    async def join(self, request: Request) -> Response:
        address = _address(request)
        self.limiter.check("join:" + address)
        self.guard.refuse_if_empty(address, "too many failed invites from this address")
        try:
            req = await read_json(request, wire.JoinRequest)
        except ApiError as exc:
            if "`$.handle`" not in exc.message:
                raise
            raise bad_request("handle must be 1-32 lowercase letters, digits, '-' or '_'") from None
        handle = req.handle.removeprefix("@")
        invite = self.storage.find_invite(req.invite)
        now = now_ms()
        if invite is None or invite.uses_left <= 0 or invite.expires_at <= now:
            self.guard.take(address)
            raise forbidden("the invite is unknown, used up or expired")
        if req.cohort is not None and req.cohort != invite.cohort:
            raise ApiError(409, "conflict", "the invite is for another cohort than this store's")
        async with self.views.hold(invite.cohort) as view:
            if invite.claim is not None:
                return self._claim(view, invite, handle, now)
            return self._join(view, invite, req, handle, now)

    def _join(
        self, view: PermissionView, invite: Invite, req: wire.JoinRequest, handle: str, now: int
    ) -> Response:
        """A new member joins through an invite (the founder through a new cohort's)."""
        if any(m.handle == handle for m in view.members.values()):
            raise ApiError(409, "conflict", f"handle @{handle} is taken in this cohort")
        member = new_id("m")
        display = req.display_name.strip() or handle
        data: Data
        if invite.inviter is None:
            row = self.storage.cohort(invite.cohort)
            if view.cohort is not None or row is None:
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
        fold_into(view, self.storage, invite.cohort)
        self.doorbell.ring(invite.cohort)
        log.info("member %s joined cohort %s", member, invite.cohort)
        return _reply(wire.Joined(invite.cohort, member, handle, token, seq))

    def _claim(self, view: PermissionView, invite: Invite, handle: str, now: int) -> Response:
        """A token for an existing member (a new device, or a cohort brought from a store)."""
        member = view.members.get(invite.claim or "")
        if member is None:
            raise forbidden("the member this invite is for is not in the cohort")
        if member.handle != handle:
            raise ApiError(
                409, "conflict", f"this invite is for @{member.handle}; join with that handle"
            )
        token = new_token()
        try:
            seq = self.storage.join(
                invite, member=member.id, handle=handle, token=token, op=None, now=now
            )
        except InviteUnusable:
            raise forbidden("the invite is unknown, used up or expired") from None
        self.listeners.check_tokens()  # the old tokens are gone: end their streams now
        log.info("member %s claimed a new token in cohort %s", member.id, invite.cohort)
        return _reply(wire.Joined(invite.cohort, member.id, handle, token, seq))

    async def push(self, request: Request) -> Response:
        owner = self.owner(request)
        req = await read_json(request, wire.PushRequest)
        _check_depth(req.ops)
        ops: list[tuple[Op, bytes]] = []
        for index, raw in enumerate(req.ops):
            try:
                op, raw = _decode_pushed(raw)
            except OpError as exc:
                raise bad_request(f"ops[{index}]: {exc}") from None
            if op.author != owner.member:
                raise forbidden(f"ops[{index}] ({op.id}): author is not the token's member")
            canonical = msgspec.json.encode(msgspec.json.decode(raw))
            ops.append((op, canonical))
        cohort = owner.cohort
        async with self.views.hold(cohort) as view:
            # Held: no other request of this instance sees or moves the view until the
            # batch is stored and folded back in (storage calls run in worker threads).
            return await self._store(cohort, view, ops)

    async def _store(
        self, cohort: str, view: PermissionView, ops: list[tuple[Op, bytes]]
    ) -> Response:
        """Check a decoded batch against the (held) view, store what passes, fold it in."""
        storage = self.storage

        # An id names one content for ever: a known id is a duplicate only when the stored
        # content is the same, so fetch what is stored under the known ids (none in a
        # normal push; every one in a re-send after a lost answer or a restore).
        def look_up() -> tuple[set[str], dict[str, bytes]]:
            known = storage.existing_ids(cohort, [op.id for op, _ in ops])
            return known, storage.stored_bodies(cohort, list(known)) if known else {}

        known, stored = await self.views.call(look_up)
        acked: list[str] = []
        rejected: list[wire.Rejected] = []
        fresh: list[NewOp] = []
        taken: dict[str, Op] = {}  # ids this push stored
        now = now_ms()
        with view.tentative():  # later ops of the batch are checked with earlier ones in
            for op, body in ops:
                first = taken.get(op.id)
                if first is not None or op.id in known:
                    same = first == op if first is not None else _same(stored.get(op.id), op, body)
                    if same:
                        acked.append(op.id)
                    else:
                        rejected.append(wire.Rejected(op.id, ID_CONFLICT, "conflict"))
                    continue
                # The clock bounds (domain/clock.py) first: a far-future clock would win
                # every last-writer-wins edit and, once stored, reach every replica.
                problem = clock_problem(op.clock, now) or view.problem(op)
                if problem:
                    rejected.append(wire.Rejected(op.id, problem, "refused"))
                    continue
                taken[op.id] = op
                view.apply(op)
                fresh.append(NewOp(op.id, op.author, body))
                acked.append(op.id)
        # The batch's ops (and any another instance stored between them) in stored order;
        # the ops decoded above are folded again without decoding their bodies.
        written: list[bytes] = []
        decoded = {new.body: taken[new.id] for new in fresh}

        def write() -> int:
            cursor = storage.add_ops(cohort, fresh) if fresh else storage.last_seq(cohort)
            fold_into(view, storage, cohort, written, decoded)
            return cursor

        cursor = await self.views.call(write)
        accepted = len(fresh)
        here = set(written)
        missing = [new.id for new in fresh if new.body not in here]  # none in a normal push
        elsewhere = (
            await self.views.call(self._stored_elsewhere, cohort, fresh, missing, taken)
            if missing
            else []
        )
        for op_id in elsewhere:
            acked.remove(op_id)  # another instance stored other content under the id
            rejected.append(wire.Rejected(op_id, ID_CONFLICT, "conflict"))
            accepted -= 1
        if fresh:
            self.doorbell.ring(cohort)
        return _reply(
            wire.Pushed(
                acked=acked,
                accepted=accepted,
                duplicates=len(acked) - accepted,
                rejected=rejected,
                cursor=cursor,
                history=self.storage.instance(),
            )
        )

    def _stored_elsewhere(
        self, cohort: str, fresh: list[NewOp], missing: list[str], taken: dict[str, Op]
    ) -> list[str]:
        """The ids of ``fresh`` another instance stored first with other content.

        Between the duplicate check and the write, another instance on the same database
        may store an op under the same id; the write then keeps theirs. Every body this
        write stored is among the rows read back after it, so only the ids ``missing``
        there are looked up (none in a normal push).
        """
        stored = self.storage.stored_bodies(cohort, missing)
        bodies = {new.id: new.body for new in fresh}
        for op_id in missing:
            if op_id not in stored:  # against the storage contract: let the client resend
                raise RuntimeError(f"op {op_id} was neither stored nor found")
        return [i for i in missing if not _same(stored[i], taken[i], bodies[i])]

    async def pull(self, request: Request) -> Response:
        owner = self.owner(request)
        query = _query(request, wire.PageQuery)
        limit = min(query.limit, PAGE_CAP)
        rows = await self.views.call(self.storage.ops_after, owner.cohort, query.after, limit + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        cursor = rows[-1][0] if rows else query.after
        return _reply(
            wire.Page(
                [msgspec.Raw(body) for _, body in rows], cursor, more, self.storage.instance()
            )
        )

    async def stream(self, request: Request) -> Response:
        owner = self.owner(request)
        after = _query(request, wire.StreamQuery).after
        last = self.storage.last_seq(owner.cohort)
        if after > last:
            # Only a cursor from another history can be ahead (a restored or migrated
            # database): following it would wait for ops the client already counts as
            # seen. Refused, the client syncs (and learns the new history) first.
            raise ApiError(
                409,
                "cursor_ahead",
                f"the cursor {after} is past this cohort's last op ({last}); sync again",
            )
        if request.method == "HEAD":  # the headers only: no stream to hold a slot
            return Response(media_type="text/event-stream")
        # No await from here until the response runs: the slot is taken atomically.
        listener = self.listeners.reserve(owner.member, digest(bearer_token(request)))
        try:
            events = self._events(owner.cohort, after, listener)
            return EventStream(events, lambda: self.listeners.release(listener))
        except BaseException:
            self.listeners.release(listener)
            raise

    async def _events(self, cohort: str, cursor: int, listener: Listener) -> AsyncIterator[bytes]:
        closing = self.shutdown_event()
        yield _event("ready", wire.StreamReady(cursor))
        presence_sent = -1
        while not closing.is_set() and not listener.ended.is_set():
            ring = self.doorbell.event(cohort)
            try:
                page = self.pages.after(cohort, cursor, ring)
            except StorageUnavailable:
                # The client reconnects from its cursor (and gets 503 until it is back).
                yield _event("closed", wire.StreamClosed("unavailable", UNAVAILABLE))
                return
            if page is not None:
                cursor, event = page
                yield event
                continue
            seen, version = self.present.here(cohort, now_ms())
            if version != presence_sent:
                presence_sent = version
                yield _event("presence", _presence_list(seen))
            waiters = [
                asyncio.ensure_future(ring.wait()),
                asyncio.ensure_future(closing.wait()),
                asyncio.ensure_future(listener.ended.wait()),
            ]
            try:
                await asyncio.wait(waiters, timeout=HEARTBEAT_S, return_when="FIRST_COMPLETED")
            finally:
                for waiter in waiters:
                    waiter.cancel()
            if not any(e.is_set() for e in (ring, closing, listener.ended)):
                yield _event("ping", wire.StreamPing())  # an event, so clients can check in
                # Entries age out without a ring: the list goes with every ping.
                yield _event("presence", _presence_list(self.present.here(cohort, now_ms())[0]))
        if listener.ended.is_set():
            yield _event("closed", wire.StreamClosed("unauthorized", "the token was revoked"))
        else:
            yield _event("closed", wire.StreamClosed("shutdown", "the server is stopping"))

    async def presence(self, request: Request) -> Response:
        owner = self.owner(request)
        beat = await read_json(request, wire.PresenceBeat, empty=b"{}")
        now = now_ms()
        before = self.present.here(owner.cohort, now)[1]
        self.present.beat(owner.cohort, owner.member, "" if beat.hidden else beat.where, now)
        seen, version = self.present.here(owner.cohort, now)
        if version != before:
            self.doorbell.ring(owner.cohort, stored=False)  # the streams send the new list
        return _reply(_presence_list(seen))

    async def invite(self, request: Request) -> Response:
        owner = self.owner(request)
        req = await read_json(request, wire.InviteRequest, empty=b"{}")
        async with self.views.hold(owner.cohort) as view:
            if not view.has_role(owner.member, "facilitator"):
                raise forbidden("only a facilitator may invite members")
            claim = None
            if req.claim is not None:
                wanted = req.claim.removeprefix("@")
                found = next((m for m in view.members.values() if wanted in (m.id, m.handle)), None)
                if found is None:
                    raise not_found(f"no member '{wanted}' in this cohort")
                claim = found.id
        expires_at = now_ms() + int(req.expires_days * DAY_MS)
        uses = 1 if claim else req.uses
        code = self.storage.create_invite(
            owner.cohort,
            role=req.role,
            inviter=owner.member,
            uses=uses,
            expires_at=expires_at,
            claim=claim,
        )
        return _reply(wire.InviteMade(code, req.role, uses, expires_at, claim), 201)


Handler = Callable[[Request], Awaitable[Response]]


def _by_method(handlers: dict[str, Handler]) -> Handler:
    """One endpoint answering each method with its handler (HEAD as GET)."""
    if len(handlers) == 1:
        return next(iter(handlers.values()))

    async def endpoint(request: Request) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        return await handlers[method](request)

    return endpoint


def _address(request: Request) -> str:
    """The client's address (uvicorn takes it from X-Forwarded-For only behind a trusted
    proxy, 127.0.0.1 by default)."""
    return request.client.host if request.client else "?"


def _ops_event(rows: list[tuple[int, bytes]], cursor: int) -> bytes:
    """The ``ops`` event of stored rows."""
    return _event("ops", wire.StreamOps([msgspec.Raw(body) for _, body in rows], cursor), cursor)


def _presence_list(seen: list[Seen]) -> wire.PresenceList:
    return wire.PresenceList([wire.PresenceSeen(s.member, s.where, s.at) for s in seen], TTL_MS)


def _event(name: str, data: Struct, event_id: int | None = None) -> bytes:
    """One Server-Sent Event whose data line is ``data`` as JSON."""
    head = b"event: %s\n" % name.encode()
    if event_id is not None:
        head = b"id: %d\n" % event_id + head
    return head + b"data: " + _encoder.encode(data) + b"\n\n"


def create_app(
    storage: Storage,
    limiter: RateLimiter | None = None,
    *,
    guard: RateLimiter | None = None,
    close_storage: bool = False,
    warm_up: bool = False,
    view_budget: int = DEFAULT_BUDGET,
) -> Starlette:
    """The ASGI app serving API v1 over ``storage``.

    Args:
        storage: Where cohorts and ops live.
        limiter: Rate limits (defaults to :class:`RateLimiter`'s).
        guard: Failed tokens and invites allowed per client address (default
            :data:`FAILED_RATE` a second, bursts of :data:`FAILED_BURST`).
        close_storage: Close the storage when the app shuts down.
        warm_up: Ignored: permission views are built on first use, so start-up stays
            flat in history (kept so older callers still work).
        view_budget: Facts (members, creators) the cached permission views may hold
            together before the least recently used are dropped.
    """
    server = SyncServer(storage, limiter, guard, view_budget)

    async def on_api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return exc.response()

    async def on_http_error(request: Request, exc: Exception) -> Response:
        # Starlette's own errors: 404 for an unknown path, 405 (with Allow) for a method.
        assert isinstance(exc, HTTPException)
        return JSONResponse(
            {"error": "http", "message": exc.detail},
            status_code=exc.status_code,
            headers=exc.headers,
        )

    async def on_unavailable(request: Request, exc: Exception) -> Response:
        log.warning(
            "%s %s: the database is unreachable (%s)", request.method, request.url.path, exc
        )
        return JSONResponse(
            {"error": "unavailable", "message": UNAVAILABLE},
            status_code=503,
            headers={"Retry-After": str(RETRY_AFTER_S)},
        )

    async def on_crash(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s %s", request.method, request.url.path)
        return JSONResponse(
            {"error": "internal", "message": "the server failed; nothing was changed"},
            status_code=500,
        )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await server.doorbell.start()
        if warm_up:
            server.warm_up()  # a no-op now; see SyncServer.warm_up
        yield
        server.begin_shutdown()
        server.listeners.close()
        await server.doorbell.stop()
        await server.stop_following()
        if close_storage:
            storage.close()

    routes = [Route("/v1/openapi.json", server.openapi, methods=["GET"])]
    by_path: dict[str, dict[str, Handler]] = {}
    for endpoint in ENDPOINTS:
        by_path.setdefault(endpoint.path, {})[endpoint.method] = getattr(server, endpoint.handler)
    # One route per path, so a 405 lists every method of the path in Allow.
    routes += [
        Route(path, _by_method(handlers), methods=list(handlers))
        for path, handlers in by_path.items()
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={
            ApiError: on_api_error,
            HTTPException: on_http_error,
            StorageUnavailable: on_unavailable,
            Exception: on_crash,
        },
        lifespan=lifespan,
    )
    app.state.sync = server
    return app
