"""Serving one member's seat: textual-serve runs ``cohort --store DIR --as HANDLE`` once
per browser connection, behind the secret guard of :mod:`cohort_tui.web.guard`.

Each browser tab gets its own app process acting as the member; the processes share
the store as tmux panes do (each watches the op log), so seats see each other's
changes, and the terminal's.
"""

from __future__ import annotations

import logging
import shlex
import socket
import sys
from pathlib import Path
from typing import Any

from aiohttp import web
from textual_serve.server import Server

from cohort_tui.web.guard import guard, private_headers

SHUTDOWN_SECONDS = 5.0
"""How long open seats get to close when the server stops."""


def app_command(store: Path, handle: str) -> str:
    """The shell command textual-serve runs for each seat (quoted: paths may hold spaces
    or quotes). The same interpreter, so the seat runs the code that serves it."""
    return shlex.join([sys.executable, "-m", "cohort_tui", "--store", str(store), "--as", handle])


class SeatServer(Server):
    """textual-serve's server with every route under ``/<secret>/`` and the guard in
    front; quiet (the command prints its own address), and its pages name the host the
    browser used, so a seat served on all interfaces works from another machine."""

    def __init__(self, command: str, *, host: str, port: int, secret: str, title: str) -> None:
        super().__init__(command, host=host, port=port, title=title)
        self.secret = secret

    def initialize_logging(self) -> None:
        # Warnings only, and never the access log: a request line holds the secret.
        logging.basicConfig(level=logging.WARNING, format="cohort web: %(message)s")
        logging.getLogger("aiohttp.access").setLevel(logging.CRITICAL)

    async def on_startup(self, app: web.Application) -> None:
        """textual-serve prints a banner with an address lacking the secret: not here."""

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        # textual-serve builds the page's websocket and static addresses from
        # ``public_url``; the browser reached us at request.host, so use that. Set and used
        # within one step of the event loop (the page handler does not await).
        self.public_url = f"{request.scheme}://{request.host}"
        response: web.StreamResponse = await super().handle_index(request)
        return response

    async def guarded_app(self) -> web.Application:
        """textual-serve's application mounted under the secret, behind the guard."""
        inner: web.Application = await self._make_app()
        outer = web.Application(middlewares=[guard(self.secret)])
        outer.on_response_prepare.append(private_headers)
        outer.add_subapp(f"/{self.secret}", inner)
        return outer

    def run(self, sock: socket.socket) -> None:
        """Serve on the bound socket until SIGINT or SIGTERM."""
        self.initialize_logging()
        web.run_app(
            self.guarded_app(),
            sock=sock,
            print=None,
            access_log=None,
            shutdown_timeout=SHUTDOWN_SECONDS,
        )


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: any free port). Raises OSError."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


def seat_url(host: str, sock: socket.socket, secret: str) -> str:
    """The address to open: the bound port, the secret, and a host a browser can use."""
    port = sock.getsockname()[1]
    if host in ("0.0.0.0", "::", ""):
        host = socket.gethostname()
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/{secret}/"


def is_loopback(host: str) -> bool:
    """Whether ``host`` is only reachable from this machine."""
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve_seat(store: Path, handle: str, title: str, host: str, port: int, out: Any) -> None:
    """Bind, print the address, serve. OSError from binding propagates."""
    from cohort_tui.web.guard import new_secret

    sock = listen(host, port)
    secret = new_secret()
    server = SeatServer(
        app_command(store, handle),
        host=host,
        port=sock.getsockname()[1],
        secret=secret,
        title=title,
    )
    url = seat_url(host, sock, secret)
    print(f"cohort web: @{handle}'s seat in {title}", file=out)
    print(f"  open {url}", file=out)
    print(
        "  The address is the key: give it only to whoever takes this seat. "
        "Each browser tab runs its own app. Ctrl+C stops.",
        file=out,
    )
    if not is_loopback(host):
        print(
            "  Listening beyond this machine, unencrypted: anyone on the network who has "
            "the address takes the seat. Put a TLS proxy in front for anything but a "
            "trusted network.",
            file=out,
        )
    out.flush()
    server.run(sock)
