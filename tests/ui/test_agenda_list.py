"""Home's agenda takes a batch's new words in place: only the changed rows are drawn again."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets.option_list import Option

from cohort_tui.ui.widgets.agenda_list import AgendaList
from tests.ui.helpers import wait_for


class AgendaApp(App[None]):
    def compose(self) -> ComposeResult:
        yield AgendaList(
            Option(Text("● 3 new posts in pathlib"), id="thread:a"),
            Option(Text("▶ Start: Functions"), id="lesson:f"),
            Option(Text("Nothing else"), id="none", disabled=True),
        )


def drawn_options(agenda: AgendaList) -> set[int]:
    return {id(key[0]) for key in agenda._option_render_cache.keys()}  # noqa: SIM118


async def test_new_words_in_one_row_redraw_that_row_only() -> None:
    app = AgendaApp()
    async with app.run_test(size=(60, 10)) as pilot:
        agenda = app.query_one(AgendaList)
        await wait_for(pilot, lambda: len(drawn_options(agenda)) == 3)
        first, second, third = agenda.options
        taken = agenda.update_in_place(
            [
                Option(Text("● 13 new posts in pathlib"), id="thread:a"),
                Option(Text("▶ Start: Functions"), id="lesson:f"),
                Option(Text("Nothing else"), id="none", disabled=True),
            ]
        )
        assert taken
        assert agenda.options == [first, second, third]  # the same rows, kept
        assert drawn_options(agenda) == {id(second), id(third)}  # only the first dropped
        await wait_for(pilot, lambda: len(drawn_options(agenda)) == 3)
        assert "13 new posts" in agenda.render_line(0).text


async def test_other_rows_are_left_to_the_caller() -> None:
    app = AgendaApp()
    async with app.run_test(size=(60, 10)) as pilot:
        agenda = app.query_one(AgendaList)
        await wait_for(pilot, lambda: len(drawn_options(agenda)) == 3)
        before = list(agenda.options)
        other_id = [
            Option(Text("● 3 new posts in pathlib"), id="thread:b"),
            Option(Text("▶ Start: Functions"), id="lesson:f"),
            Option(Text("Nothing else"), id="none", disabled=True),
        ]
        now_enabled = [
            Option(Text("● 3 new posts in pathlib"), id="thread:a"),
            Option(Text("▶ Start: Functions"), id="lesson:f"),
            Option(Text("Nothing else"), id="none"),
        ]
        assert not agenda.update_in_place(other_id)
        assert not agenda.update_in_place(now_enabled)
        assert not agenda.update_in_place(other_id[:2])
        assert agenda.options == before
        assert agenda.get_option_at_index(0).prompt == Text("● 3 new posts in pathlib")
