"""The stuck ladder in the lesson pane: after a failed check, what to try next, in order,
and where the learner stands (see :mod:`cohort_tui.domain.stuck_ladder`)."""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from cohort_tui.domain.stuck_ladder import LadderView, RungState
from cohort_tui.ui.text import member_line

MARKS: dict[RungState, str] = {"done": "✓", "here": "▸", "ahead": "○", "empty": "·"}
"""Each rung's state reads without colour too (NO_COLOR)."""


class StuckLadder(Static):
    """Three rungs: the next hint, answered threads like this failure, ask the cohort.

    Hidden until :meth:`show` is given a ladder; :meth:`show` with None hides it again.
    Its colours come from the theme through component classes.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "stuck-ladder--title",
        "stuck-ladder--here",
        "stuck-ladder--done",
        "stuck-ladder--muted",
    }
    DEFAULT_CSS = """
    StuckLadder {
        display: none; padding: 0 1; margin-top: 1;
        border-left: outer $warning; background: $warning 10%;
    }
    StuckLadder.-shown { display: block; }
    StuckLadder > .stuck-ladder--title { color: $warning; text-style: bold; }
    StuckLadder > .stuck-ladder--here { color: $accent; text-style: bold; }
    StuckLadder > .stuck-ladder--done { color: $success; }
    StuckLadder > .stuck-ladder--muted { color: $text-muted; }
    """

    def show(
        self, view: LadderView | None, summary: str = "", handles: dict[str, str] | None = None
    ) -> None:
        """Draw ``view`` (``summary``: how the check ended; ``handles``: member id ->
        handle for the answerers), or hide the ladder when ``view`` is None."""
        self.set_class(view is not None, "-shown")
        self.update(self._render_view(view, summary, handles or {}) if view else Text())

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"stuck-ladder--{name}", partial=True)

    def _rung(self, text: Text, number: int, state: RungState, label: str, key: str) -> None:
        style = {"here": "here", "done": "done"}.get(state, "muted")
        text.append(f"\n{MARKS[state]} {number} ", self._style(style))
        text.append(label, self._style(style) if state != "ahead" else Style())
        if key:
            text.append(f" ({key})", self._style("muted"))

    def _render_view(self, view: LadderView, summary: str, handles: dict[str, str]) -> Text:
        text = Text(end="")
        text.append("Stuck? ", self._style("title"))
        text.append_text(member_line(f"The check {summary}.", ""))
        text.append(" Climb in order:", self._style("muted"))
        if view.hints_total:
            hints = f"Next hint · {view.hints_shown}/{view.hints_total} shown"
        else:
            hints = "Next hint · this lesson has none"
        self._rung(text, 1, view.hints, hints, "h" if view.hints_shown < view.hints_total else "")
        if view.matches:
            count = len(view.matches)
            answers = f"Answered question{'s' if count != 1 else ''} like this failure"
        else:
            answers = "Answered questions like this failure · none share its words"
        self._rung(text, 2, view.answers, answers, "m opens the next" if view.matches else "")
        for match in view.matches:
            entry = match.entry
            mark = "→ " if match is view.next_match and view.answers == "here" else "  "
            text.append(f"\n    {mark}", self._style("here"))
            text.append_text(member_line(entry.title, limit=60))
            who = handles.get(entry.answerer, entry.answerer)
            text.append_text(member_line(f" · answered by @{who}", "", limit=40))
            shared = ", ".join(match.shared[:4]) + ("…" if len(match.shared) > 4 else "")
            words = member_line(f" · shares: {shared}", "", limit=50)
            words.stylize(self._style("muted"))
            text.append_text(words)
        ask = (
            "Asked the cohort · answers show in Discussions"
            if view.asked
            else "Ask the cohort · output, check name and what you tried go in"
        )
        self._rung(text, 3, view.ask, ask, "f")
        return text
