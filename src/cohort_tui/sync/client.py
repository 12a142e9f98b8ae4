"""The HTTP client for the sync server's API v1.

Every failure becomes a :class:`SyncError` whose message is one sentence a person can act
on: :class:`Unreachable` when the server cannot be reached (nothing was changed, try again
later), :class:`ServerRefused` when it answered with an error.

A client may be given several URLs: instances of one server on one database. A request
goes to the one that answered last; when it cannot be reached or answers 5xx, the next
one is tried at once. A server that failed (or answered 503 with ``Retry-After``) rests
for a while, process-wide, so the next requests and stream reconnects go elsewhere
first. Requests that must not be sent twice (a join spends an invite) only move on when
the first server surely did not act on them: the connection failed, or it answered
500, 502 or 503.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Container, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
import msgspec

from cohort_tui.domain.ops import Op, OpError, decode_op
from cohort_tui.domain.presence import MAX_BYTES, Seen, decode_entries

USER_AGENT = "cohort-tui-sync/1"


class SyncError(Exception):
    """Sync failed; the message says why. Nothing local was lost."""


class Unreachable(SyncError):
    """The server could not be reached (network, DNS, refused, timed out)."""


class ServerRefused(SyncError):
    """The server answered with an error status."""

    def __init__(self, status: int, code: str, message: str, retry_after: float = 0) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.retry_after = retry_after


@dataclass(frozen=True)
class Joined:
    """What ``POST /v1/join`` returns."""

    cohort: str
    member: str
    handle: str
    token: str


@dataclass
class Pushed:
    """The server's answer to one pushed batch."""

    acked: list[str]
    accepted: int
    duplicates: int
    rejected: dict[str, str] = field(default_factory=dict)
    """op id -> reason."""
    conflicts: dict[str, str] = field(default_factory=dict)
    """op id -> reason, for ops the server refused because it holds other content under
    their id (never reported as duplicates)."""
    cursor: int = 0
    """The server's cursor after this push (the last op it stored)."""
    history: str = ""
    """The server database's history id ("" from a server too old to send one)."""


@dataclass
class Page:
    """A page of ops after a cursor."""

    ops: list[Op]
    cursor: int
    more: bool = False
    history: str = ""
    """The server database's history id ("" from a stream event or an old server)."""
    presence: list[Seen] | None = None
    """Who is here now, from a ``presence`` event (None: this event said nothing of it)."""


class _PageWire(msgspec.Struct):
    ops: list[msgspec.Raw]
    cursor: int
    more: bool = False
    history: str = ""


class _Rejected(msgspec.Struct):
    id: str
    reason: str
    status: str = "refused"
    """``conflict`` (the id names other content there) or ``refused``."""


class _PushedWire(msgspec.Struct):
    acked: list[str]
    accepted: int
    duplicates: int
    rejected: list[_Rejected] = []
    cursor: int = 0
    history: str = ""


class _JoinedWire(msgspec.Struct):
    cohort: str
    member: str
    handle: str
    token: str


def _ops(raws: list[msgspec.Raw], known: Container[bytes] = ()) -> list[Op]:
    """The page's ops decoded, leaving out those whose JSON is in ``known`` (ops the
    store holds byte for byte), except the last one: its id witnesses the page's cursor."""
    last = len(raws) - 1
    try:
        return [
            decode_op(body, lenient=True)
            for i, raw in enumerate(raws)
            if (body := bytes(raw)) not in known or i == last
        ]
    except OpError as exc:
        raise SyncError(f"the server sent a damaged op ({exc})") from None


REST_AFTER_FAILURE = 5.0
"""Seconds a server that could not be reached (or answered 5xx) is tried only last."""
MAX_REST = 300.0
"""The longest ``Retry-After`` a server can make clients avoid it for."""
UNSENT_STATUSES = (500, 502, 503)
"""5xx answers that say the request was not acted on (this server's 500 reports "nothing
was changed"; 502 and 503 come before any instance took it): safe to send elsewhere."""

_resting: dict[str, float] = {}
"""Server URL -> monotonic time until which it is tried only after the others."""
_resting_lock = threading.Lock()


def _rest(url: str, seconds: float) -> None:
    with _resting_lock:
        _resting[url] = time.monotonic() + min(max(seconds, REST_AFTER_FAILURE), MAX_REST)


def _rested(url: str) -> None:
    with _resting_lock:
        _resting.pop(url, None)


class ServerClient:
    """Talks to a server, through any of its URLs.

    Args:
        base_url: The server's URL, e.g. ``http://127.0.0.1:8765``, or several (instances
            on one database), tried in order.
        http: An ``httpx.Client`` to use (tests pass Starlette's ``TestClient``); one is
            made when omitted.
        timeout: Seconds before a request gives up.
    """

    def __init__(
        self,
        base_url: str | Sequence[str],
        *,
        http: httpx.Client | None = None,
        timeout: float = 15.0,
    ) -> None:
        urls = [base_url] if isinstance(base_url, str) else list(base_url)
        if not urls:
            raise SyncError("no server URL given")
        self.urls = list(dict.fromkeys(url.rstrip("/") for url in urls))
        """Every URL of the server, in the order given."""
        self._current = 0
        self._own = http is None
        self._http = http or httpx.Client(timeout=timeout, headers={"User-Agent": USER_AGENT})

    @property
    def base_url(self) -> str:
        """The URL that answered last (the first one before any request)."""
        return self.urls[self._current]

    def _order(self) -> list[str]:
        """The URLs to try: from the current one on, the resting ones last."""
        rotated = self.urls[self._current :] + self.urls[: self._current]
        now = time.monotonic()
        with _resting_lock:
            until = {url: _resting.get(url, 0.0) for url in rotated}
        return sorted(rotated, key=lambda url: until[url] if until[url] > now else 0.0)

    def close(self) -> None:
        """Close the connection pool (when this client made it)."""
        if self._own:
            self._http.close()

    def __enter__(self) -> ServerClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- plumbing -------------------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        content: bytes | None = None,
        params: dict[str, Any] | None = None,
        resend: bool = True,
    ) -> httpx.Response:
        """Send to the current URL, moving on to the next ones when it fails.

        ``resend`` (idempotent requests: push by op id, pulls) also moves on after a
        connection that broke mid-request or a timeout; without it only when the first
        server surely did not act (see :data:`UNSENT_STATUSES`).
        """
        headers = {"Content-Type": "application/json"} if content is not None else {}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        failure: SyncError | None = None
        for url in self._order():
            try:
                response = self._http.request(
                    method, url + path, content=content, params=params, headers=headers
                )
            except httpx.TimeoutException as exc:
                _rest(url, REST_AFTER_FAILURE)
                failure = Unreachable(f"the server at {url} did not answer in time")
                if not resend and not isinstance(exc, httpx.ConnectTimeout):
                    raise failure from None
                continue
            except (httpx.TransportError, OSError) as exc:
                _rest(url, REST_AFTER_FAILURE)
                failure = Unreachable(f"cannot reach the server at {url} ({exc})")
                if not resend and not isinstance(exc, (httpx.ConnectError, OSError)):
                    raise failure from None
                continue
            if response.status_code >= 500:
                refusal = _refusal(response)
                _rest(url, refusal.retry_after)
                failure = refusal
                if resend or response.status_code in UNSENT_STATUSES:
                    continue
                raise refusal
            _rested(url)
            self._current = self.urls.index(url)
            if response.status_code >= 400:
                raise _refusal(response)
            return response
        assert failure is not None
        raise failure

    # -- API ------------------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        """``GET /v1/health``."""
        result: dict[str, Any] = self._request("GET", "/v1/health").json()
        return result

    def join(
        self, invite: str, handle: str, display_name: str = "", cohort: str | None = None
    ) -> Joined:
        """Redeem an invite; ``cohort`` makes the server refuse an invite for another."""
        body: dict[str, Any] = {"invite": invite, "handle": handle, "display_name": display_name}
        if cohort is not None:
            body["cohort"] = cohort
        content = msgspec.json.encode(body)
        response = self._request("POST", "/v1/join", content=content, resend=False)
        wire = msgspec.json.decode(response.content, type=_JoinedWire)
        return Joined(wire.cohort, wire.member, wire.handle, wire.token)

    def push(self, cohort: str, token: str, lines: list[bytes]) -> Pushed:
        """Push ops given as their JSON lines (no trailing newlines)."""
        content = b'{"ops":[' + b",".join(lines) + b"]}"
        response = self._request("POST", f"/v1/cohorts/{cohort}/ops", token=token, content=content)
        wire = msgspec.json.decode(response.content, type=_PushedWire)
        return Pushed(
            acked=wire.acked,
            accepted=wire.accepted,
            duplicates=wire.duplicates,
            rejected={r.id: r.reason for r in wire.rejected if r.status != "conflict"},
            conflicts={r.id: r.reason for r in wire.rejected if r.status == "conflict"},
            cursor=wire.cursor,
            history=wire.history,
        )

    def pull(
        self, cohort: str, token: str, after: int, limit: int = 1_000, known: Container[bytes] = ()
    ) -> Page:
        """The ops stored after cursor ``after``; those whose JSON is in ``known`` (the
        store's own ops it just pushed, say) are left out undecoded, except the last."""
        response = self._request(
            "GET", f"/v1/cohorts/{cohort}/ops", token=token, params={"after": after, "limit": limit}
        )
        wire = msgspec.json.decode(response.content, type=_PageWire)
        return Page(_ops(wire.ops, known), wire.cursor, wire.more, wire.history)

    def presence(self, cohort: str, token: str, where: str, *, hidden: bool = False) -> list[Seen]:
        """Presence heartbeat: ``where`` the token's member is (empty: gone); returns who
        is here now, checked and bounded (an entry that does not fit is dropped)."""
        body = msgspec.json.encode({"where": where, "hidden": hidden})
        response = self._request(
            "POST", f"/v1/cohorts/{cohort}/presence", token=token, content=body
        )
        return _presence(response.content)

    def invite(
        self,
        cohort: str,
        token: str,
        *,
        role: str,
        uses: int,
        expires_days: float,
        claim: str | None = None,
    ) -> dict[str, Any]:
        """Make an invite (facilitators); returns ``{invite, role, uses, expires_at}``.

        With ``claim`` (a member's handle or id), the invite gives that existing member a
        new token instead of adding someone.
        """
        request: dict[str, Any] = {"role": role, "uses": uses, "expires_days": expires_days}
        if claim is not None:
            request["claim"] = claim
        body = msgspec.json.encode(request)
        response = self._request(
            "POST", f"/v1/cohorts/{cohort}/invites", token=token, content=body, resend=False
        )
        result: dict[str, Any] = response.json()
        return result

    def stream(self, cohort: str, token: str, after: int) -> Iterator[Page]:
        """Follow the live stream: a page per ``ops`` event, an empty one per ``ready``
        (connected) and ``ping`` (keep-alive, every 15 s) event.

        Raises:
            Unreachable: the connection failed or dropped.
            ServerRefused: the server refused the stream.
        """
        from httpx_sse import connect_sse

        headers = {"Authorization": f"Bearer {token}"}
        base = self._order()[0]
        url = f"{base}/v1/cohorts/{cohort}/stream"
        try:
            with connect_sse(
                self._http,
                "GET",
                url,
                params={"after": after},
                headers=headers,
                timeout=httpx.Timeout(10.0, read=60.0),
            ) as source:
                if source.response.status_code >= 400:
                    source.response.read()
                    refusal = _refusal(source.response)
                    if refusal.status >= 500:  # the next reconnect tries another URL
                        _rest(base, refusal.retry_after)
                    raise refusal
                _rested(base)
                self._current = self.urls.index(base)
                for event in source.iter_sse():
                    if event.event in ("ready", "ping"):  # connected, still there
                        yield Page([], after)
                    if event.event == "presence":
                        yield Page([], after, presence=_presence(event.data.encode()))
                    if event.event != "ops":
                        continue
                    wire = msgspec.json.decode(event.data, type=_PageWire)
                    yield Page(_ops(wire.ops), wire.cursor)
        except httpx.TimeoutException:
            _rest(base, REST_AFTER_FAILURE)
            raise Unreachable(f"the stream from {base} went quiet") from None
        except (httpx.TransportError, OSError) as exc:
            _rest(base, REST_AFTER_FAILURE)
            raise Unreachable(f"lost the stream from {base} ({exc})") from None


def _presence(raw: bytes) -> list[Seen]:
    """A presence list from the server: untrusted, so bounded and checked entry by entry."""
    if len(raw) > MAX_BYTES:
        return []
    try:
        doc = msgspec.json.decode(raw)
    except msgspec.DecodeError:
        return []
    return decode_entries(doc.get("members") if isinstance(doc, dict) else None)


def _refusal(response: httpx.Response) -> ServerRefused:
    try:
        body = response.json()
        code, message = str(body.get("error", "")), str(body.get("message", ""))
    except (ValueError, AttributeError):
        code, message = "", ""
    if not message:
        message = f"the server answered {response.status_code}"
    retry = response.headers.get("retry-after", "0").strip()
    return ServerRefused(
        response.status_code,
        code,
        f"the server refused: {message}",
        float(retry) if retry.isdigit() else 0.0,
    )
