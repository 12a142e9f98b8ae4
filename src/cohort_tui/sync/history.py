"""Noticing a server that lost history: restored from a backup, or a new database.

Everything a replica remembers about its server (the pull cursor, which of its ops the
server acknowledged) is only true of one history of that server's database. Two checks
tell whether that history is still there:

- the *history id*, made at random with the database and sent in every push, pull and
  health reply: another id is another database;
- the *witness*, the cursor and id of the newest op this replica knows the server
  stored. A backup holds a prefix of the server's cursors, so if the op is still at its
  cursor, everything the replica saw up to it is still there. If the cursor is empty or
  holds another op (the server was restored and has been written to since), history was
  lost. The history id alone cannot tell: a backup file carries its database's id.

After a loss the replica starts over (:meth:`SyncState.restart`): it offers the server
every op of its log whose author has a token here (the server skips what it has, by id
and content) and pulls from the start, so acknowledged ops come back and replicas
converge.
"""

from __future__ import annotations

from cohort_tui.sync.client import ServerClient, SyncError
from cohort_tui.sync.outbox import SyncState


class HistoryChanged(SyncError):
    """A reply came from another server history than the one this sync started with."""


def check_history(client: ServerClient, cohort: str, token: str, state: SyncState) -> bool:
    """Compare the server with what ``state`` remembers; True when history was lost.

    One request: the page holding the witness op (or the first op, on first contact). On
    a loss ``state`` is restarted; either way it takes the server's history id. The
    caller saves ``state``.
    """
    seq = state.witness_seq or state.cursor
    page = client.pull(cohort, token, max(seq - 1, 0), 1)
    lost = False
    if page.history and state.server and page.history != state.server:
        lost = True  # another database answers at this URL
    elif seq > 0:
        held = page.ops[0].id if page.ops and page.cursor == seq else None
        if held is None or (state.witness_id and held != state.witness_id):
            lost = True  # the op we last saw is gone, or another op took its cursor
        elif not state.witness_id:
            state.witness(seq, held)  # a sync.json from before witnesses: take it now
    if lost:
        state.restart()
    if page.history:
        state.server = page.history
    return lost


def same_history(state: SyncState, history: str) -> None:
    """Raise :class:`HistoryChanged` if a reply's history id is not ``state``'s."""
    if history and state.server and history != state.server:
        raise HistoryChanged("the server's database changed during this sync")
