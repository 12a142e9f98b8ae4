"""A small app that hosts one widget alone: just what widgets ask of the app (see
``ui/host.py``), over the demo store, and the messages they post."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from textual import on
from textual.app import App, ComposeResult
from textual.message import Message
from textual.widget import Widget

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.ops import Op
from cohort_tui.ui.palette import Palette
from cohort_tui.ui.widgets.check_panel import CheckPanel
from cohort_tui.ui.widgets.lesson_list import LessonList
from tests.ui.helpers import NOW, demo_replica


class Host(App[None]):
    """Just what the widgets ask of the app (see ``ui/host.py``), over the demo store."""

    def __init__(self, root: Path, *widgets: Widget) -> None:
        super().__init__()
        self.replica = demo_replica(root)
        self.member_id = "m_sam"
        self.work_dir = root / "work"
        self.presence = SimpleNamespace(seats=[])
        self.widgets = widgets
        self.heard: list[Message] = []

    def on_mount(self) -> None:
        Palette(self).apply()  # the cohort.* style names, as the real app puts them

    def now_ms(self) -> int:
        return NOW

    def write(self, data: k.Data) -> Op | None:
        ops = self.write_many([data])
        return ops[0] if ops else None

    def write_many(self, items: list[k.Data]) -> list[Op]:
        return self.replica.write_many(items, author=self.member_id)

    def memo_known(self, name: str) -> object | None:
        return None

    def memo_seed(self, name: str, value: object) -> None:
        pass

    def compose(self) -> ComposeResult:
        yield from self.widgets

    @on(CheckPanel.Recorded)
    @on(LessonList.Filtered)
    def _heard(self, message: Message) -> None:
        self.heard.append(message)
