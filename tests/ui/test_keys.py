"""A screen's keys gathered from the widgets that own them (ui/keys.py)."""

from __future__ import annotations

import pytest
from textual.binding import Binding

from cohort_tui.ui.keys import gather

LIST = [Binding("j", "down", "Down", id="s.down"), Binding("k", "up", "Up", id="s.up")]
PANE = [Binding("h", "hint", "Hint", id="s.hint")]


def test_bindings_come_in_the_stated_order() -> None:
    keys = gather("hint up down", LIST, PANE)
    assert [b.key for b in keys if isinstance(b, Binding)] == ["h", "k", "j"]


@pytest.mark.parametrize("order", ["up down", "hint up down done"])
def test_a_key_left_out_or_unknown_is_an_error(order: str) -> None:
    with pytest.raises(ValueError, match="bindings not gathered"):
        gather(order, LIST, PANE)
