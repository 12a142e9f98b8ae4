"""Real disk faults: a store on a small tmpfs filled to the last byte, and on a tmpfs
remounted read-only (chmod does not stop root). Each command that writes says so in one
line and changes nothing; the ones that only read keep working.

Skipped, with the reason, where this process may not mount; the injected faults in
``test_disk_faults.py`` cover the same paths everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cohort_tui.demo.seed import write_demo_store
from cohort_tui.store.drafts import Drafts, SavedDraft
from cohort_tui.store.errors import StoreWriteError
from cohort_tui.sync.outbox import SyncState
from tests.faults import fill, remount, tmpfs, unfill
from tests.unit.conftest import DEMO_NOW, CliRunner
from tests.unit.test_disk_faults import fresh_ops, one_line, tree, unread_thread

PAGE = 4096


@pytest.fixture
def small_fs(tmp_path: Path) -> Iterator[Path]:
    with tmpfs(tmp_path / "fs", "2m") as folder:
        yield folder


@pytest.fixture
def store(small_fs: Path) -> Path:
    """A demo store on the small tmpfs whose log ends on a page boundary.

    tmpfs counts whole pages: an append that fits in the log's last, partly used page
    needs no new space and succeeds on a full disk. Padding the log with blank lines
    (which readers skip) to the boundary makes every append need a page.
    """
    root = small_fs / "store"
    write_demo_store(root, now=DEMO_NOW)
    log = root / "ops.jsonl"
    gap = -log.stat().st_size % PAGE
    if gap:
        with log.open("ab") as f:
            f.write(b" " * (gap - 1) + b"\n")
    return root


def _damage(store: Path) -> None:
    log = store / "ops.jsonl"
    lines = log.read_bytes().splitlines(keepends=True)
    padded = b"".join([*lines[:5], b"garbage\n", *lines[5:]])
    log.write_bytes(padded + b" " * (-len(padded) % PAGE - 1) + b"\n")


def _commands(store: Path, tmp_path: Path) -> dict[str, list[str]]:
    batch = tmp_path / "batch.jsonl"
    batch.write_bytes(fresh_ops(store, 40))
    thread = unread_thread(store)
    return {
        "post": ["post", thread, "--body", "x" * 5000],
        "read": ["read", thread],
        "ops import": ["ops", "import", str(batch)],
        "thread new": ["thread", "new", "--title", "T", "--body", "b"],
        "progress": ["progress", "core-values", "--status", "done"],
    }


def test_a_full_disk(cli: CliRunner, store: Path, small_fs: Path, tmp_path: Path) -> None:
    commands = _commands(store, tmp_path)
    fill(small_fs)
    before = tree(store)
    for name, argv in commands.items():
        code, _, err = cli(*argv, "--store", str(store))
        assert code == 1, name
        assert "the disk is full" in one_line(err), (name, err)
        assert tree(store) == before, name
    writes: dict[str, Callable[[], None]] = {
        "draft": lambda: Drafts(store, "m_sam").save("k", SavedDraft(body="b" * 9000)),
        "sync.json": lambda: SyncState(cursor=1, acked=["x" * 9000]).save(store),
    }
    for name, write in writes.items():
        with pytest.raises(StoreWriteError, match="the disk is full"):
            write()
        assert tree(store) == before, name
    for argv in (["init", str(small_fs / "new"), "--name", "N", "--handle", "me"],
                 ["demo", str(small_fs / "new")]):  # fmt: skip
        code, _, err = cli(*argv)
        assert code == 1 and "the disk is full" in one_line(err)
        assert not (small_fs / "new").exists()
    unfill(small_fs)
    for name, argv in commands.items():
        code, _, err = cli(*argv, "--store", str(store))
        assert code == 0, (name, err)


def test_repair_on_a_full_disk(cli: CliRunner, store: Path, small_fs: Path) -> None:
    _damage(store)
    fill(small_fs)
    before = tree(store)
    code, _, err = cli("repair", "--store", str(store))
    assert code == 1 and "the disk is full" in one_line(err)
    assert tree(store) == before  # no backup, no rejected file, no temp file
    unfill(small_fs)
    code, out, _ = cli("repair", "--store", str(store))
    assert code == 0 and "set 1 damaged line(s) aside" in out


def test_a_read_only_store(cli: CliRunner, store: Path, small_fs: Path, tmp_path: Path) -> None:
    commands = _commands(store, tmp_path)
    before = tree(store)
    remount(small_fs, "ro")
    for name, argv in commands.items():
        code, out, err = cli(*argv, "--store", str(store))
        assert code == 1, name
        line = one_line(err)
        assert "read-only file system" in line and "ops.jsonl" in line, (name, line)
        if name == "read":
            assert out.strip()  # the thread is shown; only the read marker is not kept
    for argv in (["status"], ["threads"], ["export"], ["repair"], ["reviews"]):
        code, _, err = cli(*argv, "--store", str(store))
        assert code == 0, (argv, err)
    remount(small_fs, "rw")
    assert tree(store) == before


def test_repair_of_a_read_only_store(cli: CliRunner, store: Path, small_fs: Path) -> None:
    _damage(store)
    before = tree(store)
    remount(small_fs, "ro")
    code, _, err = cli("repair", "--store", str(store))
    assert code == 1 and "read-only file system" in one_line(err)
    remount(small_fs, "rw")
    assert tree(store) == before
