"""What the server remembers of each cohort in memory: its permission view.

(The doorbell that wakes stream listeners is in :mod:`doorbell`.)

The view is the fold of the cohort's ops in the order the server stored them. It answers
"may this member write this op?" through :func:`role_problem`, the same rules the clients'
fold uses. It checks against the newest state the server knows (not the op's own clock),
so a member whose role was taken away cannot push ops backdated to before that.
"""

from __future__ import annotations

import contextlib

from cohort_tui.domain.clock import Clock
from cohort_tui.domain.model import State
from cohort_tui.domain.ops import Op, OpError, decode_op
from cohort_tui.domain.permissions import role_problem
from cohort_tui.domain.reduce import OutOfOrder, apply_op


class CohortView:
    """The server's folded view of one cohort (arrival order)."""

    def __init__(self) -> None:
        self.state = State()
        """The fold of every stored op, in storage order."""
        self.max_clock: Clock | None = None
        """The newest clock seen, so ops the server writes sort after everything known."""

    def problem(self, op: Op) -> str | None:
        """Why the server refuses ``op``; None to accept it."""
        return role_problem(self.state, op)

    def apply(self, op: Op) -> None:
        """Fold ``op`` in, whatever its clock (arrival order is the server's order)."""
        self.state.last_clock = None  # arrival order: never OutOfOrder
        with contextlib.suppress(OutOfOrder):
            apply_op(self.state, op)
        self.state.refused.clear()  # the server does not report fold refusals
        if self.max_clock is None or op.clock > self.max_clock:
            self.max_clock = op.clock

    def apply_body(self, body: bytes) -> None:
        """Fold a stored op body in (a body that no longer decodes is skipped)."""
        with contextlib.suppress(OpError):
            self.apply(decode_op(body, lenient=True))
