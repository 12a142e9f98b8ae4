"""The directory store: locking, torn writes, snapshots, damaged and foreign files."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import msgspec
import pytest

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.export import export_json
from cohort_tui.store.errors import StoreError
from cohort_tui.store.snapshot import SNAPSHOT_FORMAT
from cohort_tui.store.workspace import Replica, create_store


def _new_store(root: Path) -> Replica:
    replica = create_store(
        root,
        k.CohortCreate(cohort="c1", name="Pod", handle="fac", display_name="Fac"),
        author="m_fac",
        cohort_id="c1",
    )
    replica.write_many(
        [
            k.ModuleUpsert(module="m", title="M"),
            k.LessonUpsert(lesson="l1", module="m", title="L1"),
            k.ThreadCreate(thread="t1", post="p0", title="Chat", body="hi"),
        ],
        author="m_fac",
    )
    return replica


def _post_many(root: str, worker: int, count: int) -> None:
    replica = Replica(Path(root))
    for i in range(count):
        replica.write(
            k.PostCreate(post=f"w{worker}p{i}", thread="t1", body=f"{worker}/{i}"), author="m_fac"
        )


def test_several_processes_appending_at_once_lose_nothing(store_dir: Path) -> None:
    _new_store(store_dir)
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_post_many, args=(str(store_dir), w, 40)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    replica = Replica(store_dir)
    assert len(replica.state.threads["t1"].posts) == 1 + 4 * 40
    lines = (store_dir / "ops.jsonl").read_bytes().splitlines()
    assert all(json.loads(line) for line in lines)
    assert not replica.state.refused


def test_a_reader_sees_another_process_appends(store_dir: Path) -> None:
    first = _new_store(store_dir)
    second = Replica(store_dir)
    second.write(k.PostCreate(post="px", thread="t1", body="from pane two"), author="m_fac")
    new = first.refresh()
    assert [op.data.post for op in new] == ["px"]
    assert "px" in first.state.posts


_KILL_WRITER = """
import sys, os
from pathlib import Path
from cohort_tui.domain import op_kinds as k
from cohort_tui.store.workspace import Replica
r = Replica(Path(sys.argv[1]))
i = 0
while True:
    r.write(k.PostCreate(post=f"k{i}", thread="t1", body="x" * 5000), author="m_fac")
    print(i, flush=True)
    i += 1
"""


def test_a_writer_killed_mid_append_leaves_every_completed_append(store_dir: Path) -> None:
    _new_store(store_dir)
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILL_WRITER, str(store_dir)], stdout=subprocess.PIPE, text=True
    )
    acknowledged = -1
    assert proc.stdout is not None
    deadline = time.time() + 30
    while acknowledged < 30 and time.time() < deadline:
        acknowledged = int(proc.stdout.readline())
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # Simulate the worst case too: a torn half line at the end.
    with (store_dir / "ops.jsonl").open("ab") as f:
        f.write(b'{"id":"torn","kind":"post.cre')
    replica = Replica(store_dir)
    for i in range(acknowledged + 1):
        assert f"k{i}" in replica.state.posts
    replica.write(k.PostCreate(post="after", thread="t1", body="ok"), author="m_fac")
    assert (store_dir / "ops.torn").read_bytes().startswith(b'{"id":"torn"')
    again = Replica(store_dir)
    assert "after" in again.state.posts
    assert (store_dir / "ops.jsonl").read_bytes().endswith(b"\n")


@pytest.mark.parametrize(
    "content",
    [
        b"\x85\xa6format\x02\xa6offset",
        b"",  # decoded from a memory map, and an empty file cannot be mapped
    ],
    ids=["corrupt", "empty"],
)
def test_an_unreadable_snapshot_is_rebuilt(store_dir: Path, content: bytes) -> None:
    replica = _new_store(store_dir)
    expected = export_json(replica.state)
    replica.save_snapshot()
    (store_dir / "snapshot.msgpack").write_bytes(content)
    assert export_json(Replica(store_dir).state) == expected
    msgspec.msgpack.decode((store_dir / "snapshot.msgpack").read_bytes())  # rewritten whole


def test_the_op_ids_survive_a_snapshot_and_dedupe_after_it(store_dir: Path) -> None:
    replica = _new_store(store_dir)
    ids = set(replica.state.seen)
    replica.save_snapshot()
    reopened = Replica(store_dir)
    assert set(reopened.state.seen) == ids and len(reopened.state.seen) == len(ids)
    assert reopened.state.reads == replica.state.reads  # each member's, unpacked on demand
    assert reopened.state.reads.get("m_fac") == replica.state.reads.get("m_fac")
    assert reopened.state.reads.get("m_nobody") is None
    op = next(iter(ids))
    assert op in reopened.state.seen
    nothing = reopened.import_ops([])
    assert (nothing.added, nothing.duplicates) == (0, 0)
    again = [o for o in reopened.log.read_from(type(reopened.position)())[0] if o.id == op]
    second = reopened.import_ops(again)
    assert (second.added, second.duplicates) == (0, 1)  # a second copy is a no-op
    reopened.write(k.PostCreate(post="p1", thread="t1", body="new"), author="m_fac")
    assert len(reopened.state.seen) == len(ids) + 1


def test_a_snapshot_of_an_older_format_is_rebuilt(store_dir: Path) -> None:
    replica = _new_store(store_dir)
    expected = export_json(replica.state)
    replica.save_snapshot()
    path = store_dir / "snapshot.msgpack"
    old = msgspec.msgpack.decode(path.read_bytes())
    old["format"], old["state"]["seen"] = 2, sorted(replica.state.seen)  # ids as a list
    path.write_bytes(msgspec.msgpack.encode(old))
    reopened = Replica(store_dir)
    assert export_json(reopened.state) == expected and set(reopened.state.seen)
    assert msgspec.msgpack.decode(path.read_bytes())["format"] == SNAPSHOT_FORMAT  # rewritten


def test_snapshot_from_another_log_is_not_trusted(store_dir: Path, tmp_path: Path) -> None:
    replica = _new_store(store_dir)
    replica.save_snapshot()
    other = _new_store(tmp_path / "other")
    other.write(k.PostCreate(post="only-in-other", thread="t1", body="x"), author="m_fac")
    other.save_snapshot()
    snapshot = (tmp_path / "other" / "snapshot.msgpack").read_bytes()
    (store_dir / "snapshot.msgpack").write_bytes(snapshot)
    assert "only-in-other" not in Replica(store_dir).state.posts


def test_damaged_middle_line_names_file_and_line_and_changes_nothing(store_dir: Path) -> None:
    _new_store(store_dir)
    log = store_dir / "ops.jsonl"
    lines = log.read_bytes().splitlines(keepends=True)
    lines.insert(2, b"this is not json\n")
    log.write_bytes(b"".join(lines))
    before = log.read_bytes()
    with pytest.raises(StoreError, match=r"ops\.jsonl, line 3: damaged op.*cohort repair"):
        Replica(store_dir)
    assert log.read_bytes() == before


@pytest.mark.parametrize("content", [b"", b"\x89PNG\r\n\x1a\n\x00\x00", b"[[[not toml"])
def test_zero_byte_or_foreign_store_file_is_refused(store_dir: Path, content: bytes) -> None:
    store_dir.mkdir()
    (store_dir / "store.toml").write_bytes(content)
    with pytest.raises(StoreError) as err:
        Replica(store_dir)
    assert "store" in str(err.value)


def test_foreign_log_file_is_refused_clearly(store_dir: Path) -> None:
    _new_store(store_dir)
    (store_dir / "ops.jsonl").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary\n")
    (store_dir / "snapshot.msgpack").unlink()
    with pytest.raises(StoreError, match="line 1"):
        Replica(store_dir)


def test_missing_directory_and_plain_file_are_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        Replica(tmp_path / "nope")
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="is a file"):
        Replica(tmp_path / "file")


def test_import_is_idempotent(store_dir: Path, tmp_path: Path) -> None:
    replica = _new_store(store_dir)
    from cohort_tui.domain.ops import decode_op

    ops = [decode_op(line) for line in (store_dir / "ops.jsonl").read_bytes().splitlines()]
    imported = replica.import_ops(ops)
    assert (imported.added, imported.duplicates) == (0, len(ops))


def test_out_of_order_ops_from_sync_refold_to_the_same_state(store_dir: Path) -> None:
    replica = _new_store(store_dir)
    from cohort_tui.domain.ops import Op

    late = Op(
        "late1",
        "post.create",
        "m_fac",
        (1, 0, "n_old"),
        k.PostCreate(post="old", thread="t1", body="written offline long ago"),
    )
    replica.import_ops([late])
    # Refused: the thread did not exist at that clock; the same on every replica.
    assert "old" not in replica.state.posts
    assert replica.state.refused[-1].op == "late1"
    assert export_json(Replica(store_dir).state) == export_json(replica.state)


def test_a_refold_lets_the_log_go_in_slices_and_folds_the_same(store_dir: Path) -> None:
    """``fold_log`` frees the folded ops a slice at a time (a refold runs beside the event
    loop); what it folds is the state the store holds."""
    from cohort_tui.store.workspace import let_go

    replica = _new_store(store_dir)
    replica.write_many(
        [k.PostCreate(post=f"p_slice{i}", thread="t1", body="x") for i in range(5000)],
        author="m_fac",
    )
    state, _ = replica.fold_log()
    assert export_json(state) == export_json(Replica(store_dir).state)
    items = list(range(5000))
    let_go(items)
    assert items == []
