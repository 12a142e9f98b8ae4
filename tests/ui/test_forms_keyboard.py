"""The milestone and session forms work from the keyboard alone (issue 14, bugs 7, 8, 9):
a field is focused when they open, keys typed right after Tab land in the next field,
the session link is checked, and the lesson lists show their state in a glyph and take
Space as soon as they are focused."""

from __future__ import annotations

from textual import events
from textual.app import App
from textual.widgets import Input, SelectionList

from cohort_tui.ui.screens.milestone_forms import (
    MilestoneDraft,
    MilestoneForm,
    SessionDraft,
    SessionForm,
)

LESSONS = [("Values", "core-values", False), ("Notes CLI", "notes", True)]


class _Host(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.result: object = "unset"

    def done(self, value: object) -> None:
        self.result = value


async def test_the_milestone_form_opens_with_its_title_focused() -> None:
    app = _Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(MilestoneForm("New milestone", LESSONS))
        await pilot.pause()
        await pilot.press(*"Week 3")
        assert app.screen.query_one("#ms-title", Input).value == "Week 3"


async def test_the_session_form_opens_with_its_title_focused() -> None:
    app = _Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(SessionForm("New session"))
        await pilot.pause()
        await pilot.press(*"Office hours")
        assert app.screen.query_one("#se-title", Input).value == "Office hours"


async def test_keys_right_after_tab_land_in_the_next_field() -> None:
    """A burst (tmux send-keys, a paste, a fast typist): Tab and the next keys arrive
    before the app has handled any of them."""
    app = _Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(SessionForm("New session"))
        await pilot.pause()
        form = app.screen
        form.query_one("#se-title", Input).focus()
        await pilot.pause()
        for key, char in [("a", "a"), ("tab", None), ("2", "2"), ("0", "0")]:
            app.post_message(events.Key(key, char))
        await pilot.pause()
        await pilot.pause()
        assert form.query_one("#se-title", Input).value == "a"
        assert form.query_one("#se-start", Input).value == "20"


async def test_a_session_link_with_spaces_or_no_scheme_is_refused() -> None:
    app = _Host()
    async with app.run_test(size=(80, 24)) as pilot:
        draft = SessionDraft("Office hours", 1_795_000_000_000, 60, "", "")
        app.push_screen(SessionForm("Edit session", draft), app.done)
        await pilot.pause()
        form = app.screen
        link = form.query_one("#se-link", Input)
        for bad in ["https://meet.example.org/pod room", "meet.example.org", "javascript:x"]:
            link.value = bad
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert app.screen is form, bad
            assert "Link" in [n.message for n in app._notifications][-1]
        link.value = " https://meet.example.org/pod-room "
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.result, SessionDraft)
        assert app.result.link == "https://meet.example.org/pod-room"


def _marks(listing: SelectionList[str]) -> list[str]:
    return [
        "".join(s.text for s in listing.render_line(y))[:4] for y in range(listing.option_count)
    ]


async def test_lesson_lists_show_state_in_a_glyph_and_take_space_after_tab() -> None:
    app = _Host()
    draft = MilestoneDraft("Week 3", 1_795_000_000_000, "", ["notes"], [])
    async with app.run_test(size=(80, 30)) as pilot:
        app.push_screen(MilestoneForm("Edit milestone", LESSONS, draft), app.done)
        await pilot.pause()
        form = app.screen
        form.query_one("#ms-due", Input).focus()
        await pilot.press("tab")  # into the lessons list, no arrow pressed
        listing = form.query_one("#ms-lessons", SelectionList)
        assert listing.has_focus
        marks = _marks(listing)
        assert marks[0] != marks[1]  # one chosen, one not: not by colour alone
        assert "✓" in marks[1] and "✓" not in marks[0]
        await pilot.press("space")
        assert sorted(listing.selected) == ["core-values", "notes"]
        assert "✓" in _marks(listing)[0]


def test_web_links() -> None:
    from cohort_tui.ui.screens.milestone_forms import is_web_link

    assert is_web_link("https://meet.example.org/pod?x=1")
    for bad in ["http://[::1", "https://", "ftp://x.org", "https://a b", "https://x.org/\x1b"]:
        assert not is_web_link(bad), bad
