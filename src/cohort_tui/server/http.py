"""HTTP plumbing for the server: JSON errors, bounded bodies, bearer tokens, rate limits."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import JSONResponse

MAX_BODY = 1 << 20
"""Largest request body the server reads (1 MiB)."""


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

    def check(self, key: str) -> None:
        """Take one request from ``key``'s bucket; 429 with Retry-After when empty."""
        now = time.monotonic()
        tokens, last = self._buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens < 1.0:
            self._buckets[key] = (tokens, now)
            wait = max(1, math.ceil((1.0 - tokens) / self.rate))
            raise ApiError(
                429,
                "rate_limited",
                f"too many requests; retry in {wait} s",
                {"Retry-After": str(wait)},
            )
        self._buckets[key] = (tokens - 1.0, now)
        if len(self._buckets) > 100_000:  # forget idle keys; full buckets need no memory
            self._buckets = {
                k: v for k, v in self._buckets.items() if now - v[1] < self.burst / self.rate
            }
