"""The footer: the keys of the current screen, drawn as one line by one widget.

Textual's ``Footer`` is a container of one widget per key. It composes empty, then
rebuilds all of them once the screen's bindings are known and again on every focus
change that changes them; on the first frame that was a dozen widgets mounted, styled
and laid out twice (~40 ms of a ~200 ms start). This footer is one widget that draws
the same line (same look, same theme variables) and redraws when the bindings change.
Clicking a key presses it; hovering shows its tooltip.

A key is shown whole or not at all: the screen's own keys first, then the app's help
key, then the screen numbers and the app's other keys, in order; what does not fit before
the palette's key is dropped (a cut "? Hel" helped nobody).
"""

from __future__ import annotations

from collections.abc import Iterator

from msgspec import Struct
from rich.style import Style
from rich.text import Text
from textual import events
from textual.strip import Strip
from textual.widget import Widget


class _Key(Struct, frozen=True):
    key: str
    display: str
    description: str
    enabled: bool
    tooltip: str
    rank: int
    """Which come first when space is short: 0 the screen's, 1 help, 2 the app's."""


class CohortFooter(Widget, can_focus=False):
    """The screen's keys, then the command palette key on the right."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "footer-key--item",
        "footer-key--key",
        "footer-key--description",
        "footer-key--hover",
        "footer-key--separator",
    }
    # The same theme variables as Textual's FooterKey, so themes style both alike.
    DEFAULT_CSS = """
    CohortFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        text-wrap: nowrap;
        .footer-key--item { background: $footer-item-background; }
        .footer-key--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .footer-key--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .footer-key--hover {
            color: $footer-key-foreground;
            background: $block-hover-background;
        }
        .footer-key--separator { color: $foreground 20%; }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._hover: str | None = None
        self._spans: list[tuple[int, int, _Key]] = []
        self._strip: tuple[tuple[int, str | None], Strip] | None = None
        """The last line drawn, for its width and hovered key: asking the screen for
        its active bindings asks every action whether it applies, several times a
        frame otherwise."""

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: object) -> None:
        self._strip = None
        self.refresh()

    def notify_style_update(self) -> None:
        self._strip = None  # a theme change restyles the line
        super().notify_style_update()

    def _keys(self) -> tuple[list[_Key], _Key | None]:
        """The shown keys, one per action (the first binding of each), and the command
        palette's key, as Textual's footer picks them."""
        app = self.app
        active = self.screen.active_bindings
        keys: list[_Key] = []
        actions: set[str] = set()
        for node, binding, enabled, tooltip in active.values():
            if not binding.show or binding.action in actions:
                continue
            actions.add(binding.action)
            display = app.get_key_display(binding)
            rank = 0 if node is not app else 1 if binding.action == "app.help" else 2
            keys.append(_Key(binding.key, display, binding.description, enabled, tooltip, rank))
        # Stable: within a rank, the order the bindings were declared in.
        keys.sort(key=lambda key: key.rank)
        palette = None
        if app.ENABLE_COMMAND_PALETTE and app.COMMAND_PALETTE_BINDING in active:
            _, binding, enabled, tooltip = active[app.COMMAND_PALETTE_BINDING]
            palette = _Key(
                binding.key,
                app.get_key_display(binding),
                binding.description,
                enabled,
                binding.tooltip or binding.description or tooltip,
                2,
            )
        return keys, palette

    def _key_text(self, key: _Key, *, compact: bool) -> Text:
        """One key as Textual's FooterKey draws it: `` k Description `` (compact, as the
        palette's key is: ``k Description``)."""
        style = self.get_component_rich_style
        base = style("footer-key--item")
        if key.key == self._hover:
            base += style("footer-key--hover")
        if not key.enabled:
            base += Style(dim=True)
        text = Text(end="")
        text.append(key.display if compact else f" {key.display} ", style("footer-key--key"))
        if key.description:
            description = f" {key.description}" if compact else f"{key.description} "
            text.append(description, style("footer-key--description"))
        text.stylize_before(base)
        return text

    def render_line(self, y: int) -> Strip:
        """The line, drawn exactly as built (no widget style underneath), as Textual's
        footer draws it: its padding cells carry a background only."""
        if y:
            return Strip.blank(self.size.width, self.rich_style)
        key = (self.size.width, self._hover)
        if self._strip is None or self._strip[0] != key:
            segments = self._line().render(self.app.console)
            strip = Strip(segments).adjust_cell_length(self.size.width, self.rich_style)
            self._strip = (key, strip)
        return self._strip[1]

    def _line(self) -> Text:
        width = self.size.width
        keys, palette = self._keys()
        right = Text(end="")
        if palette is not None:
            item = self.get_component_rich_style("footer-key--item")
            right.append("▏", self.get_component_rich_style("footer-key--separator"))
            right.stylize_before(item)
            right.append_text(self._key_text(palette, compact=True))
            # The key's right padding: background only, as Textual draws padding.
            right.append(" ", Style(bgcolor=item.bgcolor))
        room = max(0, width - right.cell_len)
        spans: list[tuple[int, int, _Key]] = []
        line = Text(end="", no_wrap=True, overflow="crop")
        for key in keys:
            text = self._key_text(key, compact=False)
            if line.cell_len + text.cell_len > room:
                if key.rank == 0:
                    continue  # whole keys only; a shorter one of the screen's may still fit
                break  # the app's keys in their order: no "3" without "2"
            spans.append((line.cell_len, line.cell_len + text.cell_len, key))
            line.append_text(text)
        if palette is not None:
            line.truncate(room, overflow="crop", pad=True)
            spans.append((room + 1, room + right.cell_len - 1, palette))
            line.append_text(right)
        self._spans = [span for span in spans if span[0] < min(span[1], width)]
        return line

    # -- mouse ---------------------------------------------------------------------

    def _key_at(self, x: int) -> _Key | None:
        for start, end, key in self._spans:
            if start <= x < end:
                return key
        return None

    def _set_hover(self, key: _Key | None) -> None:
        name = key.key if key else None
        if name != self._hover:
            self._hover = name
            self.tooltip = (key.tooltip or key.description) if key else None
            self.refresh()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._set_hover(self._key_at(event.x))

    def on_leave(self, event: events.Leave) -> None:
        self._set_hover(None)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        key = self._key_at(event.x)
        if key is None:
            return
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()

    def shown_keys(self) -> Iterator[str]:
        """The keys in the order the line offers them (the palette's last), whether or
        not the width leaves room for all of them: for tests and help."""
        keys, palette = self._keys()
        yield from (key.key for key in keys)
        if palette is not None:
            yield palette.key

    def drawn_keys(self) -> list[str]:
        """The keys the line actually shows at its width, in order."""
        self._line()
        return [key.key for _, _, key in self._spans]
