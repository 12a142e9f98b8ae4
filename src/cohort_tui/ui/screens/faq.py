"""The FAQ: every accepted answer by module and lesson, searchable offline.

Opened with ``F`` from Discussions, or from a lesson on the curriculum map (that lesson's
answered questions first). Enter opens the thread at its accepted answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Static

from cohort_tui.domain import faq
from cohort_tui.domain.discussions import SearchIndex
from cohort_tui.domain.queries import handle_of
from cohort_tui.domain.sanitize import clean_text
from cohort_tui.ui import palette
from cohort_tui.ui.markdown_lite import style_block
from cohort_tui.ui.screens.base import CohortScreen
from cohort_tui.ui.text import local_time, member_line, plain
from cohort_tui.ui.widgets.cohort_footer import CohortFooter
from cohort_tui.ui.widgets.cohort_header import CohortHeader
from cohort_tui.ui.widgets.row_list import Row, RowList

ENTRY = "q:"
"""Row ids of questions are ``q:<thread id>``; headings' start with ``h:``. A thread id
may be any id (``h:1`` too), so the prefix keeps the two apart."""


def _binding(key: str, action: str, label: str, name: str, tip: str, show: bool = True) -> Binding:
    return Binding(key, action, label, show=show, id=f"faq.{name}", tooltip=tip)


class FaqScreen(CohortScreen):
    """Answered questions on the left (module, lesson, question), the highlighted one's
    question and accepted answer on the right.

    | Key | Action |
    |---|---|
    | up / down | move between questions |
    | enter | open the thread at the accepted answer |
    | / | search questions and answers (every word, anywhere) |
    | escape | clear the search, or close the FAQ |

    Args:
        lesson: Show this lesson's answered questions first (opened from a lesson).
    """

    TITLE_TEXT = "FAQ"
    AUTO_FOCUS = "#faq-list"
    DEFAULT_CSS = """
    FaqScreen #faq-body { height: 1fr; }
    FaqScreen #faq-left { width: 2fr; min-width: 30; }
    FaqScreen #faq-search { height: 3; }
    FaqScreen #faq-list { height: 1fr; }
    FaqScreen #faq-right { width: 3fr; }
    FaqScreen #faq-detail { padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        _binding("enter", "open", "Open thread", "open", "Open the thread at the accepted answer"),
        _binding("slash", "search", "Search", "search", "Search questions and answers"),
        _binding("escape", "close", "Close", "close", "Clear the search, or close the FAQ"),
    ]

    def __init__(self, lesson: str | None = None) -> None:
        super().__init__()
        self.lesson = lesson
        """The lesson whose answered questions come first, if opened from one."""
        self._query = ""
        self._index = SearchIndex()
        self._entries: dict[str, faq.FaqEntry] = {}
        self._lessons: dict[str, str] = {}
        """Thread id -> the title of the section (lesson) it is listed under."""

    def compose(self) -> ComposeResult:
        yield CohortHeader()
        with Horizontal(id="faq-body"):
            with Vertical(id="faq-left", classes="panel") as left:
                left.border_title = "Answered questions"
                yield Input(placeholder="/ search answers", id="faq-search")
                yield RowList(id="faq-list")
            with Vertical(id="faq-right", classes="panel") as right:
                right.border_title = "Answer"
                with VerticalScroll(id="faq-pane"):
                    yield Static(id="faq-detail")
        yield CohortFooter()

    # -- state -> view -------------------------------------------------------------

    def refresh_view(self) -> None:
        self.fill_header()
        self._fill_list()

    def _sections(self) -> list[faq.FaqSection]:
        state = self.state
        # Once per state change: a search narrows the same sections as it is typed.
        every = self.cohort_app.memo("faq", lambda: faq.faq_sections(state))
        sections = faq.lesson_first(every, self.lesson)
        if self._query.strip():
            sections = faq.narrow(sections, self._index.search(state, self._query))
        return sections

    def _fill_list(self) -> None:
        state = self.state
        sections = self._sections()
        self._entries = {e.thread: e for s in sections for e in s.entries}
        self._lessons = {e.thread: s.title for s in sections for e in s.entries}
        rows: list[Row] = []
        lesson = state.lessons.get(self.lesson or "")
        if lesson is not None and not any(s.lesson == lesson.id for s in sections):
            empty = "No answered question matches on " if self._query else "None answered yet on "
            rows.append(
                Row(
                    "h:lesson",
                    plain((empty, "italic"), member_line(lesson.title, "italic")),
                    False,
                )
            )
        module = None
        for section in sections:
            if section.module_title != module:
                module = section.module_title
                rows.append(Row(f"h:{len(rows)}", member_line(module, "bold"), False))
            heading = plain(
                "  ",
                member_line(section.title, "bold" if section.lesson == self.lesson else ""),
                (f" ({len(section.entries)})", "dim"),
                (" · archived", "dim") if section.archived else "",
            )
            rows.append(Row(f"h:{len(rows)}", heading, False))
            for entry in section.entries:
                rows.append(Row(ENTRY + entry.thread, self._row_text(entry)))
        if not self._entries:
            message = (
                "No answered question matches."
                if self._query
                else "No answered questions yet: mark a reply as the answer (a) in a thread."
            )
            rows.append(Row("h:none", Text(message, style="italic"), selectable=False))
        listing = self.query_one("#faq-list", RowList)
        listing.set_rows(rows, keep=listing.highlighted_id)
        left = self.query_one("#faq-left")
        left.border_title = Text(f"Answered questions ({len(self._entries)})")
        shown = []
        if lesson is not None:
            shown.append("from " + lesson.title)
        if self._query:
            shown.append(f"“{self._query}”")
        left.border_subtitle = member_line(" · ".join(shown), limit=60)  # never markup
        self._fill_detail(listing.highlighted_id)

    def _row_text(self, entry: faq.FaqEntry) -> Callable[[], Text]:
        """A question's row, built only when it is drawn (6,000 answers open at once)."""

        def build() -> Text:
            return plain(
                ("    ✓ ", palette.OK),
                member_line(entry.title),
                (" · @", "dim"),
                member_line(handle_of(self.state, entry.answerer), "dim"),
            )

        return build

    def _entry(self, row: str | None) -> faq.FaqEntry | None:
        """The entry a row shows; other rows are headings."""
        if row is None or not row.startswith(ENTRY):
            return None
        return self._entries.get(row.removeprefix(ENTRY))

    def _fill_detail(self, row: str | None) -> None:
        entry = self._entry(row)
        detail = self.query_one("#faq-detail", Static)
        right = self.query_one("#faq-right")
        if entry is None:
            right.border_title = "Answer"
            detail.update(Text("Pick a question to read its answer.", style="italic"))
            return
        right.border_title = member_line(entry.title, limit=80)  # a str would be markup
        text = member_line(entry.title, "bold")
        text.append("\n")
        text.append_text(
            plain(
                ("asked by ", "dim"),
                member_line("@" + handle_of(self.state, entry.asker), "dim"),
                (f" · {local_time(entry.asked_at, '%d %b')} · ", "dim"),
                member_line(self._lessons.get(entry.thread, ""), "dim italic", limit=50),
            )
        )
        text.append("\n\n")
        text.append_text(style_block(clean_text(entry.question)))
        text.append("\n\n✓ Accepted answer by ", style=palette.OK_STRONG)
        text.append_text(
            member_line("@" + handle_of(self.state, entry.answerer), palette.OK_STRONG)
        )
        text.append(f" · {local_time(entry.answered_at, '%d %b')}\n", style="dim")
        text.append_text(style_block(clean_text(entry.answer)))
        text.append("\n\nenter opens the thread at this answer", style="dim")
        detail.update(text)
        self.query_one("#faq-pane", VerticalScroll).scroll_home(animate=False)

    # -- events and actions ----------------------------------------------------------

    @on(RowList.Highlighted, "#faq-list")
    def _highlighted(self, event: RowList.Highlighted) -> None:
        self._fill_detail(event.row_id)

    @on(RowList.Selected, "#faq-list")
    def _selected(self, event: RowList.Selected) -> None:
        self._open(event.row_id)

    @on(Input.Changed, "#faq-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self._query = event.value
        self._fill_list()

    @on(Input.Submitted, "#faq-search")
    def _search_done(self) -> None:
        self.query_one("#faq-list", RowList).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open":
            return self._entry(self.query_one("#faq-list", RowList).highlighted_id) is not None
        return True

    def action_search(self) -> None:
        self.query_one("#faq-search", Input).focus()

    def action_open(self) -> None:
        self._open(self.query_one("#faq-list", RowList).highlighted_id)

    def action_close(self) -> None:
        search = self.query_one("#faq-search", Input)
        if search.value:
            search.value = ""
            self.query_one("#faq-list", RowList).focus()
        elif search.has_focus:
            self.query_one("#faq-list", RowList).focus()
        else:
            self.app.pop_screen()

    def _open(self, row: str | None) -> None:
        entry = self._entry(row)
        if entry is None:
            return
        self.app.pop_screen()
        self.cohort_app.go(f"post:{entry.answer_post}")
