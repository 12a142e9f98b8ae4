"""The replica's window of recent ops, and the log watch the live sync follows."""

from __future__ import annotations

from pathlib import Path

from cohort_tui.domain import op_kinds as k
from cohort_tui.store.log import OpLog
from cohort_tui.store.recent import RecentOps
from cohort_tui.store.workspace import Replica
from cohort_tui.sync.log_watch import LogWatch
from tests.factories import OpMaker
from tests.ui.helpers import demo_replica


def test_recent_ops_give_what_was_folded_since_a_mark_or_none() -> None:
    m = OpMaker()
    ops = [m.op("m_a", k.ThreadRead(thread="t", upto=(1, 0, "n"))) for _ in range(10)]
    recent = RecentOps(window=4)
    assert recent.since(None) is None
    start = recent.mark()
    recent.add(ops[0])
    assert recent.since(start) == ops[:1]
    middle = recent.mark()
    for op in ops[1:4]:
        recent.add(op)
    assert recent.since(middle) == ops[1:4]
    assert recent.since(recent.mark()) == []
    for op in ops[4:]:
        recent.add(op)
    assert recent.since(middle) is None  # further back than the window
    now = recent.mark()
    recent.restart()  # a refold: another state
    assert recent.since(now) is None


def test_a_replica_records_ops_folded_in_place_and_restarts_on_a_refold(tmp_path: Path) -> None:
    app_side = demo_replica(tmp_path / "s")
    mark = app_side.recent.mark()
    other = Replica(tmp_path / "s")
    thread = next(iter(other.state.threads))
    written = other.write(k.PostCreate(post="p_new", thread=thread, body="hi"), author="m_lin")
    app_side.refresh()
    assert app_side.recent.since(mark) == [written]


def test_the_log_watch_sees_this_stores_ops_from_any_process_and_not_others(
    tmp_path: Path,
) -> None:
    replica = demo_replica(tmp_path / "s")
    watch = LogWatch(OpLog(replica.root), replica.config.node)
    assert not watch.local_writes()
    Replica(replica.root).write(k.ThreadRead(thread="t", upto=(1, 0, "n")), author="m_sam")
    assert watch.local_writes()
    assert not watch.local_writes()  # each line is looked at once
    m = OpMaker(node="n_remote")
    remote = m.op("m_lin", k.ThreadRead(thread="t", upto=(1, 0, "n")))
    replica.import_ops([remote], trusted=True)
    assert not watch.local_writes()  # pulled from elsewhere: nothing to push
    with (replica.root / "ops.jsonl").open("ab") as f:
        f.write(b'{"id":"torn"')  # a line being written: looked at once it ends
    assert not watch.local_writes()


def test_read_marks_allow_one_marker_per_thread_per_interval() -> None:
    from cohort_tui.ui.read_marks import ReadMarks

    marks = ReadMarks(every=10.0)
    assert marks.may_write("t1", 100.0)
    marks.wrote("t1", 100.0)
    assert not marks.may_write("t1", 105.0)
    assert marks.wait_left("t1", 105.0) == 5.0
    assert marks.may_write("t2", 105.0)  # per thread
    assert marks.may_write("t1", 110.0)
    marks.wrote("t2", 120.0)  # old entries are dropped as new ones come
    assert marks.may_write("t1", 120.0) and marks.wait_left("t1", 120.0) == 0.0
