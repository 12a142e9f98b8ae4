"""Running the real app in a real pseudo-terminal, through a wrapper, and hanging up on it.

Used by the terminal-loss tests and ``bench/bench_hangup.py``. Linux only: it reads
``/proc`` to find the app under its wrapper.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import struct
import subprocess
import termios
import time
from dataclasses import dataclass, field
from pathlib import Path

WAIT = 30.0
"""Seconds any one condition may take to come true (a slow CI machine starting Python)."""


@dataclass
class PtyApp:
    """A wrapper process with the app somewhere under it, on the slave side of a pty."""

    wrapper: subprocess.Popen[bytes]
    master: int
    output: bytearray = field(default_factory=bytearray)

    def read_until(self, needle: bytes, timeout: float = WAIT) -> None:
        """Read the terminal's output until ``needle`` shows up."""
        deadline = time.monotonic() + timeout
        while needle not in self.output:
            left = deadline - time.monotonic()
            if left <= 0:
                tail = bytes(self.output[-600:])
                raise AssertionError(f"{needle!r} never appeared; last output: {tail!r}")
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:  # the slave side is gone
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"the terminal closed before {needle!r} appeared")
                self.output += chunk

    def type(self, text: str) -> None:
        """Type as a person would: one write per key."""
        for char in text:
            os.write(self.master, char.encode())

    def app_pid(self, marker: str = "cohort_tui", timeout: float = WAIT) -> int:
        """The pid of the app: the wrapper (or its descendant) whose command line has
        ``marker``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            # The deepest match first: a wrapper's own command line may name the app.
            for pid in [*reversed(descendants(self.wrapper.pid)), self.wrapper.pid]:
                if marker in cmdline(pid):
                    return pid
            time.sleep(0.05)
        raise AssertionError("the app never started under the wrapper")

    def hang_up(self) -> float:
        """Close the terminal, as closing a tmux pane does; returns the monotonic time."""
        os.close(self.master)
        self.master = -1
        return time.monotonic()

    def close(self) -> None:
        """Kill whatever is left (the test failed) and close the terminal."""
        for pid in [*descendants(self.wrapper.pid), self.wrapper.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, 9)
        if self.master != -1:
            os.close(self.master)
            self.master = -1
        self.wrapper.wait(5)


def spawn(
    argv: list[str],
    *,
    cwd: Path,
    controlling: bool,
    size: tuple[int, int] = (100, 30),
) -> PtyApp:
    """Start ``argv`` (the wrapper) in a new session on a new pty of ``size`` (cols, rows).

    Args:
        controlling: Make the pty the session's controlling terminal, as a terminal
            emulator does: then closing it sends SIGHUP to the session leader (the
            wrapper). Without it the app only sees its input hang up.
    """
    master, slave = os.openpty()
    columns, rows = size
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))

    def take_terminal() -> None:  # in the child, after setsid and the dup2s
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    # The size comes from the pty, as in a real terminal, not from the environment.
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env["TERM"] = "xterm-256color"
    # The app ends itself 1.5 s after a hang-up whatever it is doing; here that would
    # hide a shutdown that hangs, so the deadline is pushed out of the tests' way.
    env["COHORT_EXIT_DEADLINE"] = "60"
    wrapper = subprocess.Popen(
        argv,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        cwd=cwd,
        env=env,
        start_new_session=True,
        preexec_fn=take_terminal if controlling else None,
    )
    os.close(slave)
    return PtyApp(wrapper, master)


def descendants(pid: int) -> list[int]:
    """Every process under ``pid`` (children first), from ``/proc``."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        parent = int(stat.rpartition(")")[2].split()[1])
        children.setdefault(parent, []).append(int(entry))
    found: list[int] = []
    queue = [pid]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def alive(pid: int) -> bool:
    """Whether ``pid`` is still running (a zombie waiting for its parent has ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def wait_gone(pid: int, timeout: float) -> float | None:
    """Wait until ``pid`` has ended; the monotonic time it was seen gone, or None."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive(pid):
            return time.monotonic()
        time.sleep(0.01)
    return None
