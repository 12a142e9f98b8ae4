"""``cohort join`` and ``cohort sync`` against a real server, on a full and on a read-only
file system: one line each, nothing half made, no invite wasted, no op lost."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import httpx
import pytest

from cohort_tui.store.workspace import Replica
from cohort_tui.sync.credentials import load_credentials
from tests.faults import DiskFaults, fill, named, remount, tmpfs, unfill
from tests.sync.test_end_to_end import ServerProcess, cli, server  # noqa: F401  (fixture)
from tests.unit.test_disk_faults import one_line, tree


def _founder_invite(srv: ServerProcess, capsys: pytest.CaptureFixture[bytes]) -> str:
    code, out, _ = cli(capsys, "server", "new-cohort", "--db", str(srv.db), "--name", "Pod")
    assert code == 0
    invite: str = json.loads(out)["invite"]
    return invite


def _join(
    srv: ServerProcess, capsys: pytest.CaptureFixture[bytes], invite: str, handle: str, root: Path
) -> tuple[int, str]:
    code, _, err = cli(
        capsys, "join", srv.url, "--invite", invite, "--handle", handle, "--store", str(root)
    )
    return code, err.decode()


def _server_ids(srv: ServerProcess, root: Path) -> set[str]:
    cred = next(iter(load_credentials(root).values()))
    ids: set[str] = set()
    after, more = 0, True
    while more:
        page = httpx.get(
            f"{srv.url}/v1/cohorts/{cred.cohort}/ops",
            params={"after": after},
            headers={"Authorization": f"Bearer {cred.token}"},
        ).json()
        ids |= {o["id"] for o in page["ops"]}
        after, more = page["cursor"], page["more"]
    return ids


def _local_ids(root: Path) -> set[str]:
    return set(Replica(root).state.seen)


def test_join_into_a_read_only_or_full_folder_spends_no_invite(
    server: ServerProcess,  # noqa: F811
    tmp_path: Path,
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    invite = _founder_invite(server, capsysbinary)
    with tmpfs(tmp_path / "fs", "1m") as fs:
        remount(fs, "ro")
        code, err = _join(server, capsysbinary, invite, "fay", fs / "pod")
        assert code == 1 and "read-only file system" in one_line(err)
        remount(fs, "rw")
        assert not (fs / "pod").exists()
        fill(fs)
        code, err = _join(server, capsysbinary, invite, "fay", fs / "pod")
        assert code == 1 and "the disk is full" in one_line(err)
        assert not (fs / "pod").exists()
        unfill(fs)
        code, err = _join(server, capsysbinary, invite, "fay", fs / "pod")  # the same invite
        assert code == 0, err


def test_a_token_that_cannot_be_saved_after_joining_says_how_to_get_another(
    server: ServerProcess,  # noqa: F811
    tmp_path: Path,
    capsysbinary: pytest.CaptureFixture[bytes],
    disk_faults: DiskFaults,
) -> None:
    fay = tmp_path / "fay"
    assert _join(server, capsysbinary, _founder_invite(server, capsysbinary), "fay", fay)[0] == 0
    code, out, _ = cli(capsysbinary, "invite", "--store", str(fay))
    invite = out.decode().strip()
    disk_faults.writes_fail(errno.ENOSPC, after=10, where=named("credentials.toml"))
    code, err = _join(server, capsysbinary, invite, "ann", tmp_path / "ann")
    disk_faults.clear()
    line = one_line(err)
    assert code == 1 and "joined the cohort as @ann" in line and "the disk is full" in line
    assert "cohort invite --claim ann" in line
    assert not (tmp_path / "ann").exists()  # no half-made store in the way
    code, out, _ = cli(capsysbinary, "invite", "--store", str(fay), "--claim", "ann")
    claim = out.decode().strip()
    code, err = _join(server, capsysbinary, claim, "ann", tmp_path / "ann")
    assert code == 0, err


def test_sync_on_a_full_and_on_a_read_only_disk_loses_nothing(
    server: ServerProcess,  # noqa: F811
    tmp_path: Path,
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    ann = tmp_path / "ann"
    with tmpfs(tmp_path / "fs", "2m") as fs:
        fay = fs / "fay"
        assert (
            _join(server, capsysbinary, _founder_invite(server, capsysbinary), "fay", fay)[0] == 0
        )
        code, out, _ = cli(capsysbinary, "invite", "--store", str(fay))
        assert _join(server, capsysbinary, out.decode().strip(), "ann", ann)[0] == 0

        # Pulling into a full disk: nothing appended, the cursor does not move.
        big = "x" * 6000
        assert cli(capsysbinary, "thread", "new", "--title", "A", "--body", big,
                   "--store", str(ann))[0] == 0  # fmt: skip
        assert cli(capsysbinary, "sync", "--store", str(ann))[0] == 0
        fill(fs)
        before = tree(fay)
        code, _, err = cli(capsysbinary, "sync", "--store", str(fay))
        assert code == 1 and "the disk is full" in one_line(err.decode())
        assert tree(fay) == before
        unfill(fs)
        assert cli(capsysbinary, "sync", "--store", str(fay))[0] == 0

        # Pushing, then the cursor cannot be saved: the next sync finds it all there.
        assert cli(capsysbinary, "thread", "new", "--title", "F", "--body", big,
                   "--store", str(fay))[0] == 0  # fmt: skip
        fill(fs)
        code, _, err = cli(capsysbinary, "sync", "--store", str(fay))
        assert code == 1 and "the disk is full" in one_line(err.decode())
        unfill(fs)

        remount(fs, "ro")
        code, _, err = cli(capsysbinary, "sync", "--store", str(fay))
        assert code == 1 and "read-only file system" in one_line(err.decode())
        remount(fs, "rw")

        for root in (fay, ann, fay):
            code, _, err = cli(capsysbinary, "sync", "--store", str(root))
            assert code == 0, err
        on_server = _server_ids(server, fay)
        assert _local_ids(fay) == _local_ids(ann) == on_server  # no op lost anywhere
