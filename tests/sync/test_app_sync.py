"""The app syncs in the background: a post written in one member's app reaches another
member's app through a real server, and the header says online."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from cohort_tui.config import UserConfig
from cohort_tui.domain import op_kinds as k
from cohort_tui.store.workspace import Replica
from cohort_tui.ui.app import CohortApp
from cohort_tui.ui.widgets.cohort_header import CohortHeader
from tests.sync.test_end_to_end import ServerProcess, cli, server  # noqa: F401  (fixture)
from tests.ui.helpers import wait_for


def two_members(srv: ServerProcess, tmp_path: Path, capsys: Any) -> tuple[Path, Path]:
    _, out, _ = cli(capsys, "server", "new-cohort", "--db", str(srv.db), "--name", "Pod")
    invite = json.loads(out)["invite"]
    a, b = tmp_path / "a", tmp_path / "b"
    cli(capsys, "join", srv.url, "--invite", invite, "--handle", "fay", "--store", str(a))
    _, out, _ = cli(capsys, "invite", "--store", str(a))
    cli(capsys, "join", srv.url, "--invite", out.decode().strip(), "--handle", "bo",
        "--store", str(b))  # fmt: skip
    return a, b


def app_for(root: Path) -> CohortApp:
    replica = Replica(root)
    member = replica.resolve_member(None).id
    return CohortApp(replica, member, config=UserConfig(), poll_interval=0.1, save_settings=False)


async def wait_until(pilot: Any, condition: Any, seconds: float = 15) -> bool:
    """Whether ``condition()`` came to hold within ``seconds`` (see ``wait_for``)."""
    try:
        await wait_for(pilot, condition, timeout=seconds)
    except AssertionError:
        return False
    return True


async def test_a_post_in_one_app_reaches_the_other_app(
    server: ServerProcess,  # noqa: F811
    tmp_path: Path,
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    a_root, b_root = two_members(server, tmp_path, capsysbinary)
    app_b = app_for(b_root)
    async with app_b.run_test(size=(100, 30)) as pilot_b:
        header = app_b.screen.query_one(CohortHeader)
        assert await wait_until(pilot_b, lambda: header.sync_state.startswith("online"))
        # Another member, on another machine, posts and syncs.
        a = Replica(a_root)
        a.write(
            k.ThreadCreate(thread="t_live", post="p_live", title="Hi", body="@bo hey"),
            author=a.resolve_member(None).id,
        )
        assert cli(capsysbinary, "sync", "--store", str(a_root))[0] == 0
        # It arrives over the stream, without this app asking.
        assert await wait_until(pilot_b, lambda: "t_live" in app_b.replica.state.threads)
        messages = [n.message for n in app_b._notifications]
        assert any("@fay mentioned you" in m for m in messages), messages
        # And what this app writes goes up by itself.
        app_b.write(k.PostCreate(post="p_back", thread="t_live", body="hello fay"))
        deadline = time.monotonic() + 15
        while b'"p_back"' not in (a_root / "ops.jsonl").read_bytes():
            assert time.monotonic() < deadline
            cli(capsysbinary, "sync", "--store", str(a_root))
            await pilot_b.pause(0.2)
        assert await wait_until(pilot_b, lambda: app_b.sync_state == "online")


async def test_the_header_says_offline_with_pending_and_recovers(
    server: ServerProcess,  # noqa: F811
    tmp_path: Path,
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    a_root, _ = two_members(server, tmp_path, capsysbinary)
    app_a = app_for(a_root)
    async with app_a.run_test(size=(100, 30)) as pilot:
        assert await wait_until(pilot, lambda: app_a.sync_state.startswith("online"))
        server.stop()
        app_a.write(k.ThreadCreate(thread="t_off", post="p_off", title="Train", body="offline"))
        assert await wait_until(pilot, lambda: app_a.sync_state == "offline · 1 pending")
        server.start()
        assert await wait_until(pilot, lambda: app_a.sync_state == "online", seconds=40)


def test_a_local_store_never_imports_the_network_code(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys; from pathlib import Path;"
        "from cohort_tui.demo.seed import write_demo_store;"
        f"write_demo_store(Path({str(tmp_path / 's')!r}));"
        "import cohort_tui.ui.app;"
        "print('httpx' in sys.modules, 'cohort_tui.sync.live' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


async def test_in_a_pod_one_pane_syncs_and_another_takes_over_when_it_exits(
    server: ServerProcess,  # noqa: F811
    tmp_path: Path,
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    from cohort_tui.sync.live import LiveSync

    _, b_root = two_members(server, tmp_path, capsysbinary)
    other_pane = LiveSync(b_root, lambda status: None)
    assert other_pane.start()
    app = app_for(b_root)
    async with app.run_test(size=(80, 24)) as pilot:
        assert await wait_until(pilot, lambda: app.sync_state == "synced by another pane")
        header = app.screen.query_one(CohortHeader)
        assert header.sync_state == "synced by another pane"
        other_pane.stop()  # that pane exits
        assert await wait_until(pilot, lambda: app.sync_state.startswith("online"))


async def test_an_unexpected_error_in_a_sync_thread_is_a_toast_not_a_traceback(
    server: ServerProcess,  # noqa: F811
    tmp_path: Path,
    capsysbinary: pytest.CaptureFixture[bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading

    from cohort_tui.sync import live

    def boom(self: object) -> None:
        raise RuntimeError("kaboom")

    a_root, _ = two_members(server, tmp_path, capsysbinary)
    monkeypatch.setattr(live.LiveSync, "_push_loop", boom)
    before = threading.excepthook
    app = app_for(a_root)
    async with app.run_test(size=(80, 24)) as pilot:
        assert await wait_until(
            pilot, lambda: any("kaboom" in n.message for n in app._notifications)
        )
        assert app.is_running
    assert threading.excepthook is before  # put back when the app ends
    assert b"Traceback" not in capsysbinary.readouterr().err
