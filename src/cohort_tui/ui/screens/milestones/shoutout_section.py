"""The thanks section: shoutouts, newest first, and one in full in the details."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import BindingType

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.clock import new_id
from cohort_tui.domain.queries import handle_of
from cohort_tui.ui.screens.dialogs import ChoiceScreen, PromptScreen
from cohort_tui.ui.screens.milestones.section import TrackerSection, section_binding
from cohort_tui.ui.text import ago, local_time, member_block, member_line, plain
from cohort_tui.ui.widgets.row_list import Row


class ShoutoutSection(TrackerSection):
    """Shoutouts: who thanked whom for what.

    | Key | Action |
    | :- | :- |
    | `n` | Thank someone. |
    """

    SECTION_ID = "shoutouts"
    KEY = "t"
    TITLE = "Thanks"
    BINDINGS: ClassVar[list[BindingType]] = [
        section_binding("n", "new", "New", "new", "Thank someone"),
    ]

    def rows(self) -> list[Row]:
        state, now = self.state, self.now()
        rows = []
        for shout in sorted(state.shoutouts.values(), key=lambda s: (-s.at, s.id)):
            rows.append(
                Row(
                    shout.id,
                    plain(
                        member_line(f"@{handle_of(state, shout.author)}", "bold"),
                        " → ",
                        member_line(f"@{handle_of(state, shout.to)}", "bold"),
                        "  ",
                        member_line(shout.message, limit=60),
                        (f"  {ago(shout.at, now)}", "dim"),
                    ),
                )
            )
        return rows

    def detail(self, row_id: str) -> Text:
        state = self.state
        shout = state.shoutouts.get(row_id)
        if shout is None:
            return Text("")
        text = member_line(
            f"@{handle_of(state, shout.author)} thanks @{handle_of(state, shout.to)}", "bold"
        )
        text.append(f"\n{local_time(shout.at)}\n\n", style="dim")
        text.append_text(member_block(shout.message))
        text.append("\n\nn thanks someone", style="dim")
        return text

    def action_new(self) -> None:
        choices = [
            (m.id, member_line(f"@{m.handle}  {m.display_name}"))
            for m in sorted(self.state.members.values(), key=lambda m: m.handle)
            if m.id != self.me
        ]

        def chosen(member: str | None) -> None:
            if member is None:
                return

            def given(message: str | None) -> None:
                if message and message.strip():
                    op = k.ShoutoutCreate(shoutout=new_id("h"), to=member, message=message.strip())
                    if self.write(op):
                        self.notify(f"Thanks sent to @{handle_of(self.state, member)}.")

            self.app.push_screen(
                PromptScreen(
                    f"Thank @{handle_of(self.state, member)} for…",
                    placeholder="the venv fix that saved my evening",
                    max_length=2000,
                ),
                given,
            )

        self.app.push_screen(ChoiceScreen("Thank whom?", choices), chosen)
