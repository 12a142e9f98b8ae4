"""Noticing that the terminal went away, however the app was started.

A closed tmux pane or terminal window hangs up the terminal. The kernel then sends
SIGHUP to the session leader only; when that is a wrapper that waits for its child
(``make run``, a shell script, anything that does not forward signals), the app never
gets a signal. Its reads from the terminal return end-of-file at once and for ever, and
Textual's input thread, which waits with ``select`` and takes an empty read for "nothing
yet", spins at 100% CPU while the app keeps its locks.

So this module watches for both:

- SIGHUP, handled on the event loop (when the app gets one);
- a hang-up on the terminal itself: a daemon thread ``poll``\\ s the input for
  ``POLLHUP``/``POLLERR``/``POLLNVAL``, which a hung-up terminal (or a pipe whose writer
  closed) reports at once. ``poll`` with no events requested sleeps until then, so the
  watch costs nothing while the terminal is there.

Either one calls ``on_lost`` on the event loop, once. :func:`detach_from_terminal` then
points the standard streams somewhere harmless, so that the app's last writes (leaving
the alternate screen, a final message) and its input thread can neither fail nor spin
on a terminal that is gone.

Two more things stand between a hang-up and a clean exit. When the session leader dies
the kernel sends SIGCONT with the SIGHUP, and Textual's driver takes SIGCONT for "resumed
after Ctrl+Z": it starts a new output thread, which dies on the first write to the dead
terminal, and the app then waits on that thread's full queue while closing. So SIGCONT
is passed on to the driver only while the terminal is there. And in case anything else
blocks, the watch thread sets a deadline (:func:`exit_soon`) the moment it sees the
hang-up, without waiting for the event loop, which may be the thing that is stuck.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import Any

HANGUP = select.POLLHUP | select.POLLERR | select.POLLNVAL
"""What ``poll`` reports for a terminal that was hung up, or a pipe with no writer."""
EXIT_DEADLINE = 1.5
"""Seconds a lost terminal gives the app to exit by itself before it is ended."""
DEADLINE_VARIABLE = "COHORT_EXIT_DEADLINE"
"""Environment variable that sets the deadline instead (the tests raise it, so that a
shutdown that hangs shows as one rather than being cut short)."""
HANGUP_EXIT_CODE = 129
"""The exit status after the terminal went away (128 + SIGHUP, as shells report it)."""


def exit_deadline() -> float:
    """Seconds a lost terminal gives the app: :data:`EXIT_DEADLINE`, or the environment's."""
    try:
        return float(os.environ.get(DEADLINE_VARIABLE, EXIT_DEADLINE))
    except ValueError:
        return EXIT_DEADLINE


def terminal_gone(fd: int) -> bool:
    """Whether ``fd`` reports a hang-up (or is closed) right now; never blocks."""
    poller = select.poll()
    poller.register(fd, 0)  # no events asked for: only hang-up and errors are reported
    try:
        return any(mask & HANGUP for _, mask in poller.poll(0))
    except OSError:
        return True


class TerminalWatch:
    """Calls ``on_lost`` once, on the event loop, when the terminal goes away.

    Args:
        loop: The app's running event loop.
        on_lost: What to do; gets ``"SIGHUP"`` or ``"hangup"`` (the input hung up).
        fd: The terminal's input file descriptor.
        deadline: Seconds after a hang-up before the process is ended whatever it is
            doing (:func:`exit_soon`); None for no deadline (unit tests).
    """

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        on_lost: Callable[[str], None],
        fd: int = 0,
        *,
        deadline: float | None = None,
    ) -> None:
        self._loop = loop
        self._on_lost = on_lost
        self._fd = fd
        self._deadline = deadline
        self._fired = False
        self._stop = threading.Event()
        self._signal_installed = False
        self._resume: Callable[[int, FrameType | None], Any] | int | None = None

    def start(self) -> None:
        """Install the signal handlers and start the hang-up thread (after the driver
        installed its own: the SIGCONT one wraps it)."""
        with contextlib.suppress(ValueError, NotImplementedError, RuntimeError):
            self._loop.add_signal_handler(signal.SIGHUP, self._fire, "SIGHUP")
            self._signal_installed = True
        with contextlib.suppress(ValueError):  # not the main thread: nothing to wrap
            self._resume = signal.getsignal(signal.SIGCONT)
            signal.signal(signal.SIGCONT, self._continued)
        threading.Thread(target=self._watch, name="cohort-terminal-watch", daemon=True).start()

    def _continued(self, signum: int, frame: FrameType | None) -> None:
        """SIGCONT: resume the terminal (Textual's handler) only if there is one."""
        if terminal_gone(self._fd):
            return
        if callable(self._resume):
            self._resume(signum, frame)

    def stop(self) -> None:
        """Stop watching (the thread ends at its next wake-up; it holds nothing)."""
        self._stop.set()
        if signal.getsignal(signal.SIGCONT) == self._continued:
            with contextlib.suppress(ValueError, TypeError):
                signal.signal(signal.SIGCONT, self._resume)
        if self._signal_installed:
            with contextlib.suppress(ValueError, RuntimeError):
                self._loop.remove_signal_handler(signal.SIGHUP)
            self._signal_installed = False

    def _fire(self, why: str) -> None:
        """On the event loop: report the loss once."""
        if self._fired or self._stop.is_set():
            return
        self._fired = True
        self._on_lost(why)

    def _watch(self) -> None:
        poller = select.poll()
        try:
            poller.register(self._fd, 0)
        except (OSError, ValueError):
            return
        while not self._stop.is_set():
            try:
                # Wakes only for a hang-up; the timeout lets a stopped watch end.
                events = poller.poll(1_000)
            except InterruptedError:
                continue
            except OSError:
                events = [(self._fd, select.POLLNVAL)]
            if any(mask & HANGUP for _, mask in events):
                if self._deadline is not None:
                    exit_soon(self._deadline, HANGUP_EXIT_CODE)  # even if the loop is stuck
                with contextlib.suppress(RuntimeError):  # the loop is already closed
                    self._loop.call_soon_threadsafe(self._fire, "hangup")
                return


def detach_from_terminal() -> None:
    """Point stdin, stdout and stderr at ``/dev/null``, away from a terminal that is gone.

    Writes to a hung-up terminal fail with EIO; Textual's output thread would die on the
    first one and the next writes would wait for it for ever. After this, writes succeed
    (and go nowhere), and reads end at once, as they did on the hung-up terminal: the
    input thread may be between its ``select`` and its ``read``, so the new input must
    never block, or the app would wait for that thread for ever while exiting.
    """
    for fd, mode in ((0, os.O_RDONLY), (1, os.O_WRONLY), (2, os.O_WRONLY)):
        with contextlib.suppress(OSError):
            null = os.open(os.devnull, mode)
            os.dup2(null, fd)
            os.close(null)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()


def exit_soon(seconds: float, code: int) -> None:
    """End the process ``seconds`` from now if it has not ended by itself (once: a
    second call changes nothing).

    The last line of defence once the terminal is gone and drafts and locks are dealt
    with: a shutdown that waits on something (a network call, a stuck thread) must not
    keep a process alive that nobody can see or stop. The snapshot it might interrupt is
    written atomically, and the kernel releases every lock with the process.
    """
    with _DEADLINE_LOCK:
        if _DEADLINE:
            return
        _DEADLINE.append(seconds)

    def later() -> None:
        time.sleep(seconds)
        os._exit(code)

    threading.Thread(target=later, name="cohort-exit-deadline", daemon=True).start()


_DEADLINE: list[float] = []
_DEADLINE_LOCK = threading.Lock()
