"""What every subcommand needs: the store, the acting member, clean errors."""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from cohort_tui.paths import resolve_store

if TYPE_CHECKING:  # imported when a store is opened: `status --tmux` may need no store
    from cohort_tui.domain.model import Member
    from cohort_tui.store.workspace import Replica


class CliError(Exception):
    """A user error: printed as one line on stderr, exit status 1 (or ``code``)."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def fail(message: str, code: int = 1) -> NoReturn:
    """Stop the command with a user-facing error."""
    raise CliError(message, code)


def store_path(args: argparse.Namespace) -> Path:
    """The store the command works on; the default store is made from the demo on first use."""
    path, is_default = resolve_store(getattr(args, "store", None))
    if is_default and not (path / "store.toml").exists():
        from cohort_tui.demo.seed import write_demo_store

        path.parent.mkdir(parents=True, exist_ok=True)
        write_demo_store(path, newcomer=True)
        print(f"cohort: created the demo cohort in {path}", file=sys.stderr)
    return path


def open_replica(args: argparse.Namespace) -> Replica:
    """Open the command's store.

    The folded state lives as long as the command: it is moved out of the garbage
    collector's sight (``gc.freeze``), or every collection the command sets off walks
    all of it (28 collections, half of ``cohort status`` at 100k ops). :func:`main`
    unfreezes when the command is done.
    """
    from cohort_tui.store.snapshot import gc_paused
    from cohort_tui.store.workspace import Replica

    # Paused until it is frozen: re-enabled right after loading, the collector's next
    # young collection walked the whole freshly decoded state first (~15 ms of a
    # `cohort status --tmux` after a change, at 100k ops).
    with gc_paused():
        replica = Replica(store_path(args))
        gc.freeze()
    return replica


def acting_member(replica: Replica, args: argparse.Namespace) -> Member:
    """The member named by ``--as`` / ``$COHORT_AS``, else the store's default member."""
    import os

    who = getattr(args, "as_member", None) or os.environ.get("COHORT_AS")
    return replica.resolve_member(who)


def now_ms() -> int:
    """Wall time in epoch milliseconds."""
    return int(time.time() * 1000)


def read_body(body: str | None, body_file: str | None) -> str:
    """A text body from ``--body`` or ``--body-file`` (``-`` is stdin)."""
    if body is not None:
        return body
    if body_file is None:
        fail("give --body TEXT or --body-file FILE")
    from cohort_tui.domain.utf8 import where_not_utf8

    if body_file == "-":
        try:
            return sys.stdin.buffer.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            fail(f"standard input is not UTF-8 text ({where_not_utf8(exc)})")
    try:
        return Path(body_file).read_text("utf-8")
    except FileNotFoundError:
        fail(f"{body_file} does not exist")
    except UnicodeDecodeError as exc:
        fail(f"{body_file} is not UTF-8 text ({where_not_utf8(exc)})")
    except OSError as exc:
        fail(f"cannot read {body_file}: {exc.strerror}")


def resolve_members(replica: Replica, handles: list[str]) -> list[Member]:
    """The members named by ``@handle``/handle/id words, in order, each once."""
    found: dict[str, Member] = {}
    for word in handles:
        member = replica.resolve_member(word) if word.strip("@") else None
        if member is None:
            fail(f"'{word}' is not a member handle (try @handle)")
        found.setdefault(member.id, member)
    return list(found.values())


def group_name(name: str, what: str) -> str:
    """A team's or pod's name as typed, checked: one line, 1 to 80 characters."""
    from cohort_tui.domain.sanitize import clean_line

    cleaned = " ".join(clean_line(name).split())
    if not cleaned:
        fail(f"the {what} needs a name")
    if len(cleaned) > 80:
        fail(f"the {what}'s name is {len(cleaned)} characters; the limit is 80")
    return cleaned


def refusal_of(replica: Replica, op_id: str) -> None:
    """Stop with the fold's reason when it refused the op just written."""
    for refusal in replica.state.refused:
        if refusal.op == op_id:
            fail(f"not allowed: {refusal.reason}")


def print_json(value: object) -> None:
    """``value`` as indented JSON on stdout (non-ASCII kept)."""
    import json

    print(json.dumps(value, indent=2, ensure_ascii=False))
