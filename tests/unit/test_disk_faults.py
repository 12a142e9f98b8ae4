"""Disk and file faults, injected: every write path gives one clear line and leaves the
store (and every other file it writes) exactly as it was.

The faults are the four a disk really gives: ``ENOSPC`` after a short write, ``EIO`` from
``fsync`` (after every byte was written), ``EROFS`` and ``EACCES`` when a file is opened
for writing. ``tests/unit/test_disk_tmpfs.py`` repeats the main cases on a real full and
a real read-only file system.
"""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cohort_tui.config import UserConfig, save_config
from cohort_tui.domain import op_kinds as k
from cohort_tui.store.drafts import Drafts, SavedDraft
from cohort_tui.store.errors import StoreError, StoreWriteError
from cohort_tui.store.personal import LocalFacts
from cohort_tui.store.workspace import Replica, StoreConfig, write_config
from cohort_tui.sync.credentials import Credential, add_credential, load_credentials
from cohort_tui.sync.outbox import SyncState
from tests.faults import DiskFaults, named, under
from tests.unit.conftest import CliRunner

Inject = Callable[[DiskFaults, Path], None]


def _enospc(faults: DiskFaults, where: Path) -> None:
    faults.writes_fail(errno.ENOSPC, after=8, where=under(where))  # a short write first


def _eio_write(faults: DiskFaults, where: Path) -> None:
    faults.writes_fail(errno.EIO, after=8, where=under(where))


def _eio_fsync(faults: DiskFaults, where: Path) -> None:
    faults.fail("fsync", errno.EIO, under(where))  # every byte written, then the error


def _erofs(faults: DiskFaults, where: Path) -> None:
    faults.fail("open", errno.EROFS, under(where))
    faults.fail("mkdir", errno.EROFS, under(where))


def _eacces(faults: DiskFaults, where: Path) -> None:
    faults.fail("open", errno.EACCES, under(where))
    faults.fail("mkdir", errno.EACCES, under(where))


FAULTS: dict[str, tuple[Inject, str]] = {
    "ENOSPC": (_enospc, "the disk is full"),
    "EIO-write": (_eio_write, "input/output error"),
    "EIO-fsync": (_eio_fsync, "input/output error"),
    "EROFS": (_erofs, "read-only"),
    "EACCES": (_eacces, "permission denied"),
}
KINDS = sorted(FAULTS)
UNSYNCED_KINDS = [kind for kind in KINDS if kind != "EIO-fsync"]
"""For files written without fsync (drafts, local facts: a convenience)."""


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes (the lock files are empty anyway)."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def one_line(err: str) -> str:
    """The single ``cohort: ...`` line a failed command must print."""
    lines = err.rstrip("\n").split("\n")
    assert len(lines) == 1, err
    assert lines[0].startswith("cohort: ") and "Traceback" not in err, err
    return lines[0]


def unread_thread(demo: Path) -> str:
    state = Replica(demo).state
    me = Replica(demo).config.default_member
    for thread in sorted(state.threads.values(), key=lambda t: t.id):
        last = state.posts[thread.posts[-1]].clock
        marker = state.reads.get(me, {}).get(thread.id)
        if marker is None or tuple(last) > tuple(marker):
            return thread.id
    raise AssertionError("the demo has no unread thread")


def fresh_ops(demo: Path, count: int) -> bytes:
    """``count`` valid ops the demo does not hold (copies of its posts, new ids)."""
    lines = (demo / "ops.jsonl").read_bytes().splitlines()
    posts = [json.loads(line) for line in lines if b'"post.create"' in line]
    out = []
    for i in range(count):
        op = posts[i % len(posts)]
        op["id"] = f"imported-{i}"
        op["data"]["post"] = f"p_imported_{i}"
        op["data"]["body"] = f"imported body {i} " + "x" * 200
        out.append(json.dumps(op).encode())
    return b"\n".join(out) + b"\n"


def _check_command(
    cli: CliRunner, disk_faults: DiskFaults, demo: Path, kind: str, argv: list[str]
) -> tuple[str, str]:
    inject, cause = FAULTS[kind]
    before = tree(demo)
    inject(disk_faults, demo)
    code, out, err = cli(*argv, "--store", str(demo))
    disk_faults.clear()
    assert code == 1
    line = one_line(err)
    assert cause in line, line
    assert tree(demo) == before  # nothing half written, no temp file left behind
    return out, line


@pytest.mark.parametrize("kind", KINDS)
def test_post_on_a_failing_disk_is_one_line_and_changes_nothing(
    cli: CliRunner, disk_faults: DiskFaults, demo: Path, kind: str
) -> None:
    thread = unread_thread(demo)
    _, line = _check_command(cli, disk_faults, demo, kind, ["post", thread, "--body", "x" * 3000])
    assert "ops.jsonl" in line and "nothing was added" in line
    assert cli("post", thread, "--body", "after", "--store", str(demo))[0] == 0


@pytest.mark.parametrize("kind", KINDS)
def test_read_prints_the_thread_and_says_the_marker_was_not_saved(
    cli: CliRunner, disk_faults: DiskFaults, demo: Path, kind: str
) -> None:
    thread = unread_thread(demo)
    title = Replica(demo).state.threads[thread].title
    out, line = _check_command(cli, disk_faults, demo, kind, ["read", thread])
    assert out.startswith(title)
    assert "ops.jsonl" in line


@pytest.mark.parametrize("kind", KINDS)
def test_ops_import_is_all_or_nothing(
    cli: CliRunner, disk_faults: DiskFaults, demo: Path, tmp_path: Path, kind: str
) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_bytes(fresh_ops(demo, 40))  # ~14 KB
    if kind == "ENOSPC":  # whole ops land before the disk fills: they must be taken back
        disk_faults.writes_fail(errno.ENOSPC, after=5_000, where=named("ops.jsonl"))
    _, line = _check_command(cli, disk_faults, demo, kind, ["ops", "import", str(batch)])
    assert "nothing was added to the log" in line
    code, out, _ = cli("ops", "import", str(batch), "--store", str(demo))
    assert code == 0 and out.startswith("imported 40 op(s), 0 already present")


@pytest.mark.parametrize("kind", KINDS)
def test_thread_new_on_a_failing_disk(
    cli: CliRunner, disk_faults: DiskFaults, demo: Path, kind: str
) -> None:
    _check_command(cli, disk_faults, demo, kind, ["thread", "new", "--title", "T", "--body", "b"])


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("earlier", [True, False], ids=["earlier-repair", "first-repair"])
def test_repair_on_a_failing_disk_keeps_the_damaged_store_as_it_was(
    cli: CliRunner, disk_faults: DiskFaults, demo: Path, kind: str, earlier: bool
) -> None:
    log = demo / "ops.jsonl"
    lines = log.read_bytes().splitlines(keepends=True)
    log.write_bytes(b"".join([*lines[:5], b"garbage\n", *lines[5:], b'{"id":"torn']))
    if earlier:
        (demo / "ops.rejected.jsonl").write_bytes(b"from an earlier repair\n")
    _check_command(cli, disk_faults, demo, kind, ["repair"])
    code, out, _ = cli("repair", "--store", str(demo))
    assert code == 0 and "set 2 damaged line(s) aside" in out
    assert cli("status", "--store", str(demo))[0] == 0


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("command", ["init", "demo"])
def test_a_new_store_on_a_failing_disk_leaves_nothing_behind(
    cli: CliRunner, disk_faults: DiskFaults, tmp_path: Path, kind: str, command: str
) -> None:
    inject, cause = FAULTS[kind]
    target = tmp_path / "new"
    inject(disk_faults, target)
    argv = [command, str(target)]
    if command == "init":
        argv += ["--name", "Pod", "--handle", "fay"]
    code, _, err = cli(*argv)
    disk_faults.clear()
    assert code == 1 and cause in one_line(err)
    assert not target.exists()  # a retry is not refused as "not empty"
    assert cli(*argv)[0] == 0


def test_a_failed_append_is_cut_back_even_on_ctrl_c(
    demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    replica = Replica(demo)
    before = (demo / "ops.jsonl").read_bytes()
    real_fsync = os.fsync

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    thread = unread_thread(demo)
    with pytest.raises(KeyboardInterrupt):
        replica.write(k.PostCreate(post="p_ctrl_c", thread=thread, body="b"), author="m_sam")
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert (demo / "ops.jsonl").read_bytes() == before


@pytest.mark.parametrize("kind", KINDS)
def test_moving_a_torn_tail_aside_on_a_failing_disk_changes_neither_file(
    disk_faults: DiskFaults, demo: Path, kind: str
) -> None:
    replica = Replica(demo)
    with (demo / "ops.jsonl").open("ab") as f:
        f.write(b'{"id":"torn","kind":"post.cre')
    before = tree(demo)
    inject, cause = FAULTS[kind]
    inject(disk_faults, demo)
    thread = unread_thread(demo)
    with pytest.raises(StoreWriteError, match=cause):
        replica.write(k.PostCreate(post="p_x", thread=thread, body="b"), author="m_sam")
    disk_faults.clear()
    assert tree(demo) == before
    replica.write(k.PostCreate(post="p_x", thread=thread, body="b"), author="m_sam")
    assert (demo / "ops.torn").read_bytes() == b'{"id":"torn","kind":"post.cre\n'


def _check_file_write(
    disk_faults: DiskFaults, folder: Path, kind: str, write: Callable[[], object]
) -> StoreWriteError:
    """``write`` fails with a StoreWriteError (an OSError too) and leaves ``folder``
    as it was: the old file kept, no temp file."""
    folder.mkdir(parents=True, exist_ok=True)
    before = tree(folder)
    inject, cause = FAULTS[kind]
    inject(disk_faults, folder)
    with pytest.raises(StoreWriteError) as caught:
        write()
    disk_faults.clear()
    assert isinstance(caught.value, OSError) and isinstance(caught.value, StoreError)
    message = str(caught.value)
    assert cause in message and "\n" not in message and message.startswith("cannot write ")
    assert tree(folder) == before
    return caught.value


@pytest.mark.parametrize("kind", UNSYNCED_KINDS)
def test_a_draft_that_cannot_be_saved_keeps_the_one_before(
    disk_faults: DiskFaults, demo: Path, kind: str
) -> None:
    drafts = Drafts(demo, "m_sam")
    drafts.save("reply.t1", SavedDraft(body="kept"))
    _check_file_write(
        disk_faults, demo, kind, lambda: drafts.save("reply.t1", SavedDraft(body="new"))
    )
    loaded = drafts.load("reply.t1")
    assert loaded is not None and loaded.body == "kept"
    first = Drafts(demo, "m_new")  # its folder cannot even be made
    _check_file_write(disk_faults, demo, kind, lambda: first.save("k", SavedDraft(body="b")))


@pytest.mark.parametrize("kind", UNSYNCED_KINDS)
def test_local_facts(disk_faults: DiskFaults, demo: Path, kind: str) -> None:
    facts = LocalFacts(demo, "m_sam")
    facts.set("norms_read_at", 1)
    _check_file_write(disk_faults, demo, kind, lambda: facts.set("norms_read_at", 2))
    assert facts.get("norms_read_at") == 1


@pytest.mark.parametrize("kind", KINDS)
def test_the_sync_cursor_file(disk_faults: DiskFaults, demo: Path, kind: str) -> None:
    SyncState(cursor=5).save(demo)
    error = _check_file_write(disk_faults, demo, kind, lambda: SyncState(cursor=9).save(demo))
    assert "sync.json" in str(error)
    assert SyncState.load(demo).cursor == 5


@pytest.mark.parametrize("kind", KINDS)
def test_store_toml(disk_faults: DiskFaults, demo: Path, kind: str) -> None:
    error = _check_file_write(
        disk_faults, demo, kind, lambda: write_config(demo, StoreConfig("c", "n"))
    )
    assert "store.toml" in str(error)
    assert Replica(demo).config.default_member == "m_sam"


@pytest.mark.parametrize("kind", KINDS)
def test_credentials_keep_the_old_token_and_leave_no_temp_copy(
    disk_faults: DiskFaults, tmp_path: Path, kind: str
) -> None:
    store = tmp_path / "store"
    store.mkdir()
    old = Credential("m_a", "a", "tok-old", "http://x", "c")
    add_credential(store, old)
    _check_file_write(
        disk_faults,
        store,
        kind,
        lambda: add_credential(store, Credential("m_b", "b", "tok-new", "http://x", "c")),
    )
    assert load_credentials(store) == {"m_a": old}
    assert oct((store / "credentials.toml").stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize("kind", KINDS)
def test_user_config(disk_faults: DiskFaults, tmp_path: Path, kind: str) -> None:
    path = tmp_path / "conf" / "config.toml"
    save_config(UserConfig(theme="old"), path)
    _check_file_write(
        disk_faults, path.parent, kind, lambda: save_config(UserConfig(theme="new"), path)
    )
    assert 'theme = "old"' in path.read_text()


@pytest.mark.parametrize("kind", KINDS)
def test_a_snapshot_that_cannot_be_written_is_skipped_and_never_half_written(
    disk_faults: DiskFaults, demo: Path, kind: str
) -> None:
    (demo / "snapshot.msgpack").unlink()
    before = tree(demo)
    FAULTS[kind][0](disk_faults, demo)
    replica = Replica(demo)  # a replay wants a snapshot; a cache is best effort
    disk_faults.clear()
    assert tree(demo) == before
    assert replica.state.cohort is not None and replica.state.cohort.id == "c_demo"


def test_an_unreadable_log_is_one_line(
    cli: CliRunner, demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pathlib import Path as P

    real = P.open

    def failing(self: P, *args: Any, **kwargs: Any) -> Any:
        if self.name == "ops.jsonl":
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(P, "open", failing)
    code, _, err = cli("status", "--store", str(demo))
    assert code == 1
    line = one_line(err)
    assert "cannot read" in line and "ops.jsonl" in line and "input/output error" in line


def test_an_unforeseen_os_error_is_still_one_line(
    cli: CliRunner, demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cohort_tui.commands.status as status

    def broken(_: object) -> int:
        raise PermissionError(errno.EACCES, "Permission denied", "/somewhere/file")

    monkeypatch.setattr(status, "run_status", broken)
    code, _, err = cli("status", "--store", str(demo))
    assert code == 1
    assert one_line(err) == (
        "cohort: /somewhere/file: permission denied (check who owns the folder and its permissions)"
    )


def test_a_reader_that_saw_an_append_which_was_taken_back_forgets_it(
    demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader, writer = Replica(demo), Replica(demo)
    thread = unread_thread(demo)
    real_fsync = os.fsync
    seen_by_reader: list[str] = []

    def fsync_fails_after_the_reader_looked(fd: int) -> None:
        if not seen_by_reader:  # the first fsync: the ops are written, not yet durable
            seen_by_reader.extend(op.id for op in reader.refresh())  # readers take no lock
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, "fsync", fsync_fails_after_the_reader_looked)
    phantom: list[k.Data] = [
        k.PostCreate(post=f"p_phantom{i}", thread=thread, body="b") for i in range(3)
    ]
    with pytest.raises(StoreWriteError, match="input/output error"):
        writer.write_many(phantom, author="m_sam")
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert len(seen_by_reader) == 3 and set(seen_by_reader) <= set(reader.state.seen)
    # The log grows again past where the reader stopped, with other lines.
    writer.write(k.PostCreate(post="p_real", thread=thread, body="x" * 2000), author="m_sam")
    new = reader.refresh()
    assert [op.data.post for op in new] == ["p_real"]
    assert not set(seen_by_reader) & set(reader.state.seen)
    assert set(reader.state.seen) == set(Replica(demo).state.seen)


def test_a_reader_open_during_a_repair_follows_the_repaired_log(cli: CliRunner, demo: Path) -> None:
    reader = Replica(demo)
    log = demo / "ops.jsonl"
    lines = log.read_bytes().splitlines(keepends=True)
    rotten = b"#" * (len(lines[10]) - 1) + b"\n"  # a line rots in place, under the reader
    log.write_bytes(b"".join([*lines[:10], rotten, *lines[11:]]))
    assert cli("repair", "--store", str(demo))[0] == 0
    thread = unread_thread(demo)
    Replica(demo).write(
        k.PostCreate(post="p_after", thread=thread, body="b" * 3000), author="m_sam"
    )
    assert [op.data.post for op in reader.refresh()] == ["p_after"]
    assert set(reader.state.seen) == set(Replica(demo).state.seen)
