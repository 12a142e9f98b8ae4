"""What screens and widgets may ask of the app: the :class:`CohortHost` protocol.

Screens used to import :class:`~cohort_tui.ui.app.CohortApp` to type ``self.app``, and the
app imports the screens: an import circle that made every screen depend on all of the app.
Screens now depend on this small protocol instead; ``ui/app.py`` checks that the app
satisfies it (mypy fails there when a screen needs something the protocol lacks).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TypeVar, cast

from textual.message_pump import MessagePump

from cohort_tui.domain.derived import Derived
from cohort_tui.domain.model import State
from cohort_tui.domain.op_kinds import Data
from cohort_tui.domain.ops import Op
from cohort_tui.domain.queries import UnreadCache
from cohort_tui.store.workspace import Replica
from cohort_tui.ui.presence import PresenceTracker

T = TypeVar("T")


class CohortHost(Protocol):
    """The app as its screens see it."""

    replica: Replica
    """The open store."""
    member_id: str
    """The acting member's id."""
    now_ms: Callable[[], int]
    """Epoch-ms now, as every screen should read it."""
    work_dir: Path
    """The folder cohort was started in: lesson checks run and files are picked here."""
    sync_state: str
    """What the header shows for sync."""
    first_frame_drawn: bool
    """Set once the first screen is on the terminal."""
    unread_cache: UnreadCache
    """Per-thread unread counts."""

    presence: PresenceTracker
    """Where this pane is (the store's presence file and the server's heartbeat)."""

    def derived(self) -> Derived:
        """Unread counts, mentions and Today for the acting member, kept up op by op."""

    def go(self, target: str | None) -> None:
        """Switch to a screen, optionally opening a thread, lesson or submission in it."""

    def memo(self, name: str, compute: Callable[[], T]) -> T:
        """A value derived from the state, computed once per state change."""

    def memo_known(self, name: str) -> object | None:
        """A memoised value if it is current, else None."""

    def memo_seed(self, name: str, value: object) -> None:
        """Store a value computed elsewhere for the current state."""

    def write(self, data: Data) -> Op | None:
        """Write an op as me; a refusal or store error becomes a notification."""

    def write_many(self, items: list[Data]) -> list[Op]:
        """Write several ops in one append."""

    def poll_store(self) -> None:
        """Fold what other processes appended to the log."""

    def compose_thread(self, *, lesson: str | None = None, title: str = "", body: str = "") -> bool:
        """Open the composer for a new thread."""


class HostAccess:
    """What a screen or a section widget reads of the app: mixed into a Textual node
    (``CohortScreen``, the milestone sections), so each has the state, the acting member,
    the clock and ``write`` without writing them again."""

    @property
    def cohort_app(self) -> CohortHost:
        """The app, typed as what screens may ask of it."""
        return cast(CohortHost, cast(MessagePump, self).app)  # mixed into a Textual node

    @property
    def state(self) -> State:
        """The current folded state."""
        return self.cohort_app.replica.state

    @property
    def me(self) -> str:
        """The acting member's id."""
        return self.cohort_app.member_id

    def now(self) -> int:
        """Epoch-ms now (pinned in tests)."""
        return self.cohort_app.now_ms()

    def write(self, data: Data) -> Op | None:
        """Write an op as me; a refusal or store error becomes a notification."""
        return self.cohort_app.write(data)
