"""The guard in front of textual-serve, which has no authentication of its own.

Every route of the seat lives under a random secret path (``/<secret>/``, the websocket
at ``/<secret>/ws``), so the address printed at start is the key. The middleware refuses
anything else before a handler runs (a wrong secret never starts an app process), refuses
a websocket opened from another site's page, and every response tells the browser not to
pass the address on (``Referrer-Policy``) or keep it in a cache.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.typedefs import Middleware

SECRET_BYTES = 32
"""256 bits of randomness in each seat's address."""

REFUSED = (
    "cohort web: this address is not the seat's. Open the address `cohort web` printed "
    "when it started (it holds a secret).\n"
)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def new_secret() -> str:
    """A fresh URL-safe secret."""
    return secrets.token_urlsafe(SECRET_BYTES)


def holds_secret(path: str, secret: str) -> bool:
    """Whether the request path starts with ``/<secret>/`` (compared in constant time)."""
    first, slash, _ = path.lstrip("/").partition("/")
    return bool(slash) and hmac.compare_digest(first.encode(), secret.encode())


def same_origin(request: web.Request) -> bool:
    """A websocket may be opened only by the seat's own page: a browser sends the page's
    ``Origin``, which must name the host the request was sent to."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True  # not a browser (no page to be tricked): the secret is enough
    return urlsplit(origin).netloc.lower() == request.host.lower()


def guard(secret: str) -> Middleware:
    """The middleware that lets only requests carrying ``secret`` through."""

    @web.middleware
    async def check(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not holds_secret(request.path, secret):
            return web.Response(status=403, text=REFUSED)
        upgrade = request.headers.get("Upgrade", "").lower() == "websocket"
        if upgrade and not same_origin(request):
            return web.Response(status=403, text="cohort web: websocket from another site\n")
        return await handler(request)

    return check


async def private_headers(request: web.Request, response: web.StreamResponse) -> None:
    """Sent with every response, before its headers go out."""
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
