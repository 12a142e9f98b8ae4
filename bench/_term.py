"""A command run in a real pseudo-terminal, its screen read through a terminal emulator.

This is how a user meets the app: a process started in a terminal, drawing with escape
sequences. The benchmarks time launch (or a key press) until a known text is on the
emulated screen (``pyte``), so every cost counts: interpreter start, imports, argument
parsing, config, store load, the first frame and its write to the terminal.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import select
import signal
import struct
import termios
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pyte


class TermTimeout(Exception):
    """The text never came; carries what the screen showed."""


class Term:
    """One process on its own pseudo-terminal of ``cols`` x ``rows``.

    ``started`` is the wall time (``perf_counter``) just before the fork, so a launch
    figure includes creating the process. The child gets the pty as its controlling
    terminal and the size before it runs a line of its own, as in a terminal emulator.
    """

    def __init__(
        self,
        argv: Sequence[str],
        env: dict[str, str],
        *,
        cols: int = 100,
        rows: int = 30,
        cwd: str | None = None,
    ) -> None:
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.bytes_read = 0
        winsize = struct.pack("HHHH", rows, cols, 0, 0)
        self.started = time.perf_counter()
        pid, fd = os.forkpty()
        if pid == 0:  # the child: size the terminal, then become the command
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, winsize)
                if cwd:
                    os.chdir(cwd)
                os.execve(argv[0], list(argv), env)
            finally:
                os._exit(127)
        self.pid = pid
        self.fd = fd
        os.set_blocking(fd, False)
        self.status: int | None = None
        self.rusage_maxrss_kib = 0

    # -- reading the screen ---------------------------------------------------------

    def text(self) -> str:
        """What the emulated screen shows now, one line per row."""
        return "\n".join(self.screen.display)

    def _pump(self, timeout: float) -> float | None:
        """Read what the child wrote (waiting up to ``timeout``) and feed the emulator.

        Returns when the bytes arrived (read before parsing, so the emulator's own speed
        is not counted), or None when nothing came.
        """
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return None
        arrived = time.perf_counter()
        chunks = []
        while True:  # drain everything already written before spending time parsing
            try:
                chunk = os.read(self.fd, 1 << 16)
            except BlockingIOError:
                break
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        data = b"".join(chunks)
        if not data:
            self._reap(block=False)
            return None
        self.bytes_read += len(data)
        self.stream.feed(data)
        return arrived

    def wait_for(
        self, ready: Callable[[str], bool] | str, timeout: float = 30.0, since: float | None = None
    ) -> float:
        """Seconds from ``since`` (default: launch) until ``ready(screen text)`` holds.

        A string is a regular expression searched on the screen.
        """
        if isinstance(ready, str):
            pattern = re.compile(ready)
            check: Callable[[str], bool] = lambda s: pattern.search(s) is not None  # noqa: E731
        else:
            check = ready
        origin = self.started if since is None else since
        deadline = time.perf_counter() + timeout
        if check(self.text()):
            return time.perf_counter() - origin
        while time.perf_counter() < deadline:
            arrived = self._pump(0.05)
            if arrived is not None and check(self.text()):
                return arrived - origin
            if self.status is not None:
                raise TermTimeout(f"the process exited ({self.status}):\n{self.text()}")
        raise TermTimeout(f"not on screen after {timeout:.0f} s:\n{self.text()}")

    def settle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:
        """Read until the child has written nothing for ``quiet`` seconds."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline and self._pump(quiet) is not None:
            pass

    # -- keys, memory, exit ---------------------------------------------------------

    def press(self, keys: str | bytes) -> float:
        """Type ``keys``; returns the time just before they were written."""
        data = keys.encode() if isinstance(keys, str) else keys
        sent = time.perf_counter()
        os.write(self.fd, data)
        return sent

    def peak_rss_kib(self) -> int:
        """The child's peak resident memory so far (``VmHWM``: this process image's own
        peak, not its parent's carried over by fork)."""
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return 0

    def cpu_seconds(self) -> float:
        """CPU time the child has used so far, all its threads (from the scheduler's
        nanosecond counters): less disturbed by a busy machine than wall time."""
        total = 0
        with contextlib.suppress(OSError):
            for task in os.listdir(f"/proc/{self.pid}/task"):
                with (
                    contextlib.suppress(OSError),
                    open(f"/proc/{self.pid}/task/{task}/schedstat") as f,
                ):
                    total += int(f.read().split()[0])
        return total / 1e9

    def _reap(self, block: bool) -> None:
        if self.status is not None:
            return
        pid, status, usage = os.wait4(self.pid, 0 if block else os.WNOHANG)
        if pid:
            self.status = status
            self.rusage_maxrss_kib = usage.ru_maxrss

    def close(self, quit_keys: bytes = b"\x11", timeout: float = 10.0) -> None:
        """Ask the app to quit with ``quit_keys`` (Ctrl+Q), then make sure it is gone."""
        with contextlib.suppress(OSError):
            os.write(self.fd, quit_keys)
        deadline = time.perf_counter() + timeout
        while self.status is None and time.perf_counter() < deadline:
            self._pump(0.05)
            self._reap(block=False)
        if self.status is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            self._reap(block=True)
        with contextlib.suppress(OSError):
            os.close(self.fd)


CHECKOUT_SRC = Path(__file__).resolve().parents[1] / "src"
"""This checkout's code: launched commands import it first, whichever checkout the venv's
editable install points at (a bench run from a worktree measured main's code before)."""


def term_env(**extra: str) -> dict[str, str]:
    """The environment of a fresh truecolor terminal, free of the caller's app settings;
    ``PYTHONPATH`` starts with this checkout's ``src`` (see :data:`CHECKOUT_SRC`)."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "USER", "LOGNAME", "TMPDIR", "VIRTUAL_ENV")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(TERM="xterm-256color", COLORTERM="truecolor")
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join([str(CHECKOUT_SRC), *paths])
    env.setdefault("LANG", "C.UTF-8")
    env.update(extra)
    return env
