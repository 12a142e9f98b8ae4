"""A thread's posts, virtualised (Line API), with a post cursor.

The layout (which post and which slice of which line sits on each screen row) is
computed once per width by cheap word wrapping; styles and strips are made only for the
rows on screen and cached. A 5,000-post thread opens in tens of milliseconds.
"""

from __future__ import annotations

import itertools
from bisect import bisect_right
from collections.abc import Collection
from typing import ClassVar, NamedTuple, Protocol

from rich.segment import Segment
from rich.style import Style
from rich.text import Span, Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip

from cohort_tui.ui import timings
from cohort_tui.ui.markdown_lite import code_flags, style_line, wrap_offsets
from cohort_tui.ui.widgets.line_view import LineView


class PostSource(Protocol):
    """What the view asks of the thread it shows (all text already sanitised)."""

    def post_ids(self) -> list[str]: ...
    def body_lines(self, post_id: str) -> list[str]: ...
    def shape(self, post_id: str) -> tuple[bool, bool]:
        """Whether the post has a quote line and a footer (reactions) line."""
        ...

    def is_markdown(self, post_id: str) -> bool: ...
    def header(self, post_id: str) -> Text: ...
    def quote(self, post_id: str) -> Text | None: ...
    def footer(self, post_id: str) -> Text | None: ...


HEADER, QUOTE, BODY, CODE, FOOTER, GAP = range(6)
GUTTER = 2


class Line(NamedTuple):
    post: int  # index into the post ids
    kind: int
    line: int = 0  # logical body line
    start: int = 0
    end: int = 0


class _Chunk(NamedTuple):
    """One post's lines, and what they were computed from."""

    body: list[str]
    shape: tuple[bool, bool]
    markdown: bool
    code: list[bool] | None
    places: list[tuple[int, int, int, int]]  # (kind, body line, start, end)


def _chunk(body: list[str], shape: tuple[bool, bool], markdown: bool, width: int) -> _Chunk:
    has_quote, has_footer = shape
    places: list[tuple[int, int, int, int]] = [(HEADER, 0, 0, 0)]
    if has_quote:
        places.append((QUOTE, 0, 0, 0))
    flags = code_flags(body) if markdown else None
    code = flags if flags is not None and any(flags) else None
    for number, text in enumerate(body):
        kind = CODE if code is not None and code[number] else BODY
        places.extend([(kind, number, start, end) for start, end in wrap_offsets(text, width)])
    if has_footer:
        places.append((FOOTER, 0, 0, 0))
    places.append((GAP, 0, 0, 0))
    return _Chunk(body, shape, markdown, code, places)


class PostView(LineView, can_focus=True):
    """Posts one under another; the cursor is a whole post.

    | Key | Action |
    |---|---|
    | up / down | previous / next post |
    | page up / page down | scroll a page |
    | home / end | first / last post |
    """

    DEFAULT_CSS = """
    PostView { background: $surface; overflow-x: hidden; }
    PostView > .post-view--cursor { color: $accent; text-style: bold; }
    PostView > .post-view--header { background: $boost; }
    PostView:focus > .post-view--header-cursor {
        background: $block-cursor-background; color: $block-cursor-foreground;
    }
    PostView > .post-view--header-cursor { background: $block-cursor-blurred-background; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "post-view--cursor",
        "post-view--header",
        "post-view--header-cursor",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "move(-1)", "Previous post", show=False, id="posts.up"),
        Binding("down,j", "move(1)", "Next post", show=False, id="posts.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="posts.page_up"),
        Binding("pagedown,space", "page(1)", "Page down", show=False, id="posts.page_down"),
        Binding("home", "jump(0)", "First post", show=False, id="posts.first"),
        Binding("end", "jump(-1)", "Last post", show=False, id="posts.last"),
    ]

    cursor: reactive[int] = reactive(-1, always_update=True, init=False)

    class Highlighted(Message):
        """The cursor moved to a post."""

        def __init__(self, view: PostView, post_id: str) -> None:
            super().__init__()
            self.view = view
            self.post_id = post_id

        @property
        def control(self) -> PostView:
            return self.view

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._source: PostSource | None = None
        self._ids: list[str] = []
        self._index: dict[str, int] = {}
        self._placed: list[_Chunk] = []  # per post, in order
        self._total = 0
        self._first_line: list[int] = []  # per post: its header's row
        self._layout_width = 0
        self._code: dict[int, list[bool]] = {}
        self._chunks: dict[str, _Chunk] = {}

    # -- content -------------------------------------------------------------------

    @property
    def post_ids(self) -> list[str]:
        return self._ids

    @property
    def highlighted_id(self) -> str | None:
        return self._ids[self.cursor] if 0 <= self.cursor < len(self._ids) else None

    def show(self, source: PostSource | None, *, cursor_on: str | None = None) -> None:
        """Show a thread; the cursor goes to ``cursor_on`` (or stays on the same post)."""
        wanted = cursor_on if cursor_on is not None else self.highlighted_id
        self._source = source
        self._ids = source.post_ids() if source else []
        self._index = {post_id: i for i, post_id in enumerate(self._ids)}
        self._layout()
        target = self._index.get(wanted or "", -1)
        if target < 0 and self._ids:
            target = 0
        self.set_reactive(PostView.cursor, target)
        self.refresh()

    def _content_width(self) -> int:
        return max(10, (self.scrollable_content_region.width or self.size.width or 80) - GUTTER)

    def _layout(self) -> None:
        """Place every post's lines. A post's lines are kept between calls while its
        body, shape and the width stay the same, so a refresh after one new post only
        wraps that post."""
        self.forget_styled()
        self.forget_drawn()
        self._code.clear()
        source = self._source
        width = self._content_width()
        if width != self._layout_width:
            self._chunks.clear()
        self._layout_width = width
        # Only the shown thread's chunks are worth keeping: a pane that visited many
        # threads kept every one it ever laid out.
        self._chunks = {
            post_id: self._chunks[post_id] for post_id in self._ids if post_id in self._chunks
        }
        placed: list[_Chunk] = []
        if source is not None:
            for index, post_id in enumerate(self._ids):
                chunk = self._place(source, post_id, width)
                if chunk.code is not None:
                    self._code[index] = chunk.code
                placed.append(chunk)
        self._placed = placed
        self._count_lines(0)

    def _place(self, source: PostSource, post_id: str, width: int) -> _Chunk:
        """A post's lines: the ones kept while its body, shape and the width hold."""
        body = source.body_lines(post_id)
        shape = source.shape(post_id)
        markdown = source.is_markdown(post_id)
        chunk = self._chunks.get(post_id)
        if (
            chunk is None
            or chunk.body is not body
            or chunk.shape != shape
            or (chunk.markdown != markdown)
        ):
            chunk = _chunk(body, shape, markdown, width)
            self._chunks[post_id] = chunk
        return chunk

    def _count_lines(self, start: int) -> None:
        """Each post's first row, from post ``start`` on (the ones before are kept)."""
        del self._first_line[start:]
        row = self._first_line[-1] + len(self._placed[start - 1].places) if start else 0
        for chunk in itertools.islice(self._placed, start, None):
            self._first_line.append(row)
            row += len(chunk.places)
        self._total = row
        self.virtual_size = Size(self.size.width, row)

    def update(self, source: PostSource, changed: Collection[str]) -> None:
        """The same thread again, with posts appended and the ``changed`` posts altered
        (edited, hidden, reacted to): only those are laid out again, so a batch of new
        posts costs the same in a thread of 20 posts and of 20,000. Anything else (posts
        inserted before the end, another width) is laid out in full by :meth:`show`.

        With the cursor on the last post, the view follows new posts as they come.
        """
        ids = source.post_ids()
        kept = len(self._ids)
        if (
            self._source is None
            or len(ids) < kept
            or ids[:kept] != self._ids
            or self._content_width() != self._layout_width
        ):
            self.show(source)
            return
        following = kept > 0 and self.cursor == kept - 1 and len(ids) > kept
        self._source = source
        self.forget_styled()
        self.forget_drawn()
        width = self._layout_width
        start = kept
        for post_id in changed:
            index = self._index.get(post_id)
            if index is None:
                continue
            chunk = self._place(source, post_id, width)
            if chunk is not self._placed[index]:
                self._placed[index] = chunk
                self._code.pop(index, None)
                if chunk.code is not None:
                    self._code[index] = chunk.code
                start = min(start, index)
        for index in range(kept, len(ids)):
            chunk = self._place(source, ids[index], width)
            self._index[ids[index]] = index
            if chunk.code is not None:
                self._code[index] = chunk.code
            self._placed.append(chunk)
        self._ids = ids
        if start < len(ids):
            self._count_lines(start)
        if following:
            self.cursor = len(ids) - 1
            self.scroll_end(animate=False, force=True)
        else:
            self.refresh()

    def _line_at(self, row: int) -> Line:
        """The line on virtual row ``row`` (0 <= row < line count)."""
        post = bisect_right(self._first_line, row) - 1
        return Line(post, *self._placed[post].places[row - self._first_line[post]])

    def line_count(self) -> int:
        return self._total

    def document_text(self) -> str:
        """Every line of the thread as plain text (what a reader sees, unstyled)."""
        return "\n".join(
            self._line_text(self._line_at(row)).plain.rstrip() for row in range(self._total)
        )

    def select(self, post_id: str, *, top: bool = True) -> bool:
        """Move the cursor to a post and scroll its header into view (to the top)."""
        index = self._index.get(post_id)
        if index is None:
            return False
        self.cursor = index
        if top:
            self.scroll_to(y=self._first_line[index], animate=False, force=True)
        return True

    # -- cursor --------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        self.forget_drawn_where(lambda key: bool(key[2]))  # the lines drawn with the cursor
        self.refresh()
        if 0 <= new < len(self._ids):
            self._scroll_to_post(new)
            self.post_message(self.Highlighted(self, self._ids[new]))

    def _scroll_to_post(self, index: int) -> None:
        first = self._first_line[index]
        last = self._first_line[index + 1] - 1 if index + 1 < len(self._ids) else self._total
        height = self.scrollable_content_region.height or self.size.height or 1
        top = self.scroll_offset.y
        if first < top or first >= top + height:
            self.scroll_to(y=first, animate=False, force=True)
        elif last > top + height and last - first < height:
            self.scroll_to(y=last - height + 1, animate=False, force=True)

    def action_move(self, step: int) -> None:
        if self._ids:
            self.cursor = min(max(self.cursor + step, 0), len(self._ids) - 1)

    def action_page(self, direction: int) -> None:
        height = max(1, (self.scrollable_content_region.height or 1) - 1)
        self.scroll_to(y=self.scroll_offset.y + direction * height, animate=False, force=True)
        top = min(int(self.scroll_target_y), max(self._total - 1, 0))
        if self._total:
            post = self._line_at(top).post
            if self._first_line[post] < top and post + 1 < len(self._ids) and direction > 0:
                post += 1
            self.set_reactive(PostView.cursor, post)
            self.forget_drawn()
            self.refresh()
            self.post_message(self.Highlighted(self, self._ids[post]))

    def action_jump(self, where: int) -> None:
        if self._ids:
            self.cursor = 0 if where == 0 else len(self._ids) - 1
            if where != 0:
                self.scroll_end(animate=False, force=True)

    def on_click(self, event: events.Click) -> None:
        row = event.y + self.scroll_offset.y
        if 0 <= row < self._total:
            self.cursor = self._line_at(row).post

    # -- rendering -----------------------------------------------------------------

    def on_resize(self) -> None:
        self._rewrap()
        self.virtual_size = Size(self.size.width, self._total)
        self.forget_drawn()

    def watch_show_vertical_scrollbar(self) -> None:
        # A thread longer than the view brings a scrollbar, which narrows the text
        # without a Resize (the widget's size is unchanged): lines wrapped for the
        # width without it lost their last characters ("somethin").
        self._rewrap()

    _refit_asked = False

    def _fit_width(self) -> None:
        """Asked for by :meth:`render_line` when it meets lines wrapped for another width."""
        self._refit_asked = False
        self._rewrap()

    def _rewrap(self) -> None:
        """Lay the posts out again if the width for text changed, keeping the cursor's
        post in view."""
        if self._content_width() == self._layout_width or self._source is None:
            return
        keep = self.highlighted_id
        self._layout()
        self.forget_drawn()
        if keep is not None:
            self.call_after_refresh(self._scroll_to_post, self._index[keep])
        self.refresh()

    def _styled_line(self, line: Line) -> Text:
        key = (line.post, line.line)
        text = self._styled.get(key)
        if text is None:
            assert self._source is not None
            post_id = self._ids[line.post]
            raw = self._source.body_lines(post_id)[line.line]
            if self._source.is_markdown(post_id):
                flags = self._code.get(line.post)
                text = style_line(raw, bool(flags and flags[line.line]))
            else:
                text = Text(raw, style="dim italic", end="")
            self._styled[key] = text
        return text

    def _line_text(self, line: Line) -> Text:
        assert self._source is not None
        post_id = self._ids[line.post]
        if line.kind == HEADER:
            return self._source.header(post_id)
        if line.kind == QUOTE:
            return self._source.quote(post_id) or Text()
        if line.kind == FOOTER:
            return self._source.footer(post_id) or Text()
        if line.kind == GAP:
            return Text()
        return self._styled_line(line)[line.start : line.end]

    def render_line(self, y: int) -> Strip:
        row = y + self.scroll_offset.y
        width = self.scrollable_content_region.width or self.size.width
        base = self.rich_style
        if not 0 <= row < self._total:
            return Strip.blank(width, base)
        if self._layout_width != self._content_width() and not self._refit_asked:
            # The scrollbar came or went (a thread grew past the screen) without a
            # resize: the lines were wrapped for another width.
            self._refit_asked = True
            self.call_later(self._fit_width)
        line = self._line_at(row)
        current = line.post == self.cursor
        key = (row, width, current)
        strip = self._strips.get(key)
        if strip is not None:
            return strip
        text = self._line_text(line).copy()
        text.no_wrap = True
        text.end = ""
        if line.kind in (HEADER, QUOTE, FOOTER):
            text.truncate(max(0, width - GUTTER), overflow="ellipsis")
        if text.style:  # Text.render() ignores the base style; make it a span
            text.spans.insert(0, Span(0, len(text), text.style))
            text.style = ""
        if line.kind == HEADER:
            if timings.PATH is not None:
                timings.post_shown(self._ids[line.post])
            name = "post-view--header-cursor" if current else "post-view--header"
            base = base + self.get_component_rich_style(name)
        gutter = "▌ " if current else "  "
        gutter_style = self.get_component_rich_style("post-view--cursor") if current else Style()
        segments = [Segment(gutter, base + gutter_style)]
        segments += [
            Segment(s.text, base + s.style if s.style else base, s.control)
            for s in text.render(self.app.console)
            if s.text != "\n"
        ]
        strip = Strip(segments).extend_cell_length(width, base).crop(0, width)
        self._strips[key] = strip
        return strip
