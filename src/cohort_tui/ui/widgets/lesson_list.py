"""The curriculum map's left panel: modules and lessons, with a filter by title, id or tag.

| Key | Action |
|---|---|
| j / k | next / previous lesson |
| / | show the filter and type in it |
| escape | close the filter (the screen also closes the check output with it) |

The keys act from anywhere on the curriculum screen, so the screen declares them
(:data:`BINDINGS`, gathered by :func:`cohort_tui.ui.keys.gather`) and runs them through
:meth:`LessonList.move`, :meth:`LessonList.open_search` and :meth:`LessonList.close_search`.
"""

from __future__ import annotations

from typing import cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input

from cohort_tui.domain import queries as q
from cohort_tui.ui import palette
from cohort_tui.ui.host import CohortHost
from cohort_tui.ui.text import member_line, plain
from cohort_tui.ui.widgets.row_list import Row, RowList

GLYPHS = {"done": "✓", "doing": "▸", "open": "○", "locked": "⊘"}
"""Each state has a glyph and a word, so it reads without colour (NO_COLOR)."""
STYLES = {"done": palette.OK, "doing": palette.ACTIVE, "open": "", "locked": "dim"}
WORDS = {
    "done": "done",
    "doing": "in progress",
    "open": "open",
    "locked": "locked (prerequisites first)",
}

BINDINGS = [
    Binding("j", "cursor(1)", "Down", id="curriculum.down", show=False, tooltip="Next lesson"),
    Binding("k", "cursor(-1)", "Up", id="curriculum.up", show=False, tooltip="Previous lesson"),
    Binding(
        "escape",
        "back",
        "Back",
        id="curriculum.back",
        show=False,
        tooltip="Close the search or the check output",
    ),
    Binding(
        "slash",
        "search",
        "Search",
        id="curriculum.search",
        tooltip="Filter lessons by title, id or tag",
    ),
]
"""The keys of this list, declared on the curriculum screen (see the module doc)."""


class LessonList(Vertical):
    """Modules and lessons with my state, the cohort's and who is on each one now.

    Rows are ``lesson:<id>`` (selectable) and ``module:<id>`` headings.
    """

    DEFAULT_CSS = """
    LessonList #lesson-list { height: 1fr; }
    LessonList #lesson-search { height: 3; }
    """

    class Filtered(Message):
        """The filter changed: the list shows other lessons (the highlight may have moved)."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.border_title = "Lessons"
        self.filter = ""
        """What the filter holds (lowercased when matched)."""
        self.row_ids: list[str] = []
        """The ids of the rows shown, headings included."""
        self._peers: dict[str, q.LessonPeers] = {}

    def compose(self) -> ComposeResult:
        search = Input(placeholder="filter: title, id or tag", id="lesson-search")
        search.display = False
        yield search
        yield RowList(id="lesson-list")

    @property
    def host(self) -> CohortHost:
        """The app, typed as what widgets may ask of it."""
        return cast(CohortHost, self.app)

    @property
    def highlighted_lesson(self) -> str | None:
        """The highlighted lesson's id (None on a heading, or while unmounting)."""
        listing = next(self.query("#lesson-list").results(RowList), None)
        row = listing.highlighted_id if listing is not None else None
        if row is None or not row.startswith("lesson:"):
            return None
        return row.removeprefix("lesson:")

    def fill(self, peers: dict[str, q.LessonPeers] | None = None) -> None:
        """Rebuild the rows from the state (``peers``: who is past each lesson, kept
        until the next call that gives them); the highlight stays where it was."""
        if peers is not None:
            self._peers = peers
        state, me = self.host.replica.state, self.host.member_id
        listing = self.query_one("#lesson-list", RowList)
        keep = listing.highlighted_id
        peers = self._peers
        needle = self.filter.lower()
        here_now: dict[str, int] = {}
        for seat in self.host.presence.seats:
            if seat.where.startswith("lesson:"):
                lesson_id = seat.where.removeprefix("lesson:")
                here_now[lesson_id] = here_now.get(lesson_id, 0) + 1
        rows: list[Row] = []
        for module, lessons in q.curriculum_outline(state):
            module_rows = []
            for lesson in lessons:
                fields = (lesson.title, lesson.id, *lesson.tags)
                if needle and not any(needle in field.lower() for field in fields):
                    continue
                status = q.lesson_state(state, me, lesson)
                p = peers.get(lesson.id)
                on_it = f" · {len(p.doing)} on it" if p and p.doing else ""
                # Who has it open now (presence) goes before the title: a narrow list
                # cuts a row's end.
                here = here_now.get(lesson.id)
                present = (f"●{here} ", "bold") if here else ""
                mark = " ✎" if lesson.project else " ⚙" if lesson.check else ""
                text = plain(
                    (f"{GLYPHS[status]} ", STYLES[status]),
                    (f"{p.done if p else 0:>2}/{p.total if p else 0:<2} ", "dim"),
                    present,
                    member_line(lesson.title, "dim" if status == "locked" else ""),
                    mark,
                    (on_it, "dim"),
                )
                module_rows.append(Row(f"lesson:{lesson.id}", text))
            if module_rows:
                heading = member_line(module.title, "bold")
                rows.append(Row(f"module:{module.id}", heading, selectable=False))
                rows.extend(module_rows)
        if not rows:
            empty = "No lesson matches." if needle else "This cohort has no curriculum yet."
            rows.append(Row("none", Text(empty, style="italic"), selectable=False))
        self.row_ids = [row.id for row in rows]
        listing.set_rows(rows, keep=keep if keep in self.row_ids else self._default_row())

    def _default_row(self) -> str | None:
        nxt = q.next_lesson(self.host.replica.state, self.host.member_id)
        if nxt is not None:
            return f"lesson:{nxt.id}"
        return next((r for r in self.row_ids if r.startswith("lesson:")), None)

    def move(self, step: int) -> None:
        """Move the highlight ``step`` rows (headings are skipped)."""
        self.query_one("#lesson-list", RowList).action_move(step)

    def highlight(self, lesson_id: str) -> bool:
        """Highlight a lesson and focus the list, clearing a filter that hides it;
        False when there is no such lesson."""
        row = f"lesson:{lesson_id}"
        if row not in self.row_ids and self.filter:
            self.query_one("#lesson-search", Input).value = ""
            self.filter = ""
            self.fill()
        listing = self.query_one("#lesson-list", RowList)
        if not listing.highlight(row):
            return False
        listing.focus()
        return True

    # -- the filter --------------------------------------------------------------

    @property
    def search_shown(self) -> bool:
        """Whether the filter input is shown."""
        return self.query_one("#lesson-search", Input).display

    def open_search(self) -> None:
        """Show the filter and put the cursor in it."""
        search = self.query_one("#lesson-search", Input)
        search.display = True
        search.focus()

    def close_search(self) -> None:
        """Empty and hide the filter, back to the list."""
        search = self.query_one("#lesson-search", Input)
        search.value = ""
        search.display = False
        self.query_one("#lesson-list", RowList).focus()

    def searching(self) -> bool:
        """Typing in the filter, or it was just shown and is empty (focus follows "/"
        a moment later, so a burst of keys can arrive before it)."""
        search = self.query_one("#lesson-search", Input)
        return search.has_focus or (search.display and not search.value)

    @on(Input.Changed, "#lesson-search")
    def _search_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.filter = event.value
        self.fill()
        self.post_message(self.Filtered())

    @on(Input.Submitted, "#lesson-search")
    def _search_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#lesson-list", RowList).focus()
