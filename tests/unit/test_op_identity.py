"""An op id names one content for ever: a second content under a known id is a conflict,
never a duplicate, and every replica folds the same state whatever order copies came in."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.export import export_json
from cohort_tui.domain.ops import Op, decode_op, encode_op
from cohort_tui.domain.reduce import fold_ops
from cohort_tui.store.workspace import Replica, StoreConfig, write_config
from tests.factories import OpMaker, small_cohort
from tests.unit.conftest import CliRunner


def _copies() -> tuple[list[Op], Op, Op, Op]:
    """A cohort, a post by alice, and two other contents under the post's op id."""
    m, ops = small_cohort(OpMaker())
    ops.append(m.op("m_a", k.ThreadCreate(thread="t1", post="p1", title="Q", body="mine")))
    original = ops[-1]
    later = m.op("m_a", k.PostCreate(post="p1", thread="t1", body="x"))
    other_body = Op(
        original.id,
        original.kind,
        original.author,
        original.clock,
        k.ThreadCreate(thread="t1", post="p1", title="Q", body="forged"),
    )
    # Another member claims the id, with a clock after the original's.
    other_author = Op(
        original.id,
        "post.create",
        "m_b",
        later.clock,
        k.PostCreate(post="p9", thread="t1", body="bob's"),
    )
    return ops, original, other_body, other_author


def test_the_fold_of_conflicting_copies_does_not_depend_on_their_order() -> None:
    ops, original, other_body, other_author = _copies()
    states = set()
    for perm in itertools.permutations([original, other_body, other_author, original]):
        state = fold_ops([*ops[:-1], *perm])
        states.add(export_json(state))
        refused = [r for r in state.refused if r.op == original.id]
        assert len(refused) == 2 and all("id" in r.reason for r in refused)
    assert len(states) == 1


def test_the_first_copy_in_the_order_counts() -> None:
    ops, original, other_body, other_author = _copies()
    state = fold_ops([*ops, other_author])
    assert state.posts["p1"].body == "mine" and "p9" not in state.posts
    # Same clock: the tie is broken by the canonical bytes, the same on every replica.
    first = min(original, other_body, key=encode_op)
    state = fold_ops([*ops[:-1], other_body, original])
    assert state.posts["p1"].body == first.data.body


def _replica(root: Path, ops: list[Op]) -> Replica:
    root.mkdir()
    write_config(root, StoreConfig(cohort="c1", node=f"n_{root.name}", default_member="m_a"))
    (root / "ops.jsonl").touch()
    replica = Replica(root)
    replica.import_ops(ops, trusted=True)
    return replica


def test_import_reports_a_conflict_keeps_both_copies_and_replicas_agree(tmp_path: Path) -> None:
    ops, original, other_body, other_author = _copies()
    a = _replica(tmp_path / "a", [*ops[:-1], original])
    b = _replica(tmp_path / "b", [*ops[:-1], other_body])
    got_a = a.import_ops([other_body, other_author, original])
    assert got_a.duplicates == 1  # the original itself
    assert set(got_a.conflicts) == {original.id} and got_a.added == 0
    got_b = b.import_ops([original, other_author])
    assert set(got_b.conflicts) == {original.id}
    for r in (a, b):
        r.refresh()
    assert export_json(a.state) == export_json(b.state)
    # Both reopen (snapshot and full replay) to the same state and keep writing.
    for root in (a.root, b.root):
        (root / "snapshot.msgpack").unlink(missing_ok=True)
        again = Replica(root)
        assert export_json(again.state) == export_json(a.state)
        again.write(k.ProgressSet(lesson="l1", status="done"), author="m_a")
    # A copy already held (even a conflicting one) is a duplicate the next time.
    assert a.import_ops([other_author]).duplicates == 1


def test_cli_import_never_calls_a_conflict_a_duplicate(
    cli: CliRunner, demo: Path, tmp_path: Path
) -> None:
    first = json.loads((demo / "ops.jsonl").read_bytes().splitlines()[5])
    forged = {**first, "author": "m_zoe", "data": {**first["data"]}}
    forged["data"]["display_name"] = "Mallory"
    path = tmp_path / "forged.jsonl"
    path.write_text(json.dumps(forged) + "\n" + json.dumps(first) + "\n")
    before = Replica(demo).state.members[first["data"]["member"]].display_name
    code, out, err = cli("ops", "import", str(path), "--store", str(demo))
    assert code == 0, err
    assert "1 already present" in out and "1 conflict" in out
    assert first["id"] in err and "conflict" in err
    # Same clock: the copy first by canonical bytes counts, on every replica; the other
    # is refused visibly, and the store keeps working.
    winner = min((decode_op(json.dumps(o)) for o in (first, forged)), key=lambda op: encode_op(op))
    code, _, err = cli("progress", "--status", "done", "setup-terminal", "--store", str(demo))
    assert code == 0, err
    state = Replica(demo).state
    name = state.members[first["data"]["member"]].display_name
    assert name == (before if winner.author == first["author"] else "Mallory")
    assert any(r.op == first["id"] for r in state.refused)


def test_id_index_recovers_when_the_log_was_cut_back_and_grew_again(tmp_path: Path) -> None:
    """A rolled-back append followed by a longer one leaves stale offsets; copies re-index."""
    from cohort_tui.store.identity import IdIndex

    log = tmp_path / "ops.jsonl"
    first = b'{"id":"a1","kind":"x.y","author":"m","clock":[1,0,"n"],"data":{}}\n'
    log.write_bytes(first + b'{"id":"b2","kind":"x.y","author":"m","clock":[2,0,"n"],"data":{}}\n')
    index = IdIndex(log)
    assert set(index.copies({"b2"})) == {"b2"}
    # Cut back to the first line, then a longer line with another id lands there.
    log.write_bytes(
        first + b'{"id":"c3","kind":"x.y","author":"m","clock":[3,0,"n"],"data":{"k":"vvvvvvvv"}}\n'
    )
    found = index.copies({"b2", "c3"})
    assert set(found) == {"c3"}
    assert all(op.id == "c3" for op in found["c3"])
