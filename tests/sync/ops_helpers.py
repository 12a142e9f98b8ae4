"""Building wire ops for API tests."""

from __future__ import annotations

import itertools
from typing import Any

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.ops import Op, op_to_builtins

_counter = itertools.count()
T0 = 1_790_000_000_000


def wire(
    author: str, data: k.Data, op_id: str | None = None, at: int | None = None
) -> dict[str, Any]:
    n = next(_counter)
    op = Op(op_id or f"op_{n:06d}", data.KIND, author, (at or T0 + n, 0, "n_test"), data)
    return op_to_builtins(op)


def thread(author: str, n: int) -> dict[str, Any]:
    return wire(
        author,
        k.ThreadCreate(thread=f"t{n}_{author}", post=f"p{n}_{author}", title="Hi", body="hello"),
    )
