"""``cohort web``: a seat in the cohort from a browser (textual-serve).

textual-serve and aiohttp come with the ``web`` extra and are imported only when the
command runs, so the rest of the CLI works without them.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from cohort_tui.commands.context import acting_member, fail, open_replica

EXTRA_HINT = "the browser seat needs the 'web' extra: pip install 'cohort-tui[web]'"


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "web",
        parents=[common],
        help="serve the app to a browser as one member (needs the 'web' extra)",
    )
    p.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine)"
    )
    p.add_argument("--port", type=int, default=8766, help="port (default 8766; 0: any free port)")
    p.set_defaults(run=run_web)


def run_web(args: argparse.Namespace) -> int:
    if not 0 <= args.port <= 65_535:
        fail("--port takes a number from 0 to 65535", 2)
    try:
        from cohort_tui.web.seat import serve_seat
    except ImportError:
        fail(EXTRA_HINT)
    from cohort_tui.domain.sanitize import clean_line

    replica = open_replica(args)
    member = acting_member(replica, args)  # a wrong --as fails here, not in the browser
    state = replica.state
    title = f"'{clean_line(state.cohort.name)}'" if state.cohort else "the cohort"
    try:
        serve_seat(replica.root.resolve(), member.handle, title, args.host, args.port, sys.stdout)
    except OSError as exc:
        fail(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}")
    return 0
