"""The integrity property: whatever hostile ops replicas are handed, in whatever order,
every store keeps writing and reopening, and replicas that hold the same ops agree.

Hostile here means any clock (long past, a few minutes ahead, 300 days ahead, a counter at
its limit or past it), id reuse (other content, another author, even the ``cohort.create``
op's id), duplicates, and any order. Each batch arrives either as ``cohort ops import``
does it (untrusted: clocks out of bounds are refused) or as a pull from a server does
(trusted: kept whatever the clock, as an older server may have stored it); every replica
gets the same batches the same way, each in its own order, shuffled and duplicated.
"""

from __future__ import annotations

import random
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.clock import MAX_COUNTER, wall_now
from cohort_tui.domain.export import export_json
from cohort_tui.domain.ops import Op
from cohort_tui.store.workspace import Replica, StoreConfig, write_config
from tests.factories import small_cohort
from tests.unit.test_fold_properties import MEMBERS, _data

MINUTE = 60_000
DAY = 86_400_000
NOW = wall_now()
"""One time for the whole run: near-future clocks stay well inside the bound."""


@dataclass(frozen=True)
class Batch:
    trusted: bool
    ops: list[Op]


@st.composite
def hostile_op(draw: st.DrawFn, base: list[Op]) -> Op:
    reused = [base[0].id, base[1].id, base[-1].id]  # cohort.create, a member.add, ...
    op_id = draw(st.sampled_from(["h1", "h2", "h3", "h4", *reused]))
    wall = draw(
        st.sampled_from(
            [
                base[0].at - 1_000,  # before the cohort exists
                base[-1].at + 5_000,
                NOW - 5 * MINUTE,
                NOW + 10 * MINUTE,  # a skewed laptop: inside the bound
                NOW + 300 * DAY,  # the clock: outside it
            ]
        )
    )
    counter = draw(st.sampled_from([0, 1, MAX_COUNTER - 1, MAX_COUNTER, 2**31, 2**40]))
    node = draw(st.sampled_from(["n_h1", "n_h2", base[0].clock[2]]))
    author = draw(st.sampled_from([*MEMBERS, "m_evil"]))
    data = _data(draw)
    return Op(op_id, data.KIND, author, (wall, counter, node), data)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[Op], list[Batch], list[list[int]], int]:
    _, base = small_cohort()
    batches = [
        Batch(draw(st.booleans()), draw(st.lists(hostile_op(base), min_size=1, max_size=6)))
        for _ in range(draw(st.integers(1, 4)))
    ]
    replicas = draw(st.integers(2, 3))
    orders = [draw(st.permutations(range(len(batches)))) for _ in range(replicas)]
    return base, batches, orders, draw(st.integers(0, 2**32))


def _store(root: Path, base: list[Op]) -> Replica:
    root.mkdir()
    write_config(root, StoreConfig(cohort="c1", node=f"n_{root.name}", default_member="m_a"))
    (root / "ops.jsonl").touch()
    replica = Replica(root)
    replica.import_ops(base, trusted=True)
    return replica


def _fingerprint(replica: Replica) -> tuple[bytes, tuple[str, ...]]:
    return export_json(replica.state), tuple(sorted(r.op for r in replica.state.refused))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(scenarios())
def test_hostile_ops_never_stop_a_store_and_replicas_agree(
    scenario: tuple[list[Op], list[Batch], list[list[int]], int],
) -> None:
    base, batches, orders, seed = scenario
    rnd = random.Random(seed)
    # Every write is fsynced: a memory-backed folder where there is one keeps this quick.
    shm = Path("/dev/shm")
    with tempfile.TemporaryDirectory(dir=shm if shm.is_dir() else None) as tmp:
        replicas = [_store(Path(tmp) / f"r{i}", base) for i in range(len(orders))]
        written: list[Op] = []
        for replica, order in zip(replicas, orders, strict=True):
            for step, index in enumerate(order):
                batch = batches[index]
                ops = batch.ops + rnd.sample(batch.ops, k=rnd.randint(0, len(batch.ops)))
                rnd.shuffle(ops)
                replica.import_ops(ops, trusted=batch.trusted)
                # The store keeps writing: a normal op is appended with a valid clock...
                mine = replica.write(k.ProgressSet(lesson=f"w{step}", status="doing"), author="m_a")
                assert 0 <= mine.clock[1] <= MAX_COUNTER
                assert mine.clock[0] <= wall_now() + 11 * MINUTE  # never dragged far
                written.append(mine)
                # ...and it reopens, from its snapshot and from the log alone, as it was.
                assert _fingerprint(Replica(replica.root)) == _fingerprint(replica)
                (replica.root / "snapshot.msgpack").unlink(missing_ok=True)
                assert _fingerprint(Replica(replica.root)) == _fingerprint(replica)
        # Every replica now takes the others' normal writes (valid ops, as any import).
        for replica in replicas:
            got = replica.import_ops(written)
            assert not got.refused and not got.conflicts
        prints = {_fingerprint(replica) for replica in replicas}
        assert len(prints) == 1
