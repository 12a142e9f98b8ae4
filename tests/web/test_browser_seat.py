"""The browser seat in a real browser: Debian's chromium driven by Playwright.

Two seats on one store (``cohort web --as sam`` and ``--as priya``), each a real server
process on a free loopback port. Sam opens Discussions and replies with the keyboard;
the post lands in the store and shows up in Priya's seat. A wrong secret gets a refusal
and no app. Skipped, with the reason, where chromium, Playwright or the ``web`` extra is
missing (``.ci/run`` installs chromium).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from cohort_tui.store.workspace import Replica
from tests.ui.helpers import demo_replica

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip(
        "no chromium here (apt-get install -y chromium; .ci/run does)", allow_module_level=True
    )
pytest.importorskip("textual_serve", reason="the 'web' extra (textual-serve) is not installed")
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")

LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
REPLY = "Hello from the browser seat, @priya"
ESCAPE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][A-Z0-9]|[=>78])")


class Seat:
    """``cohort web`` as a child process; its address is read from what it prints."""

    def __init__(self, store: Path, handle: str, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cohort_tui",
                "web",
                "--store",
                str(store),
                "--as",
                handle,
                "--port",
                "0",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            start_new_session=True,  # its app processes go with it, whatever happens
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.url = wait_for(lambda: next((w for w in self._words() if "://" in w), None), 60)

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    def _words(self) -> list[str]:
        return [w for line in list(self.lines) for w in line.split()]

    def stop(self) -> int:
        """SIGINT, as Ctrl+C would; the seat's app processes are told to quit."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        return self.process.returncode


def wait_for(check: Callable[[], Any], timeout: float, page: Any = None) -> Any:
    """Poll ``check`` until it returns something truthy, or fail after ``timeout`` s.

    With a ``page``, wait through Playwright: its events (websocket frames) are delivered
    only while it has control.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        if page is not None:
            page.wait_for_timeout(100)
        else:
            time.sleep(0.1)
    raise AssertionError(f"gave up after {timeout}s waiting for {check}")


class Screen:
    """What a seat's terminal was sent, decoded (the canvas itself is not text)."""

    def __init__(self, page: Any) -> None:
        self.data = bytearray()
        self.sockets = 0
        page.on("websocket", self._opened)

    def _opened(self, socket: Any) -> None:
        self.sockets += 1
        socket.on("framereceived", self._frame)

    def _frame(self, payload: bytes | str) -> None:
        if isinstance(payload, bytes):
            self.data += payload

    def mark(self) -> int:
        return len(self.data)

    def shows(self, text: str, since: int = 0) -> bool:
        """Whether ``text`` was drawn since ``since``: escape sequences (colours, cursor
        moves) removed, so a line styled in pieces reads whole."""
        return text in ESCAPE.sub("", self.data[since:].decode("utf-8", "replace"))


def app_processes(store: Path) -> list[int]:
    """Ids of the seat app processes running on ``store`` (their command line names it)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"--as" in argv and str(store).encode() in argv and b"web" not in argv:
            found.append(int(proc.name))
    return found


@pytest.fixture
def store(tmp_path: Path) -> Path:
    demo_replica(tmp_path / "pod store")  # a space in the path: the seat command quotes it
    return tmp_path / "pod store"


@pytest.fixture
def seats(store: Path, tmp_path: Path) -> Iterator[Callable[[str], Seat]]:
    # An $EDITOR that leaves a mark if a seat ever runs it (it has no terminal to use).
    editor = f"touch {shlex.quote(str(tmp_path / 'editor-ran'))}"
    env = {**os.environ, "COHORT_CONFIG_DIR": str(tmp_path / "config"), "EDITOR": editor}
    started: list[Seat] = []

    def start(handle: str) -> Seat:
        seat = Seat(store, handle, env)
        started.append(seat)
        return seat

    yield start
    for seat in started:
        assert seat.stop() == 0, "".join(seat.lines)
    # Ctrl+C on the server ends every seat's app process with it.
    wait_for(lambda: not app_processes(store), 20)


def local_only(route: Any) -> None:
    """The seat's page asks for a web font from the internet: never leave this machine."""
    if route.request.url.startswith("http://127.0.0.1:"):
        route.continue_()
    else:
        route.abort()


@pytest.fixture
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        context = launched.new_context(viewport={"width": 1100, "height": 700})
        context.route("**/*", local_only)
        yield context
        context.close()
        launched.close()


def test_a_reply_written_in_the_browser_reaches_the_store_and_the_other_seat(
    store: Path, seats: Callable[[str], Seat], browser: Any, tmp_path: Path
) -> None:
    sam, priya = seats("sam"), seats("priya")
    assert sam.url.startswith("http://127.0.0.1:") and sam.url != priya.url

    pages = {}
    for name, seat in (("sam", sam), ("priya", priya)):
        page = browser.new_page()
        screen = Screen(page)
        response = page.goto(seat.url)
        assert response is not None and response.status == 200
        wait_for(partial(screen.shows, "Autumn · Home"), 60, page)
        page.click("#terminal")  # keys go to the terminal
        pages[name] = (page, screen)

    # One app process per seat, each acting as its own member.
    wait_for(lambda: len(app_processes(store)) == 2, 20)
    welcome = Replica(store).state.cohort
    assert welcome is not None and welcome.welcome_thread is not None
    for name in ("priya", "sam"):  # both open the pinned welcome thread
        page, screen = pages[name]
        since = screen.mark()
        page.keyboard.press("3")
        wait_for(partial(screen.shows, "Autumn · Discussions", since), 30, page)
        since = screen.mark()
        page.keyboard.press("Enter")
        wait_for(partial(screen.shows, "started by", since), 30, page)

    page, screen = pages["sam"]
    since = screen.mark()
    page.keyboard.press("r")
    wait_for(lambda: screen.shows("Reply:", since), 30, page)
    page.keyboard.press("Control+o")  # $EDITOR: not in a browser
    wait_for(lambda: screen.shows("No $EDITOR in a browser seat", since), 30, page)
    assert not (tmp_path / "editor-ran").exists()
    page.keyboard.type(REPLY)
    since = screen.mark()
    page.keyboard.press("Control+s")

    def posted() -> bool:
        state = Replica(store).state
        return any(
            p.author == "m_sam" and p.body == REPLY and p.thread == welcome.welcome_thread
            for p in state.posts.values()
        )

    wait_for(posted, 30, page)
    wait_for(lambda: screen.shows("Hello from the browser seat", since), 30, page)
    page.screenshot(path=str(tmp_path / "sam.png"))
    priya_page, priya_screen = pages["priya"]
    # Priya has the thread open with her cursor on the first new post: the reply arrives
    # below it (the view follows the end only when the cursor is on the last post), and
    # she steps through the new posts with ] until it is on her screen. A ] that comes
    # before the reply's post is laid out says "No more new posts here." in a toast over
    # the end of the thread, so she presses as a reader would, looking between presses.
    wait_for(lambda: priya_screen.shows("just now"), 30, priya_page)
    for _ in range(12):
        priya_page.keyboard.press("]")
        try:
            wait_for(lambda: priya_screen.shows("Hello from the browser seat"), 3, priya_page)
            break
        except AssertionError:
            continue
    assert priya_screen.shows("Hello from the browser seat"), "Priya never saw the reply"
    priya_page.screenshot(path=str(tmp_path / "priya.png"))


def test_a_wrong_or_missing_secret_gets_no_app(seats: Callable[[str], Seat], browser: Any) -> None:
    seat = seats("sam")
    base, secret = seat.url.rstrip("/").rsplit("/", 1)
    page = browser.new_page()
    screen = Screen(page)
    for url in (base + "/", base + "/" + secret[:-1] + "x/", base + "/static/js/textual.js"):
        response = page.goto(url)
        assert response is not None and response.status == 403, url
        assert "not the seat's" in page.inner_text("body")
        assert page.query_selector("#terminal") is None
    page.wait_for_timeout(500)
    assert screen.sockets == 0 and not screen.data
