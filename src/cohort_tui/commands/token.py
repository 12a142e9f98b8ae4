"""``cohort token revoke``: take a member's server tokens away (an operator command).

It works on the server's database file, like ``cohort server new-cohort``, so it needs no
token of its own and works while the server runs: the server looks tokens up on every
request, so a revoked one gets 401 at once, and its open event streams end within a
second. The member gets a new token through a claim invite (``cohort invite --claim``).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from cohort_tui.commands.context import fail


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("token", help="server tokens: revoke a member's (on the server's database)")
    t_sub = p.add_subparsers(dest="token_command", metavar="ACTION", required=True)
    r = t_sub.add_parser(
        "revoke",
        help="revoke every token of a member; the server refuses them at once",
        description="Revoke every server token of a member (a lost laptop, a leaked token, "
        "someone leaving). Works on the server's database, also while it runs. The member "
        "can get a new token with a claim invite (cohort invite --claim HANDLE).",
    )
    r.add_argument(
        "--db",
        required=True,
        metavar="DB",
        help="the server's database: its SQLite file or PostgreSQL URL",
    )
    who = r.add_mutually_exclusive_group(required=True)
    who.add_argument("--handle", metavar="HANDLE", help="the member's handle (@ optional)")
    who.add_argument("--member", metavar="ID", help="the member's id (m_...)")
    r.add_argument(
        "--cohort", metavar="ID", help="the cohort (needed when the database has several)"
    )
    r.set_defaults(run=run_revoke)


def run_revoke(args: argparse.Namespace) -> int:
    from cohort_tui.commands.serve import open_storage
    from cohort_tui.server.storage import is_database_url

    path = Path(args.db).expanduser()
    url = is_database_url(args.db)
    if not url and not path.is_file():
        fail(f"{path} does not exist; --db takes the server's database file")
    storage = open_storage(args.db)
    database = storage.url if url else str(path)  # a URL is shown without its password
    try:
        who = args.handle if args.handle is not None else args.member
        found = [
            m
            for m in storage.find_members(who, args.cohort)
            if (m.handle == who.removeprefix("@") if args.handle is not None else m.id == who)
        ]
        where = f" in cohort {args.cohort}" if args.cohort else ""
        if not found:
            fail(f"no member {_name(args)}{where} in {database}")
        if len(found) > 1:
            cohorts = ", ".join(m.cohort for m in found)
            fail(f"{_name(args)} is a member of several cohorts ({cohorts}); add --cohort ID")
        member = found[0]
        revoked = storage.revoke_tokens(member.cohort, member.id)
    finally:
        storage.close()
    if revoked == 0:
        print(f"@{member.handle} ({member.id}) in cohort {member.cohort} had no token to revoke")
    else:
        print(
            f"revoked {revoked} token{'s' if revoked != 1 else ''} of @{member.handle} "
            f"({member.id}) in cohort {member.cohort}; a running server refuses "
            f"{'them' if revoked != 1 else 'it'} now. A new one: cohort invite --claim "
            f"{member.handle}"
        )
    return 0


def _name(args: argparse.Namespace) -> str:
    return f"@{args.handle.removeprefix('@')}" if args.handle is not None else args.member
