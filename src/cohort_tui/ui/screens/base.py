"""What every cohort screen shares: the state, the acting member, live refresh."""

from __future__ import annotations

from textual import events, on
from textual.geometry import Size
from textual.screen import Screen

from cohort_tui.ui.host import HostAccess
from cohort_tui.ui.messages import PresenceChanged, StoreChanged


class CohortScreen(HostAccess, Screen[None]):
    """A screen that shows the folded state and refreshes when it changes.

    Subclasses implement :meth:`refresh_view`; it runs on mount, when the store changes
    while the screen is shown, and on resume if the store changed while it was hidden.
    """

    _seen_applied: tuple[int, int] = (0, -1)
    _seen_presence = 0

    def on_mount(self) -> None:
        # Start the screen's frame timer now. Its first tick comes a whole frame period
        # (16.7 ms) after it first runs, and Textual first runs it when the first frame
        # is due: every start and every first visit sat idle ~14 ms before drawing. Run
        # from here, the tick is already due by then. (Private to Textual, pinned.)
        self._update_timer.resume()
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)
        self._refresh_if_stale()
        self.cohort_app.presence.moved(self.presence_where())

    def _theme_changed(self, _theme: object) -> None:
        """Panes hold ``Text`` styled in the old theme: style them again."""
        from cohort_tui.ui.palette import recolour

        recolour(self)

    def _refresh_layout(self, size: Size | None = None, scroll: bool = False) -> None:
        # The app batches updates through its whole start-up, and whatever is drawn in
        # a batch is thrown away: the first screen used to be laid out and drawn in full
        # there (~30% of reaching Home), then again once the batch was over. Lay out
        # once, after it. (Textual private API; Textual is pinned.)
        if self.app._batch_count and not self.cohort_app.first_frame_drawn:
            self._layout_required = True
            return
        super()._refresh_layout(size, scroll)
        if not self.cohort_app.first_frame_drawn and self.is_current:
            self.call_later(self._draw_first_frame)

    def _draw_first_frame(self) -> None:
        # The first frame is due as soon as the first screen is laid out out of the
        # start-up batch, but Textual draws on its frame timer, whose first tick comes a
        # whole period after it started: start-up had finished and sat idle ~6 ms for it.
        # Draw now instead, through the timer's own handler. (Private to Textual, which
        # is pinned.)
        if not self.cohort_app.first_frame_drawn and self.is_current:
            self._on_timer_update()

    async def _on_resize(self, event: events.Resize) -> None:
        # A screen's first layout posts the screen a Resize to the size it was just laid
        # out at, and Textual then lays it (and the screen under it) out again and draws
        # another frame. Nothing changed: skip that. A terminal resize brings a new size.
        # (Private to Textual, which is pinned; the snapshots show every screen laid out.)
        if event.size == self._size:
            event.stop()
            event.prevent_default()

    def _compositor_refresh(self) -> None:
        # A full repaint of the screen is due (Textual draws one when its update timer
        # next runs, which clears the flag), so a frame drawn now would be drawn again
        # at once, or thrown away if the app is holding updates back (a first visit to a
        # mode does, for 50 ms). Opening the chat drew the whole screen five times, and every first
        # visit to a screen twice in full. (Private to Textual, which is pinned.)
        if self._repaint_required and self.is_current:
            self.check_idle()  # the screen's idle handler runs that timer (out of a batch)
            return
        super()._compositor_refresh()

    _resumed = False

    @on(events.ScreenResume)
    def _restyle_only_when_resumed_again(self, event: events.ScreenResume) -> None:
        # Runs before Textual's own resume handler (Screen's, later in the MRO). A
        # screen's first resume comes just after its widgets were mounted, and Textual
        # styled each as it mounted (with the whole composed tree in place, so selectors
        # on position saw every sibling); that handler then styled them all again, 3 ms
        # of every start. A class or focus change since restyles its own node, and later
        # resumes (back from a dialog or another mode) restyle as before. (Private to
        # Textual, which is pinned; the snapshots show every screen styled.)
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False

    def on_screen_resume(self) -> None:
        from cohort_tui.ui.render_caches import forget_removed_widgets

        forget_removed_widgets()  # the dialog or screen just left would stay in memory
        self._refresh_if_stale()
        presence = self.cohort_app.presence
        presence.moved(self.presence_where())
        if presence.version != self._seen_presence:  # it changed while hidden
            self.on_presence_changed(PresenceChanged())

    def presence_where(self) -> str:
        """Where the member is while this screen shows: its mode's name (screens with
        a finer place, such as a lesson, say so)."""
        return self.app.current_mode or ""

    def on_presence_changed(self, message: PresenceChanged) -> None:
        """Who else is here changed: screens that show it redraw that part (and call
        this, so a screen shown again knows it is up to date)."""
        self._seen_presence = self.cohort_app.presence.version

    def on_store_changed(self, message: StoreChanged) -> None:
        self._refresh_if_stale()

    def _refresh_if_stale(self) -> None:
        state = self.state
        seen = (id(state), state.applied)  # a refold brings a new state object
        if seen != self._seen_applied:
            self._seen_applied = seen
            self.refresh_view()

    def fill_header(self, *, unread: int | None = None, reviews: int | None = None) -> None:
        """Fill the screen's header from the state; pass counts already computed."""
        from cohort_tui.ui.widgets.cohort_header import CohortHeader

        state = self.state
        header = self.query_one(CohortHeader)
        header.cohort_name = state.cohort.name if state.cohort else "cohort"
        header.screen_title = getattr(self, "TITLE_TEXT", "")
        member = state.members.get(self.me)
        header.handle = member.handle if member else self.me
        given = unread  # a screen that counted already (Home) saves the others the work
        derived = self.cohort_app.derived()  # counts kept op by op, not over every thread
        header.unread = self.cohort_app.memo(
            "unread", lambda: given if given is not None else derived.unread_total()
        )
        header.reviews = derived.reviews_waiting(state, self.now()) if reviews is None else reviews
        header.sync_state = self.cohort_app.sync_state

    def refresh_view(self) -> None:
        """Redraw from ``self.state``; keep the cursor where the user left it."""

    def open_target(self, kind: str, target_id: str) -> None:
        """Show one entity (``lesson``, ``thread``, ...); screens override what they own."""
