"""Running a lesson's check: the script from the curriculum, in the learner's folder.

Shared by the app (streamed into a panel, from a worker thread) and ``cohort check``.
The script runs with this interpreter in its own process group, so a timeout or the app
quitting kills it and everything it started.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from cohort_tui.domain.op_kinds import Check

MAX_OUTPUT_LINES = 2_000
"""Lines of output kept; a runaway check cannot fill memory."""
MAX_LINE = 2_000
"""Characters kept of one output line."""


@dataclass(frozen=True)
class CheckOutcome:
    """How a check run ended."""

    passed: bool
    returncode: int | None
    timed_out: bool
    cancelled: bool
    output: list[str]
    seconds: float
    error: str = ""
    """Why the check could not run at all (empty when it ran)."""

    def summary(self) -> str:
        """One line for the log and the ``check.run`` op."""
        if self.error:
            return f"could not run: {self.error}"
        if self.timed_out:
            return f"timed out after {self.seconds:.0f}s"
        if self.cancelled:
            return "cancelled"
        verdict = "passed" if self.passed else f"failed (exit {self.returncode})"
        return f"{verdict} in {self.seconds:.1f}s"


def output_lines(stream: IO[bytes], limit: int = MAX_LINE) -> Iterator[str]:
    """A check's output, line by line, as a terminal would have shown it.

    The text is raw (the caller sanitises it for the screen): invalid UTF-8 becomes
    U+FFFD, and a line redrawn with carriage returns (a progress bar) is what was left
    on screen, its last part. A line longer than ``limit`` characters is cut, with
    ``…``, and the rest of it is read and dropped a piece at a time, so a check that
    prints without newlines cannot fill memory.
    """
    chunk = limit * 4  # bytes: a UTF-8 character is at most four
    while True:
        raw = stream.readline(chunk)
        if not raw:
            return
        cut = not raw.endswith(b"\n") and len(raw) >= chunk
        while cut:
            rest = stream.readline(chunk)
            if not rest or rest.endswith(b"\n"):
                break
        text = raw.decode("utf-8", "replace").rstrip("\r\n")
        if "\r" in text:
            text = next((part for part in reversed(text.split("\r")) if part), "")
        if cut or len(text) > limit:
            text = text[: limit - 1] + "…"
        yield text


class CheckRun:
    """One run of a check; ``cancel()`` from any thread stops it.

    Args:
        check: The lesson's check.
        cwd: Where to run it (the learner's working folder).
        on_line: Called with each output line as it arrives (from the reader thread).
    """

    def __init__(
        self, check: Check, cwd: Path, on_line: Callable[[str], None] | None = None
    ) -> None:
        self.check = check
        self.cwd = cwd
        self.on_line = on_line
        self._process: subprocess.Popen[bytes] | None = None
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        """Stop the check and everything it started."""
        self._cancelled.set()
        self._kill()

    def _kill(self) -> None:
        process = self._process
        if process is not None and process.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)

    def run(self) -> CheckOutcome:
        """Run to the end, the timeout or a cancel; never raises for the check's sake."""
        start = time.monotonic()
        if not self.cwd.is_dir():
            return CheckOutcome(
                False, None, False, False, [], 0.0, error=f"{self.cwd} is not a folder"
            )
        output: list[str] = []
        with tempfile.TemporaryDirectory(prefix="cohort-check-") as tmp:
            script = Path(tmp) / (self.check.script_name or "check.py")
            script.write_text(self.check.script, "utf-8")
            try:
                self._process = subprocess.Popen(
                    [sys.executable, str(script)],
                    cwd=self.cwd,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    env={**os.environ, "PYTHONUNBUFFERED": "1"},
                )
            except OSError as exc:
                return CheckOutcome(
                    False, None, False, False, [], 0.0, error=exc.strerror or str(exc)
                )
            reader = threading.Thread(target=self._read, args=(output,), daemon=True)
            reader.start()
            timed_out = False
            try:
                self._process.wait(timeout=self.check.timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
                self._kill()
                self._process.wait()
            reader.join(timeout=5)
        code = self._process.returncode
        cancelled = self._cancelled.is_set()
        passed = code == 0 and not timed_out and not cancelled
        return CheckOutcome(passed, code, timed_out, cancelled, output, time.monotonic() - start)

    def _read(self, output: list[str]) -> None:
        assert self._process is not None and self._process.stdout is not None
        for line in output_lines(self._process.stdout):
            if len(output) < MAX_OUTPUT_LINES:
                output.append(line)
            elif len(output) == MAX_OUTPUT_LINES:
                output.append("… (output cut: too long)")
            if self.on_line is not None:
                self.on_line(line)
