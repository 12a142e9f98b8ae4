"""The milestone tracker screen: a row of tabs over one section at a time.

Each section is its own widget (:mod:`.section` and one module per section), with its
rows, details, actions and keys. The screen holds the tabs, mounts the section shown,
routes ``open_target`` to the section that owns the target, and refills the section
shown when the store changes.

Only the section shown is mounted (as gh-dash draws only its current section): its keys
are the only section keys active and in the footer, a section nobody opens costs
nothing, and the screen has one list and one details pane to query, whichever it is.
"""

from __future__ import annotations

import asyncio
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Tab, Tabs

from cohort_tui.ui.screens.base import CohortScreen
from cohort_tui.ui.screens.milestones.grid_section import GridSection
from cohort_tui.ui.screens.milestones.metrics_section import MetricsSection
from cohort_tui.ui.screens.milestones.milestone_section import MilestoneSection
from cohort_tui.ui.screens.milestones.roster_section import RosterSection
from cohort_tui.ui.screens.milestones.section import TrackerSection
from cohort_tui.ui.screens.milestones.session_section import SessionSection
from cohort_tui.ui.screens.milestones.shoutout_section import ShoutoutSection
from cohort_tui.ui.widgets.cohort_footer import CohortFooter
from cohort_tui.ui.widgets.cohort_header import CohortHeader

SECTIONS: tuple[type[TrackerSection], ...] = (
    MilestoneSection,
    GridSection,
    SessionSection,
    RosterSection,
    ShoutoutSection,
    MetricsSection,
)
"""The sections, in tab order."""
BY_ID = {section.SECTION_ID: section for section in SECTIONS}
TARGET_SECTIONS = {"milestone": "milestones", "member": "roster"}
"""Which section shows an ``open_target`` kind."""


class MilestonesScreen(CohortScreen):
    """Six sections; the list on the left, the highlighted row's details on the right.

    | Key | Section |
    | :- | :- |
    | `m` `g` `s` `p` `t` `i` | Milestones, grid, sessions, people, thanks, insights. |

    Each section adds its own keys (see its class).
    """

    TITLE_TEXT = "Milestones"
    AUTO_FOCUS = "#ms-list"
    DEFAULT_CSS = """
    MilestonesScreen #ms-tabs { height: 2; }
    MilestonesScreen #ms-body { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            section.KEY,
            f"section('{section.SECTION_ID}')",
            section.TITLE,
            show=False,
            id=f"milestones.section.{section.SECTION_ID}",
            tooltip=f"Show {section.TITLE}",
        )
        for section in SECTIONS
    ]

    def __init__(self) -> None:
        super().__init__()
        self._shown: TrackerSection = SECTIONS[0]()
        self._swapping = asyncio.Lock()  # a key and a tab click must not swap at once

    def compose(self) -> ComposeResult:
        yield CohortHeader()
        yield Tabs(
            *(Tab(Text(f"{s.KEY} {s.TITLE}"), id=f"tab-{s.SECTION_ID}") for s in SECTIONS),
            id="ms-tabs",
        )
        with Vertical(id="ms-body"):
            yield self._shown
        yield CohortFooter()

    @property
    def shown(self) -> TrackerSection:
        """The section shown."""
        return self._shown

    @property
    def section(self) -> str:
        """The name of the section shown (``milestones``, ``grid``, ...)."""
        return self._shown.SECTION_ID

    async def action_section(self, section: str) -> None:
        """Show a section (its key, or its tab clicked)."""
        await self._show(section)

    @on(Tabs.TabActivated)
    async def _tab(self, event: Tabs.TabActivated) -> None:
        await self._show((event.tab.id or "tab-milestones").removeprefix("tab-"))

    async def _show(self, section: str) -> None:
        """Mount ``section`` in place of the one shown; its list keeps the cursor on the
        same id when it has that row (a member from the grid to the roster)."""
        if section == self.section or section not in BY_ID:
            return  # also the tabs telling us of a swap under way
        async with self._swapping:
            if section != self.section:
                await self._swap(BY_ID[section])

    async def _swap(self, section: type[TrackerSection]) -> None:
        old = self._shown
        focused = self.focused
        # The new section's list (or details) takes the focus the old one had.
        refocus = None
        if focused is not None and old in focused.ancestors:
            refocus = focused.id if focused.id in ("ms-list", "ms-scroll") else "ms-list"
        new = self._shown = section()
        # One frame for the swap, not one per step (the old section hidden, the new one
        # mounted, filled, the old one gone): drawing those cost more than the swap.
        with self.app.batch_update():
            self.query_one(Tabs).active = f"tab-{section.SECTION_ID}"
            old.display = False
            await self.query_one("#ms-body").mount(new)
            new.refill(keep=old.listing.highlighted_id)
            if refocus is not None:
                # Now, inside the batch: Widget.focus would wait for the next turn and
                # restyle and draw the new section a second time after it.
                self.set_focus(new.query_one(f"#{refocus}"))
            await old.remove()
        self.refresh_bindings()

    def refresh_view(self) -> None:
        self.fill_header()
        self._shown.refill()

    def open_target(self, kind: str, target_id: str) -> None:
        section = TARGET_SECTIONS.get(kind)
        if section is None:
            return
        if section == self.section:
            self._shown.refill()
            self._shown.listing.highlight(target_id)
            return

        async def show() -> None:
            await self._show(section)
            self._shown.listing.highlight(target_id)

        self.call_later(show)
