"""HTTP plumbing for the server: JSON errors, bounded bodies decoded with limits, bearer
tokens, rate limits.

Every request body goes through :func:`read_json`: a JSON content type (or none), at most
1 MiB, UTF-8, then msgspec decodes it into the request's Struct (whose ``Meta`` bounds
every field); each op kept as raw JSON is nested at most :data:`MAX_DEPTH` deep. Each
refusal is a 4xx JSON error naming the problem, so no input reaches code that could fail
with a 5xx.
"""

from __future__ import annotations

import array
import itertools
import math
import re
import time
from dataclasses import dataclass, field
from typing import TypeVar

import msgspec
from starlette.requests import Request
from starlette.responses import JSONResponse

MAX_BODY = 1 << 20
"""Largest request body the server reads (1 MiB)."""
MAX_DEPTH = 32
"""Deepest JSON nesting of an op the server stores. Ops nest a few levels; one nested a
thousand deep exhausts a decoder's recursion, so a replica with less stack to spare
could not read it."""

T = TypeVar("T")


class ApiError(Exception):
    """A client error answered as ``{"error": code, "message": ...}``."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}

    def response(self) -> JSONResponse:
        return JSONResponse(
            {"error": self.code, "message": self.message},
            status_code=self.status,
            headers=self.headers,
        )


def unauthorized(message: str = "missing or invalid bearer token") -> ApiError:
    return ApiError(401, "unauthorized", message, {"WWW-Authenticate": "Bearer"})


def not_found(message: str = "no such cohort") -> ApiError:
    return ApiError(404, "not_found", message)


def bad_request(message: str) -> ApiError:
    return ApiError(400, "bad_request", message)


def forbidden(message: str) -> ApiError:
    return ApiError(403, "forbidden", message)


async def read_body(request: Request, limit: int = MAX_BODY) -> bytes:
    """The request body, refusing (413) anything over ``limit`` before parsing it."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise bad_request("Content-Length is not a number")
        if int(declared) > limit:
            raise ApiError(413, "too_large", f"the body is over {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, "too_large", f"the body is over {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _is_json(content_type: str) -> bool:
    media = content_type.partition(";")[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


async def read_json(request: Request, kind: type[T], *, empty: bytes | None = None) -> T:
    """The request body decoded into ``kind``, or a 4xx :class:`ApiError` saying why not.

    Args:
        request: The request.
        kind: The msgspec type the body must match.
        empty: What an empty body stands for; None means a body is required.
    """
    content_type = request.headers.get("content-type")
    if content_type is not None and not _is_json(content_type):
        raise ApiError(415, "unsupported_media_type", "send the body as application/json")
    body = await read_body(request)
    if not body or body.isspace():  # (no copy of a large body, unlike strip)
        if empty is None:
            raise bad_request("the body is empty; send a JSON object")
        body = empty
    return decode_json(body, kind)


_ESCAPE = re.compile(rb"\\.", re.DOTALL)
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'[]{}"')
_BRACKET_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")


def nesting_depth(text: bytes) -> int:
    """How deep a JSON text nests arrays and objects (brackets inside strings ignored).

    A cheap upper bound first (as if every opening bracket sat inside the one before), so
    a small op pays two ``count`` calls. Otherwise escapes are cut out, so quotes alternate
    open/close; everything but brackets and quotes is dropped; the pieces between quote
    pairs are outside strings; and the bracket steps are summed in C.
    """
    openers = text.count(b"[") + text.count(b"{")
    if openers <= MAX_DEPTH:
        return openers
    if b"\\" in text:
        text = _ESCAPE.sub(b"", text)
    outside = b"".join(text.translate(None, _NOT_STRUCTURE).split(b'"')[::2])
    steps = array.array("b", outside.translate(_BRACKET_STEPS))
    return max(itertools.accumulate(steps), default=0)


def decode_json(body: bytes, kind: type[T]) -> T:
    """``body`` decoded into ``kind``; 400 naming the problem.

    msgspec checks the UTF-8 of every string it decodes, but not inside a ``Raw`` value,
    so the whole body is checked first (about a microsecond per 10 KB).
    """
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise bad_request(f"the body is not valid UTF-8 (byte {exc.start})") from None
    try:
        try:
            return msgspec.json.decode(body, type=kind)
        except msgspec.ValidationError:
            whole = whole_numbers(body)
            if whole is None:
                raise
            return msgspec.json.decode(whole, type=kind)
    except msgspec.ValidationError as exc:
        raise bad_request(f"invalid request: {exc}") from None
    except msgspec.DecodeError as exc:
        raise bad_request(f"not JSON: {exc}") from None
    except RecursionError:  # msgspec refuses nesting past Python's recursion limit
        raise bad_request(f"the JSON is nested more than {MAX_DEPTH} levels deep") from None


_EXACT = 2**53
"""Past this a float may not name one integer exactly."""


def whole_numbers(text: bytes) -> bytes | None:
    """``text`` with every whole float (``2.0``, ``1e3``) written as an integer, or None
    when it has none (or is not JSON).

    To JSON (and JSON Schema) ``2.0`` is the integer 2, but msgspec's strict decoding
    refuses it where an ``int`` is expected. Tried only after a decode failed, so the
    common case costs nothing.
    """
    try:
        value = msgspec.json.decode(text)
    except (msgspec.DecodeError, RecursionError):
        return None
    changed = False

    def whole(item: object) -> object:
        nonlocal changed
        if isinstance(item, float) and item.is_integer() and abs(item) <= _EXACT:
            changed = True
            return int(item)
        if isinstance(item, list):
            return [whole(x) for x in item]
        if isinstance(item, dict):
            return {k: whole(v) for k, v in item.items()}
        return item

    try:
        result = whole(value)
    except RecursionError:
        return None
    return msgspec.json.encode(result) if changed else None


def bearer_token(request: Request) -> str:
    """The bearer token of the request; 401 when absent or malformed."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 200:
        raise unauthorized()
    return token


@dataclass
class RateLimiter:
    """A token bucket per key (a token's digest, or a client address for joins).

    Args:
        rate: Requests per second refilled.
        burst: Bucket size: requests allowed at once.
    """

    rate: float = 50.0
    burst: float = 200.0
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)

    def check(self, key: str, message: str = "too many requests") -> None:
        """Take one request from ``key``'s bucket; 429 with Retry-After when empty."""
        tokens, now = self._level(key)
        self._refuse(key, tokens, now, message)
        self._store(key, tokens - 1.0, now)

    def refuse_if_empty(self, key: str, message: str = "too many requests") -> None:
        """429 with Retry-After when ``key``'s bucket has no request left (takes none)."""
        if key in self._buckets:  # a key never charged has a full bucket
            tokens, now = self._level(key)
            self._refuse(key, tokens, now, message)

    def take(self, key: str) -> None:
        """Take one request from ``key``'s bucket (none left: it stays empty)."""
        tokens, now = self._level(key)
        self._store(key, max(tokens - 1.0, 0.0), now)

    def _refuse(self, key: str, tokens: float, now: float, message: str) -> None:
        if tokens < 1.0:
            self._buckets[key] = (tokens, now)
            wait = max(1, math.ceil((1.0 - tokens) / self.rate))
            raise ApiError(
                429, "rate_limited", f"{message}; retry in {wait} s", {"Retry-After": str(wait)}
            )

    def _level(self, key: str) -> tuple[float, float]:
        now = time.monotonic()
        tokens, last = self._buckets.get(key, (self.burst, now))
        return min(self.burst, tokens + (now - last) * self.rate), now

    def _store(self, key: str, tokens: float, now: float) -> None:
        self._buckets[key] = (tokens, now)
        if len(self._buckets) > 100_000:  # forget idle keys; full buckets need no memory
            self._buckets = {
                k: v
                for k, v in self._buckets.items()
                if now - v[1] < (self.burst - v[0]) / self.rate
            }
