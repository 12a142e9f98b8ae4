"""The fold's handler tables: op kind -> the function that folds it (pure).

``reduce``, ``fold_teams`` and ``fold_pods`` each keep a table and register into it with
the decorator :func:`registrar` makes; ``reduce`` merges them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.model import State
from cohort_tui.domain.ops import Op

Reason = str | None
"""Why an op is refused; None when it was applied."""
Handler = Callable[[State, Op, Any], Reason]


def registrar(table: dict[str, Handler]) -> Callable[[type[k.Data]], Callable[[Handler], Handler]]:
    """``@handles(k.Kind)`` for ``table``: registers the decorated function for the kind."""

    def handles(kind: type[k.Data]) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            table[kind.KIND] = fn
            return fn

        return register

    return handles
