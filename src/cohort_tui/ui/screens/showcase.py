"""The showcase: approved projects written up by their authors, featured ones first.

Members react and leave a line of thanks; facilitators feature entries; the authors of
an approved project publish its write-up here (``cohort export --format showcase``
writes the same entries as pages for a demo night).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Static

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain import showcase as sc
from cohort_tui.domain.clock import new_id
from cohort_tui.domain.model import ShowcaseEntry
from cohort_tui.domain.permissions import STAFF
from cohort_tui.domain.sanitize import clean_line, clean_text
from cohort_tui.ui.markdown_lite import style_block
from cohort_tui.ui.screens.base import CohortScreen
from cohort_tui.ui.text import at_handle, local_time, member_line, plain
from cohort_tui.ui.widgets.cohort_footer import CohortFooter
from cohort_tui.ui.widgets.cohort_header import CohortHeader
from cohort_tui.ui.widgets.row_list import Row, RowList


def _binding(key: str, action: str, label: str, name: str, tip: str) -> Binding:
    return Binding(key, action, label, id=f"showcase.{name}", tooltip=tip)


class ShowcaseScreen(CohortScreen):
    """Entries on the left (featured first, then newest), the highlighted one on the right.

    | Key | Action |
    |---|---|
    | up / down | move between entries |
    | p | publish one of my approved projects |
    | e | edit my entry's write-up |
    | r | react to the entry |
    | t | leave a line of thanks |
    | f | feature the entry, or stop (facilitators) |
    """

    TITLE_TEXT = "Showcase"
    AUTO_FOCUS = "#showcase-list"
    DEFAULT_CSS = """
    ShowcaseScreen #showcase-body { height: 1fr; }
    ShowcaseScreen #showcase-left { width: 2fr; min-width: 30; }
    ShowcaseScreen #showcase-list { height: 1fr; }
    ShowcaseScreen #showcase-right { width: 3fr; }
    ShowcaseScreen #showcase-detail { padding: 0 1; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"showcase--featured", "showcase--muted"}
    DEFAULT_CSS += """
    ShowcaseScreen > .showcase--featured { color: $warning; text-style: bold; }
    ShowcaseScreen > .showcase--muted { color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        _binding("p", "publish", "Publish", "publish", "Publish an approved project"),
        _binding("e", "edit", "Edit", "edit", "Edit my entry's write-up"),
        _binding("r", "react", "React", "react", "React to this entry"),
        _binding("t", "thank", "Thanks", "thank", "Leave a line of thanks"),
        _binding("f", "feature", "Feature", "feature", "Feature this entry (facilitators)"),
    ]

    def compose(self) -> ComposeResult:
        yield CohortHeader()
        with Horizontal(id="showcase-body"):
            with Vertical(id="showcase-left", classes="panel") as left:
                left.border_title = "Showcase"
                yield RowList(id="showcase-list")
            with Vertical(id="showcase-right", classes="panel") as right:
                right.border_title = "Entry"
                with VerticalScroll(id="showcase-pane"):
                    yield Static(id="showcase-detail")
        yield CohortFooter()

    # -- state -> view -------------------------------------------------------------

    def refresh_view(self) -> None:
        self.fill_header()
        entries = sc.ordered_entries(self.state)
        rows = [Row(entry.id, self._row_text(entry)) for entry in entries]
        if not rows:
            rows.append(
                Row(
                    "none",
                    Text(
                        "Nothing here yet: an approved project's authors publish it (p).",
                        style="italic",
                    ),
                    selectable=False,
                )
            )
        listing = self.query_one("#showcase-list", RowList)
        listing.set_rows(rows, keep=listing.highlighted_id)
        left = self.query_one("#showcase-left")
        mine = len(sc.publishable(self.state, self.me))
        left.border_title = Text(f"Showcase ({len(entries)})")
        left.border_subtitle = Text(f"{mine} of yours to publish · p" if mine else "")
        self._fill_detail(listing.highlighted_id)
        self.refresh_bindings()

    def _row_text(self, entry: ShowcaseEntry) -> Callable[[], Text]:
        def build() -> Text:
            star = (
                Text("★ ", style=self.get_component_rich_style("showcase--featured"))
                if entry.featured
                else "  "
            )
            authors = ", ".join(at_handle(self.state, a) for a in entry.authors)
            return plain(
                star,
                member_line(entry.title, limit=50),
                (" · ", ""),
                Text(authors, style=self.get_component_rich_style("showcase--muted")),
            )

        return build

    def _entry(self) -> ShowcaseEntry | None:
        row = self.query_one("#showcase-list", RowList).highlighted_id
        return self.state.showcase.get(row or "")

    def _fill_detail(self, row: str | None) -> None:
        entry = self.state.showcase.get(row or "")
        detail = self.query_one("#showcase-detail", Static)
        right = self.query_one("#showcase-right")
        if entry is None:
            right.border_title = "Entry"
            detail.update(Text("Pick an entry to read it.", style="italic"))
            return
        right.border_title = member_line(entry.title, limit=60)  # a str would be markup
        muted = self.get_component_rich_style("showcase--muted")
        lesson = self.state.lessons.get(entry.lesson)
        text = Text()
        if entry.featured:
            text.append("★ Featured\n", self.get_component_rich_style("showcase--featured"))
        text.append_text(member_line(entry.title, "bold"))
        text.append("\n")
        authors = ", ".join(at_handle(self.state, a) for a in entry.authors)
        text.append_text(
            plain(
                Text(f"by {authors} · ", style=muted),
                member_line(lesson.title if lesson else entry.lesson, "italic", limit=50),
                Text(f" · {local_time(entry.published_at, '%d %b')}", style=muted),
            )
        )
        text.append("\n\nWhat we built\n", style="bold")
        text.append_text(style_block(clean_text(entry.built)))
        if entry.feedback.strip():
            text.append("\n\nWhat feedback changed\n", style="bold")
            text.append_text(style_block(clean_text(entry.feedback)))
        reactions = [
            f"{clean_line(emoji)} {len(who)}" + (" (you)" if self.me in who else "")
            for emoji, who in sorted(entry.reactions.items())
            if who
        ]
        text.append("\n\n")
        text.append("  ".join(reactions) if reactions else "No reactions yet (r)", muted)
        text.append(f"\n\nThanks ({len(entry.thanks)})\n", style="bold")
        for thanks in entry.thanks:
            text.append_text(member_line(at_handle(self.state, thanks.author), "bold"))
            text.append(": ")
            text.append_text(member_line(thanks.text))
            text.append("\n")
        if not entry.thanks:
            text.append("Be the first to say thanks (t)\n", muted)
        detail.update(text)
        self.query_one("#showcase-pane", VerticalScroll).scroll_home(animate=False)

    # -- events and actions ----------------------------------------------------------

    @on(RowList.Highlighted, "#showcase-list")
    def _highlighted(self, event: RowList.Highlighted) -> None:
        self._fill_detail(event.row_id)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        entry = self._entry()
        if action == "publish":
            return True if sc.publishable(self.state, self.me) else None
        if action == "edit":
            return True if entry is not None and self.me in entry.authors else None
        if action in ("react", "thank"):
            return True if entry is not None else None
        if action == "feature":
            return True if entry is not None and self.state.has_role(self.me, *STAFF) else None
        return True

    def action_publish(self) -> None:
        subs = sc.publishable(self.state, self.me)
        if not subs:
            return
        from cohort_tui.ui.screens.dialogs import ChoiceScreen

        if len(subs) == 1:
            self._write_up(subs[0].id)
            return
        options = [(sub.id, member_line(sub.title)) for sub in subs]

        def chosen(sub_id: str | None) -> None:
            if sub_id is not None:
                self._write_up(sub_id)

        self.app.push_screen(ChoiceScreen("Publish which approved project?", options), chosen)

    def _write_up(self, submission: str, entry: ShowcaseEntry | None = None) -> None:
        from cohort_tui.ui.screens.showcase_form import ShowcaseForm, WriteUp

        sub = self.state.submissions.get(submission)
        if sub is None:
            return
        current = (
            WriteUp(entry.title, entry.built, entry.feedback)
            if entry
            else WriteUp(sub.title[:120], "", "")
        )
        entry_id = entry.id if entry else new_id("sc")

        def done(values: WriteUp | None) -> None:
            if values is None:
                return
            op = self.write(
                k.ShowcasePublish(
                    entry=entry_id,
                    submission=submission,
                    title=values.title,
                    built=values.built,
                    feedback=values.feedback,
                )
            )
            if op is not None:
                self.refresh_view()
                self.query_one("#showcase-list", RowList).set_rows(
                    self.query_one("#showcase-list", RowList).rows, keep=entry_id
                )
                self._fill_detail(entry_id)

        heading = ("Edit: " if entry else "Publish: ") + sub.title
        self.app.push_screen(ShowcaseForm(heading, current), done)

    def action_edit(self) -> None:
        entry = self._entry()
        if entry is not None and self.me in entry.authors:
            self._write_up(entry.submission, entry)

    def action_react(self) -> None:
        entry = self._entry()
        if entry is None:
            return
        from cohort_tui.ui.screens.dialogs import ChoiceScreen

        options = [
            (
                emoji,
                Text(
                    f"{emoji}  "
                    + ("take back" if self.me in entry.reactions.get(emoji, []) else "react")
                ),
            )
            for emoji in sc.REACTIONS
        ]

        def chosen(emoji: str | None) -> None:
            if emoji is not None:
                on = self.me not in entry.reactions.get(emoji, [])
                self.write(k.ShowcaseReact(entry=entry.id, emoji=emoji, on=on))

        self.app.push_screen(ChoiceScreen("React", options), chosen)

    def action_thank(self) -> None:
        entry = self._entry()
        if entry is None:
            return
        from cohort_tui.ui.screens.dialogs import PromptScreen

        def done(text: str | None) -> None:
            text = " ".join((text or "").split())
            if text:
                self.write(k.ShowcaseThank(entry=entry.id, thanks=new_id("ty"), text=text))

        self.app.push_screen(
            PromptScreen(
                "A line of thanks for " + clean_line(entry.title),
                placeholder="what it taught you, what you will reuse",
                max_length=k.THANKS_MAX_CHARS,
            ),
            done,
        )

    def action_feature(self) -> None:
        entry = self._entry()
        if entry is not None:
            self.write(k.ShowcaseFeature(entry=entry.id, featured=not entry.featured))
