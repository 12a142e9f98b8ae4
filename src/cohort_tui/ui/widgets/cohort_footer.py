"""The footer, rebuilt only when the keys it shows change.

Textual's ``Footer`` recomposes every key widget whenever the bindings are updated, which
happens on every focus change; with a dozen keys that costs 50-150 ms on a busy screen
(moving focus from the thread list to the thread did it twice). Most focus changes do
not change what the footer shows, so this one compares first.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer


class CohortFooter(Footer):
    """A ``Footer`` that skips rebuilding when the shown keys are unchanged."""

    _shown: tuple[tuple[str, str, bool], ...] | None = None

    def _signature(self, screen: Screen[object]) -> tuple[tuple[str, str, bool], ...]:
        return tuple(
            (binding.key, binding.description, enabled)
            for (_, binding, enabled, _) in screen.active_bindings.values()
            if binding.show
        )

    def compose(self) -> ComposeResult:
        if self._bindings_ready:  # the screen is composed: its actions can be asked about
            self._shown = self._signature(self.screen)
        yield from super().compose()

    def bindings_changed(self, screen: Screen[object]) -> None:
        if (
            self._shown is not None
            and screen is self.screen
            and self.is_attached
            and screen.app.app_focus
            and self._signature(screen) == self._shown
        ):
            return
        super().bindings_changed(screen)
