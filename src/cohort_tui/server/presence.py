"""Who is here now, per cohort, in this server's memory: never stored, never an op.

Each member's latest heartbeat (``POST /presence``) says where they are; an entry not
renewed within :data:`~cohort_tui.domain.presence.TTL_MS` is gone. Streams send the list
when it changes and with every ping, so a member who leaves disappears from every
screen within 60 s. Per instance for now: with several server instances on one database
a member is seen only by streams on the instance their heartbeats reach (sharing it
through the database is future work).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cohort_tui.domain.presence import MAX_ENTRIES, TTL_MS, Seen

MAX_COHORTS = 10_000
"""Cohorts with presence kept at once; past it, the quietest are forgotten."""


@dataclass
class _Cohort:
    seen: dict[str, Seen] = field(default_factory=dict)
    version: int = 0


class PresenceBoard:
    """Every cohort's members here now (a member's newest heartbeat)."""

    def __init__(self) -> None:
        self._cohorts: dict[str, _Cohort] = {}

    def beat(self, cohort: str, member: str, where: str, now: int) -> None:
        """``member`` is on ``where`` now; an empty ``where`` (or hiding) removes them."""
        board = self._cohorts.get(cohort)
        if board is None:
            if not where:
                return
            if len(self._cohorts) >= MAX_COHORTS:
                self._forget_quietest(now)
            board = self._cohorts[cohort] = _Cohort()
        old = board.seen.get(member)
        if not where:
            if board.seen.pop(member, None) is not None:
                board.version += 1
            return
        if member not in board.seen and len(board.seen) >= MAX_ENTRIES:
            self._expire(board, now)
            if len(board.seen) >= MAX_ENTRIES:
                return  # a full board keeps who is there; the newcomer shows next time
        board.seen[member] = Seen(member, where, now)
        if old is None or old.where != where:
            board.version += 1

    def here(self, cohort: str, now: int) -> tuple[list[Seen], int]:
        """Who is here now in ``cohort`` (by member id) and the board's version (it
        moves when someone arrives, moves or leaves)."""
        board = self._cohorts.get(cohort)
        if board is None:
            return [], 0
        self._expire(board, now)
        return [board.seen[m] for m in sorted(board.seen)], board.version

    @staticmethod
    def _expire(board: _Cohort, now: int) -> None:
        stale = [m for m, s in board.seen.items() if now - s.at > TTL_MS]
        for member in stale:
            del board.seen[member]
        if stale:
            board.version += 1

    def _forget_quietest(self, now: int) -> None:
        for cohort, board in list(self._cohorts.items()):
            self._expire(board, now)
            if not board.seen:
                del self._cohorts[cohort]
        if len(self._cohorts) >= MAX_COHORTS:
            quietest = min(
                self._cohorts,
                key=lambda c: max((s.at for s in self._cohorts[c].seen.values()), default=0),
            )
            del self._cohorts[quietest]
