"""A store that holds the issue's poisoned op (far-future clock, counter past the limit)
opens and keeps writing valid ops; ``cohort ops import`` refuses such ops one by one.

Only names that existed before the fix are imported, so these tests fail (rather than
error) on the old code."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.clock import Clock
from cohort_tui.domain.ops import decode_op, encode_op
from cohort_tui.store.workspace import Replica
from tests.factories import poison_line
from tests.unit.conftest import CliRunner

DAY_MS = 86_400_000


def _now() -> int:
    return int(time.time() * 1000)


def valid_now(clock: Clock) -> bool:
    """In range and not stamped in the future (a second of slack for the test)."""
    return 0 <= clock[1] <= 2**31 - 1 and clock[0] <= _now() + 1_000


def test_a_store_holding_the_poisoned_op_opens_and_keeps_writing(demo: Path) -> None:
    with (demo / "ops.jsonl").open("a") as f:
        f.write(poison_line())
    replica = Replica(demo)
    me = replica.resolve_member("sam").id
    before = _now()
    for n in range(3):
        op = replica.write(k.ProgressSet(lesson=f"l{n}", status="doing"), author=me)
        assert valid_now(op.clock)  # not dragged into the future, counter in range
        assert op.clock[0] >= before - 1_000
    again = Replica(demo)  # reopens (snapshot and full replay)
    assert set(again.state.seen) >= {op.id, "01POISON0000000000000000AA"}
    (demo / "snapshot.msgpack").unlink()
    assert set(Replica(demo).state.seen) == set(again.state.seen)


def test_ops_import_refuses_the_poisoned_op_and_the_store_keeps_working(
    cli: CliRunner, demo: Path, tmp_path: Path
) -> None:
    good = {
        "id": "01GOODOP00000000000000000A",
        "kind": "progress.set",
        "author": "m_ada",
        "clock": [_now() - 1_000, 0, "n_other"],
        "data": {"lesson": "x", "status": "doing"},
    }
    far = json.loads(poison_line(op_id="01FAROP000000000000000000A"))
    far["clock"][1] = 0
    counter = {**good, "id": "01COUNTER00000000000000000", "clock": [_now() - 5, 2**31, "n_o"]}
    path = tmp_path / "hostile.jsonl"
    path.write_text(
        poison_line() + json.dumps(good) + "\n" + json.dumps(far) + "\n" + json.dumps(counter)
    )
    code, out, err = cli("ops", "import", str(path), "--store", str(demo))
    assert code == 0, err
    assert "imported 1 op(s)" in out
    assert "01POISON0000000000000000AA" in err and "ahead" in err
    assert "01FAROP000000000000000000A" in err
    assert "01COUNTER00000000000000000" in err and "counter" in err
    log = (demo / "ops.jsonl").read_text()
    assert "01GOODOP" in log and "01POISON" not in log and "01COUNTER" not in log
    code, _, err = cli("progress", "--status", "done", "setup-terminal", "--store", str(demo))
    assert code == 0, err
    code, _, err = cli("status", "--store", str(demo))
    assert code == 0, err


def test_writing_after_an_imported_poison_never_damages_the_log(demo: Path) -> None:
    """The issue's path on a store that took the op before this fix: every later write
    is a valid op, and the whole log still decodes strictly except the poison itself."""
    with (demo / "ops.jsonl").open("a") as f:
        f.write(poison_line())
    replica = Replica(demo)
    me = replica.resolve_member("sam").id
    replica.write_many([k.ProgressSet(lesson="a", status="done")] * 3, author=me)
    lines = (demo / "ops.jsonl").read_bytes().splitlines()
    for raw in lines:
        if b"01POISON" not in raw:
            decode_op(raw)


@pytest.mark.parametrize("counter", [2**31, 2**40])
def test_a_store_whose_own_log_holds_over_range_counters_opens(demo: Path, counter: int) -> None:
    """Logs written by the old clock (counter 2**31 + n, minted after the poison)."""
    replica = Replica(demo)
    line = json.loads(
        encode_op(
            replica.write(
                k.ProgressSet(lesson="q", status="done"), author=replica.resolve_member("sam").id
            )
        )
    )
    line["id"] = "01OLDMINT0000000000000000A"
    line["clock"] = [_now() - 10, counter, line["clock"][2]]
    with (demo / "ops.jsonl").open("a") as f:
        f.write(json.dumps(line) + "\n")
    again = Replica(demo)
    assert "01OLDMINT0000000000000000A" in again.state.seen
    op = again.write(k.ProgressSet(lesson="r", status="done"), author=line["author"])
    assert valid_now(op.clock)
