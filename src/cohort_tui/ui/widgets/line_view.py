"""What the Line-API views (posts, code, rows, chat) share: bounded caches of drawn lines.

Each view keeps the strips it drew, keyed by a tuple whose first item is the row (then
the width and the cursor's state), and the posts and code views also keep the styled
text behind them. Both caches are :class:`textual.cache.LRUCache` with a fixed size, as
Textual's own ``Log``, ``TextArea`` and ``OptionList`` do: a pane streaming thousands of
posts keeps the lines drawn lately, never every line it ever showed. The strip cache
holds about twenty screens of 50 rows, so scrolling back over what was just shown stays
cheap.

The cursor's look depends on focus and every colour on the theme, so focus moving draws
the lines again (:meth:`LineView.forget_drawn`), and a theme switch also forgets the
styled text (:meth:`LineView.forget_styled`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.cache import LRUCache
from textual.scroll_view import ScrollView
from textual.strip import Strip

DrawnKey = tuple[int, ...]
"""A drawn line's key: its row first, then what else changes its look (width, cursor)."""


class LineView(ScrollView):
    """A scroll view drawn line by line from bounded caches (see the module)."""

    DRAWN_LINES: ClassVar[int] = 1024
    """How many drawn lines (strips) are kept: about twenty screens' worth."""

    STYLED_LINES: ClassVar[int] = 4096
    """How many styled source lines (before cropping to a row) are kept."""

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._strips: LRUCache[DrawnKey, Strip] = LRUCache(self.DRAWN_LINES)
        """Drawn rows, keyed row first (see :data:`DrawnKey`)."""
        self._styled: LRUCache[DrawnKey, Text] = LRUCache(self.STYLED_LINES)
        """Styled source lines; they hold theme colours."""

    def forget_drawn(self) -> None:
        """Drop the cached strips (the next frame draws every line again)."""
        self._strips.clear()

    def forget_drawn_where(self, drop: Callable[[DrawnKey], bool]) -> None:
        """Drop the strips whose key ``drop`` picks; the others are kept."""
        # LRUCache has no __iter__: iterating it would index it 0, 1, 2...
        for key in [key for key in self._strips.keys() if drop(key)]:  # noqa: SIM118
            self._strips.discard(key)

    def forget_rows(self, *rows: int) -> None:
        """Drop the strips drawn for these rows, at any width (the cursor left or
        reached them); the other rows keep theirs."""
        self.forget_drawn_where(lambda key: key[0] in rows)

    def forget_styled(self) -> None:
        """Drop the cached styled text, which holds theme colours."""
        self._styled.clear()

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
