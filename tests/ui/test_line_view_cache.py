"""The Line-API views keep a bounded cache of drawn lines, and draw right after eviction.

Each view runs alone in a small app, with its bounds cut to a few dozen lines so a test
evicts hundreds of times in a second (the real bounds are the same code with bigger
numbers; one test checks the real views use them). Many lines go through the view
(posts and chat messages streamed in, a long file or list paged through); the caches
never hold more than their bound, the first screen's lines are evicted, and going back
to the top draws the same text as the first time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from cohort_tui.domain.model import ChatMessage, State
from cohort_tui.ui.widgets.chat_view import ChatView
from cohort_tui.ui.widgets.code_view import CodeFile, CodeView
from cohort_tui.ui.widgets.line_view import LineView
from cohort_tui.ui.widgets.post_view import PostView
from cohort_tui.ui.widgets.row_list import Row, RowList
from tests.ui.helpers import wait_for

SIZE = (50, 16)
BOUND = 40


class SmallPosts(PostView):
    DRAWN_LINES = BOUND
    STYLED_LINES = BOUND


class SmallCode(CodeView):
    DRAWN_LINES = BOUND
    STYLED_LINES = BOUND


class SmallRows(RowList):
    DRAWN_LINES = BOUND


class SmallChat(ChatView):
    DRAWN_LINES = BOUND


class OneView(App[None]):
    """Just the view, filling the screen."""

    def __init__(self, view: LineView) -> None:
        super().__init__()
        self.view = view

    def compose(self) -> ComposeResult:
        yield self.view


def shown(view: LineView) -> list[str]:
    """The view's rows on screen, as text (drawn through the Line API)."""
    height = view.scrollable_content_region.height
    return [view.render_line(y).text.rstrip() for y in range(height)]


def drawn_rows(view: LineView) -> set[int]:
    return {key[0] for key in view._strips.keys()}  # noqa: SIM118 (no LRUCache.__iter__)


def last_shown(view: LineView) -> int:
    """The last row on screen."""
    bottom = view.scroll_offset.y + view.scrollable_content_region.height - 1
    return min(bottom, view.virtual_size.height - 1)


def page_down(view: LineView) -> Callable[[], None]:
    """A step: the next page, the cursor left where it is (as the mouse wheel or the
    scroll bar do; the page keys move the cursor, which redraws every line anyway)."""
    return lambda: view.scroll_page_down(animate=False)


def back_home(view: PostView | ChatView) -> Callable[[], None]:
    """A step: the first post or message, and the top of the view."""

    def step() -> None:
        view.action_jump(0)
        view.scroll_home(animate=False)

    return step


def within_bounds(view: LineView) -> bool:
    return len(view._strips) <= view.DRAWN_LINES and len(view._styled) <= view.STYLED_LINES


async def to_top(pilot: Pilot[None], view: LineView) -> list[str]:
    await pilot.press("home")  # the cursor to the first line
    view.scroll_home(animate=False)  # and the rows above it (the code view's file header)
    await wait_for(
        pilot,
        lambda: view.scroll_offset.y == 0 and 0 in drawn_rows(view),
        what="the top rows drawn",
    )
    return shown(view)


async def check_eviction(
    pilot: Pilot[None],
    view: LineView,
    first: list[str],
    steps: Sequence[Callable[[], object]],
) -> None:
    """The shared part: run ``steps`` (each drawing new lines further on), then go back
    to the top and find ``first`` (the top screen as drawn at the start) drawn again."""
    assert first[0].strip(), first
    height = len(first)
    for step in steps:
        step()
        await wait_for(pilot, lambda: last_shown(view) in drawn_rows(view))
        assert within_bounds(view)
    assert min(drawn_rows(view)) >= height, "the first screen's lines were evicted"
    assert await to_top(pilot, view) == first
    assert within_bounds(view)


class Thread:
    """A :class:`PostSource` of one-line posts."""

    def __init__(self) -> None:
        self.ids: list[str] = []

    def add(self, count: int) -> None:
        start = len(self.ids)
        self.ids += [f"p{n}" for n in range(start, start + count)]

    def post_ids(self) -> list[str]:
        return list(self.ids)

    def body_lines(self, post_id: str) -> list[str]:
        return [f"body of {post_id} with `code`"]

    def shape(self, post_id: str) -> tuple[bool, bool]:
        return False, False

    def is_markdown(self, post_id: str) -> bool:
        return True

    def header(self, post_id: str) -> Text:
        return Text(f"author of {post_id}")

    def quote(self, post_id: str) -> Text | None:
        return None

    def footer(self, post_id: str) -> Text | None:
        return None


async def test_streamed_posts_keep_the_caches_bounded() -> None:
    view = SmallPosts()
    app = OneView(view)
    thread = Thread()
    thread.add(10)
    async with app.run_test(size=SIZE) as pilot:
        view.show(thread, cursor_on="p0")
        first = await to_top(pilot, view)
        await pilot.press("end")  # on the last post, the view follows new ones

        def stream() -> None:
            thread.add(5)
            view.update(thread, changed=())

        await check_eviction(
            pilot, view, first, [stream] * 30 + [back_home(view)] + [page_down(view)] * 35
        )
        assert len(view.post_ids) == 160


async def test_a_long_file_paged_through_keeps_the_caches_bounded() -> None:
    view = SmallCode()
    app = OneView(view)
    rows: list[tuple[int | None, str]] = [(n + 1, f"x_{n} = {n} * 2") for n in range(400)]
    async with app.run_test(size=SIZE) as pilot:
        view.show([CodeFile("big.py", rows)])
        await wait_for(pilot, lambda: view.virtual_size.height > 400)
        first = await to_top(pilot, view)
        await check_eviction(pilot, view, first, [page_down(view)] * 25)


async def test_a_long_list_paged_through_keeps_the_cache_bounded() -> None:
    view = SmallRows()
    app = OneView(view)
    async with app.run_test(size=SIZE) as pilot:
        view.set_rows([Row(f"r{n}", Text(f"row number {n}")) for n in range(500)])
        first = await to_top(pilot, view)
        await check_eviction(pilot, view, first, [page_down(view)] * 25)


async def test_streamed_chat_keeps_the_cache_bounded() -> None:
    view = SmallChat()
    app = OneView(view)
    state = State()
    ids: list[str] = []

    def send(count: int) -> None:
        for _ in range(count):
            n = len(ids)
            message_id = f"c{n}"
            state.chat_messages[message_id] = ChatMessage(
                id=message_id,
                channel="help",
                author=f"m_{n % 3}",
                text=f"message {n}",
                at=1_795_000_000_000 + n * 1000,
                clock=(n, 0, "node"),
            )
            ids.append(message_id)
        view.show(state, "help", ids, "m_0")

    async with app.run_test(size=SIZE) as pilot:
        send(20)
        first = await to_top(pilot, view)
        await pilot.press("end")  # on the newest message, the view follows new ones
        await check_eviction(
            pilot,
            view,
            first,
            [lambda: send(5)] * 30 + [back_home(view)] + [page_down(view)] * 25,
        )


def test_the_real_views_use_the_shared_bounds() -> None:
    views: list[LineView] = [PostView(), CodeView(), RowList(), ChatView()]
    for view in views:
        assert view._strips.maxsize == LineView.DRAWN_LINES
        assert view._styled.maxsize == LineView.STYLED_LINES
