"""This pane's presence: where the member is, renewed in the store's presence file, and
who else is here now (other panes on the store, and members elsewhere through the pane
that syncs live). Ephemeral: never an op.

Every :data:`~cohort_tui.domain.presence.BEAT_S` seconds, and when the member moves to
another screen or lesson, a worker thread renews this pane's entry (or removes it, when
the member hides their presence in the config) and reads everyone else's. When the list
of who is here changes, the current screen gets :class:`PresenceChanged`.
"""

from __future__ import annotations

import contextlib
import os
from typing import TYPE_CHECKING

from cohort_tui.domain.presence import BEAT_S, Seen, here_now, valid_where
from cohort_tui.store.errors import StoreError
from cohort_tui.store.presence_file import beat
from cohort_tui.ui.messages import PresenceChanged

if TYPE_CHECKING:
    from cohort_tui.ui.app import CohortApp


class PresenceTracker:
    """Keeps this pane's presence and the list of who else is here.

    Args:
        app: The app (its store, member, clock, config and current screen).
    """

    def __init__(self, app: CohortApp) -> None:
        self.app = app
        # os.urandom, as secrets.token_hex does: importing secrets loads OpenSSL (~4 ms).
        self.pane = os.urandom(8).hex()
        """This process's key in the presence file."""
        self.seats: list[Seen] = []
        """Who else is here now, by handle."""
        self.version = 0
        """Moves whenever :attr:`seats` changes (a screen shown again compares it)."""
        self._where = ""
        self._timer: object | None = None
        self._started = False

    @property
    def hidden(self) -> bool:
        return not self.app.user_config.show_presence

    def start(self, every: float = BEAT_S) -> None:
        """Beat now and every ``every`` seconds (0: only when the member moves). Moves
        before this are remembered, and the first beat tells where the member is."""
        self._started = True
        if every > 0:
            self._timer = self.app.set_interval(every, self.beat, name="presence")
        self.beat()

    def moved(self, where: str) -> None:
        """The member is on ``where`` now (a screen name or ``lesson:ID``)."""
        if where != self._where and valid_where(where):
            self._where = where
            if self._started:
                self.beat()

    def beat(self) -> None:
        """Renew this pane's entry and read who is here, in a worker thread."""
        self.app.run_worker(
            self._beat, thread=True, exclusive=True, group="presence", exit_on_error=False
        )

    def _beat(self) -> None:
        app = self.app
        now = app.now_ms()
        mine = None if self.hidden or not self._where else Seen(app.member_id, self._where, now)
        try:
            data = beat(app.replica.root, self.pane, mine, now)
        except (StoreError, OSError):
            return  # a read-only or full store: presence is a courtesy
        seats = here_now(data.everyone(), app.replica.state, now, app.member_id)
        with contextlib.suppress(RuntimeError):  # the app is closing
            app.call_from_thread(self._show, seats)

    def _show(self, seats: list[Seen]) -> None:
        self.app.poke_presence()
        if seats != self.seats:
            self.seats = seats
            self.version += 1
            self.app.screen.post_message(PresenceChanged())

    def leave(self) -> None:
        """Remove this pane's entry (the app is closing); never raises."""
        with contextlib.suppress(StoreError, OSError):
            beat(self.app.replica.root, self.pane, None, self.app.now_ms())
