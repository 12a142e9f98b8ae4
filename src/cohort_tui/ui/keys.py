"""Gathering a screen's key bindings from the widgets that own them.

A screen's keys act wherever focus is on the screen, so they stay declared on the
screen; each widget module defines the bindings that run its actions (key, label, id,
tooltip) next to the code they run. :func:`gather` puts them in the order the footer and
the help show them, which one screen line states.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.binding import Binding, BindingType


def gather(order: str, *groups: Sequence[Binding]) -> list[BindingType]:
    """The bindings of ``groups`` in ``order``: binding ids without their screen prefix
    (``"curriculum.down"`` is ``down``), space-separated.

    Raises:
        ValueError: An id is in ``order`` but in no group, or in a group but not in
            ``order`` (a key would silently vanish or be shown out of place).
    """
    by_name = {(b.id or "").rpartition(".")[2]: b for group in groups for b in group}
    names = order.split()
    missing = [n for n in names if n not in by_name]
    unplaced = [n for n in by_name if n not in names]
    if missing or unplaced:
        raise ValueError(f"bindings not gathered: missing {missing}, unplaced {unplaced}")
    return [by_name[n] for n in names]
