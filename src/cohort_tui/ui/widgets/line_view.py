"""What the Line-API views (posts, code, rows, chat) share: a cache of drawn lines.

Each view caches the strips it drew (and some the styled text behind them). The cursor's
look depends on focus and every colour on the theme, so focus moving draws the lines
again, and a theme switch also forgets the styled text. Subclasses say which caches are
theirs in :meth:`forget_drawn` and :meth:`forget_styled`.
"""

from __future__ import annotations

from textual.scroll_view import ScrollView


class LineView(ScrollView):
    """A scroll view drawn line by line from caches (see the module)."""

    def forget_drawn(self) -> None:
        """Drop the cached strips (the next frame draws every line again)."""
        raise NotImplementedError

    def forget_styled(self) -> None:
        """Drop cached styled text that holds theme colours; none by default."""

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, _theme: object) -> None:
        """Lines were drawn in the old theme's colours: draw them again."""
        self.forget_styled()
        self.forget_drawn()
        self.refresh()

    def on_focus(self) -> None:
        self.forget_drawn()
        self.refresh()

    def on_blur(self) -> None:
        self.forget_drawn()
        self.refresh()
