"""Fuzz: random bytes written over, into or cut off a real op log.

Whatever happens to the bytes, the store either opens or refuses with a StoreError that
names the log and ``cohort repair``; one repair then makes it open, and every op whose
own bytes were not touched is still in the log (recovered from a damaged line if a lost
newline glued it to garbage). Nothing else may be raised.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cohort_tui.cli import main
from cohort_tui.domain.ops import OpError, decode_op
from cohort_tui.store.errors import StoreError
from cohort_tui.store.workspace import Replica
from tests.unit.conftest import DEMO_NOW

TOKENS = [b"\n", b"\x00", b"\xff", b"\r", b"{", b"}", b'"', b'{"id":', b"\\", b"\xc3", b" "]
"""Bytes that matter to a line-based JSON log, mixed into the random ones."""


@dataclass
class Span:
    """Where one op's JSON sits in the log (newline excluded), and whether it is untouched."""

    op: str
    start: int
    end: int
    intact: bool = True


@dataclass(frozen=True)
class Mutation:
    kind: str  # "overwrite", "insert" or "cut" (a torn tail)
    at: float  # where, as a fraction of the current length
    data: bytes


mutations = st.lists(
    st.builds(
        Mutation,
        st.sampled_from(["overwrite", "overwrite", "insert", "insert", "cut"]),
        st.floats(min_value=0, max_value=1),
        st.lists(
            st.one_of(st.binary(min_size=1, max_size=24), st.sampled_from(TOKENS)),
            min_size=1,
            max_size=4,
        ).map(b"".join),
    ),
    min_size=1,
    max_size=6,
)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from cohort_tui.demo.seed import write_demo_store

    root = tmp_path_factory.mktemp("fuzz") / "store"
    write_demo_store(root, now=DEMO_NOW)
    return root


def spans_of(log: bytes) -> list[Span]:
    spans, pos = [], 0
    for line in log.split(b"\n"):
        if line.strip():
            spans.append(Span(decode_op(line).id, pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def mutate(log: bytes, spans: list[Span], changes: list[Mutation]) -> bytes:
    """Apply ``changes``, marking every span whose bytes they touch."""
    for change in changes:
        at = min(int(change.at * len(log)), len(log))
        n = len(change.data)
        if change.kind == "overwrite":
            log = log[:at] + change.data + log[at + n :]
            for s in spans:
                if s.start < at + n and at < s.end:
                    s.intact = False
        elif change.kind == "insert":
            log = log[:at] + change.data + log[at:]
            for s in spans:
                if s.start < at < s.end:
                    s.intact = False
                elif s.start >= at:
                    s.start, s.end = s.start + n, s.end + n
        else:
            log = log[:at]
            for s in spans:
                if s.end > at:
                    s.intact = False
    return log


class Repair:
    """``cohort repair`` as a person runs it; keeps what it printed."""

    out = ""

    def __call__(self, root: Path) -> int:
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            code = main(["repair", "--store", str(root)])
        self.out = buffer.getvalue()
        return code


repair = Repair()


def ids_in(log: Path) -> set[str]:
    ids = set()
    for line in log.read_bytes().split(b"\n"):
        with contextlib.suppress(OpError):
            ids.add(decode_op(line, lenient=True).id)
    return ids


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=mutations)
def test_random_damage_is_refused_clearly_and_one_repair_keeps_every_intact_op(
    base: Path, changes: list[Mutation]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "store"
        shutil.copytree(base, root)
        log = root / "ops.jsonl"
        original = log.read_bytes()
        spans = spans_of(original)
        log.write_bytes(mutate(original, spans, changes))
        try:
            Replica(root)
        except StoreError as exc:
            assert str(log) in str(exc) and "cohort repair" in str(exc), str(exc)
        assert repair(root) == 0
        replica = Replica(root)  # one repair is always enough
        assert replica.state.cohort is not None or not spans[0].intact
        kept = ids_in(log)
        lost = {s.op for s in spans if s.intact} - kept
        assert not lost, f"intact ops lost: {sorted(lost)[:5]}"
        assert repair(root) == 0 and "nothing to do" in repair.out  # nothing left behind
