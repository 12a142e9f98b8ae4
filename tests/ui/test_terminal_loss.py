"""Losing the terminal: however the app was started, closing its terminal makes it keep
the draft being typed, release the store's live-sync lock and exit.

Each case starts the real app (``python -m cohort_tui``) through a wrapper in a real
pseudo-terminal, opens the composer, types, and closes the terminal as closing a tmux
pane does. Before the fix, the cases where the app gets no SIGHUP (a wrapper that waits
for its child: ``make run``, a shell with a trap) spun at 100% CPU for ever, holding
``live.lock``, and the draft typed in the last 0.4 s was lost.
"""

from __future__ import annotations

import fcntl
import os
import shlex
import shutil
import signal
import sys
import time
from pathlib import Path

import msgspec
import pytest

from tests.ui.helpers import demo_replica
from tests.ui.pty_app import PtyApp, alive, spawn, wait_gone

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

EXIT_WITHIN = 2.0
"""Seconds the app may take to exit once its terminal is gone (it aims for one)."""
TYPED = "draft typed just before the pane closed"


def pod_store(root: Path) -> str:
    """The demo store, joined to a server that is down (so live sync takes live.lock);
    returns the welcome thread."""
    replica = demo_replica(root)
    toml = root / "store.toml"
    toml.write_text(toml.read_text() + 'remote = "http://127.0.0.1:9"\n')
    assert replica.state.cohort is not None and replica.state.cohort.welcome_thread
    return replica.state.cohort.welcome_thread


def app_command(root: Path, thread: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "cohort_tui",
        "--store",
        str(root),
        "--as",
        "sam",
        "--open",
        f"thread:{thread}",
    ]


def lock_is_free(root: Path) -> bool:
    fd = os.open(root / "live.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # closing releases a lock we took
    return True


def draft_body(root: Path, thread: str) -> str:
    path = root / "drafts" / "m_sam" / f"reply.{thread}.json"
    if not path.exists():
        return ""
    return str(msgspec.json.decode(path.read_bytes())["body"])


def start_and_type(app: PtyApp, root: Path) -> int:
    """Open the composer, check the lock is held, type; returns the app's pid."""
    app.read_until(b"started by")  # the open thread's meta line: the app is up
    app.type("r")
    app.read_until(b"Reply: ")  # the composer's heading
    pid = app.app_pid()
    assert not lock_is_free(root), "the app should hold live.lock while it runs"
    app.type(TYPED)
    app.read_until(TYPED[-12:].encode())  # drawn: the TextArea has it
    return pid


def wrappers(root: Path, thread: str, tmp: Path) -> dict[str, tuple[list[str], bool]]:
    """How people start the app: (argv, whether the pty is the controlling terminal)."""
    command = shlex.join(app_command(root, thread))
    makefile = tmp / "Makefile"
    makefile.write_text(f"run:\n\t{command}\n")
    return {
        # No controlling terminal: nobody gets SIGHUP, the input just hangs up.
        "sh -c, no SIGHUP": (["sh", "-c", f"{command}; true"], False),
        # sh leads the session: it gets SIGHUP and dies; the kernel then sends SIGHUP
        # to the foreground group, the app included.
        "sh -c, SIGHUP": (["sh", "-c", f"{command}; true"], True),
        # A wrapper that catches SIGHUP and waits for its child, as make does: the app
        # never gets a signal. This is the case that spun at 100% CPU.
        "sh with a trap": (["sh", "-c", f"trap 'echo hup' HUP; {command}; true"], True),
        "make run": (["make", "--no-print-directory", "-f", str(makefile), "run"], True),
    }


@pytest.mark.parametrize("how", ["sh -c, no SIGHUP", "sh -c, SIGHUP", "sh with a trap", "make run"])
def test_closing_the_terminal_keeps_the_draft_frees_the_lock_and_exits(
    tmp_path: Path, how: str
) -> None:
    root = tmp_path / "pod"
    thread = pod_store(root)
    argv, controlling = wrappers(root, thread, tmp_path)[how]
    if argv[0] == "make" and shutil.which("make") is None:
        pytest.skip("make is not installed")
    app = spawn(argv, cwd=tmp_path, controlling=controlling)
    try:
        pid = start_and_type(app, root)
        closed = app.hang_up()
        gone = wait_gone(pid, timeout=10)
        assert gone is not None, f"the app is still running 10 s after its terminal closed ({how})"
        assert gone - closed < EXIT_WITHIN, f"took {gone - closed:.2f} s to exit ({how})"
        assert lock_is_free(root)
        assert draft_body(root, thread) == TYPED
        app.wrapper.wait(WAIT_FOR_WRAPPER)
    finally:
        app.close()


WAIT_FOR_WRAPPER = 10.0


def test_sighup_with_the_terminal_still_there_restores_it(tmp_path: Path) -> None:
    """``kill -HUP`` by hand: the terminal works, so it is handed back as it was (the
    alternate screen left, the cursor shown), and the draft and the lock as above."""
    root = tmp_path / "pod"
    thread = pod_store(root)
    app = spawn(app_command(root, thread), cwd=tmp_path, controlling=True)
    try:
        pid = start_and_type(app, root)
        sent = time.monotonic()
        os.kill(pid, signal.SIGHUP)
        app.read_until(b"\x1b[?1049l")  # left the alternate screen
        gone = wait_gone(pid, timeout=10)
        assert gone is not None and gone - sent < EXIT_WITHIN
        assert app.wrapper.wait(WAIT_FOR_WRAPPER) == 129  # 128 + SIGHUP, as shells report it
        assert lock_is_free(root)
        assert draft_body(root, thread) == TYPED
    finally:
        app.close()


def test_the_app_keeps_running_while_the_terminal_is_there(tmp_path: Path) -> None:
    """The watch fires on a hang-up only: typing and waiting never ends the app."""
    root = tmp_path / "pod"
    thread = pod_store(root)
    app = spawn(["sh", "-c", f"{shlex.join(app_command(root, thread))}; true"], cwd=tmp_path,
                controlling=True)  # fmt: skip
    try:
        # The sync thread tried the server and said so. Waited for before the composer
        # opens: a header under a modal screen is not redrawn, so a later "offline"
        # would never reach the terminal.
        app.read_until(b"offline")
        pid = start_and_type(app, root)
        assert alive(pid)
        assert not lock_is_free(root)
    finally:
        app.close()


async def test_quitting_with_the_composer_open_keeps_what_was_just_typed(tmp_path: Path) -> None:
    """The draft is saved 0.4 s after the last key; quitting sooner used to lose it."""
    from textual.widgets import TextArea

    from cohort_tui.ui.screens.compose import ComposeScreen
    from tests.ui.helpers import make_app, wait_for

    root = tmp_path / "s"
    thread = demo_replica(root).state.cohort.welcome_thread  # type: ignore[union-attr]
    assert thread is not None
    app = make_app(root, open_target=f"thread:{thread}")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, ComposeScreen))
        app.screen.query_one(TextArea).insert(TYPED)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert draft_body(root, thread) == TYPED


async def test_quitting_keeps_the_rubric_form_and_a_line_comment(tmp_path: Path) -> None:
    import json

    from textual.widgets import Input, TextArea

    from cohort_tui.ui.screens.dialogs import PromptScreen
    from cohort_tui.ui.screens.review_view import ReviewScreen
    from cohort_tui.ui.screens.rubric_form import RubricScreen
    from cohort_tui.ui.widgets.code_view import CodeView
    from tests.ui.helpers import make_app, wait_for, workers_done

    root = tmp_path / "s"
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        sub = next(s for s in app.replica.state.submissions.values() if "tags and" in s.title)
        app.go(f"submission:{sub.id}")
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await workers_done(pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        drafts, key = review.drafts, review.draft_key
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, RubricScreen))
        assert isinstance(app.screen, RubricScreen)
        app.screen.query_one("#rubric-comment", TextArea).insert("half a review")
        await pilot.press("ctrl+q")
        await pilot.pause()
    saved = drafts.load(key)
    assert saved is not None and json.loads(saved.body)["comment"] == "half a review"

    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.go(f"submission:{sub.id}")
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await workers_done(pilot)
        app.screen.query_one(CodeView).go_to("notes.py", 12)
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptScreen))
        assert isinstance(app.screen, PromptScreen)
        app.screen.query_one(Input).value = "What if the file is empty?"
        await pilot.press("ctrl+q")
        await pilot.pause()
    saved = drafts.load(key)
    assert saved is not None
    draft = json.loads(saved.body)
    assert draft["comment"] == "half a review"  # the form kept before is still there
    assert [(c["line"], c["body"]) for c in draft["lines"]] == [(12, "What if the file is empty?")]
