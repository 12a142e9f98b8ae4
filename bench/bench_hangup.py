"""Seconds from closing the app's terminal to the app having exited, per way of starting it.

Each run starts the real app in a real pseudo-terminal through a wrapper, on the demo
store joined to a server that is down (so it holds ``live.lock``), opens the composer,
types, closes the terminal and waits for the app's process to end. Prints the median
and the worst per wrapper; the target is under a second. Linux only.
"""

from __future__ import annotations

import shlex
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.ui.pty_app

from _common import fmt_ms, median
from tests.ui.helpers import demo_replica
from tests.ui.pty_app import spawn, wait_gone

RUNS = 5


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="cohort-bench-hangup-") as tmp:
        base = Path(tmp)
        root = base / "pod"
        replica = demo_replica(root)
        (root / "store.toml").write_text(
            (root / "store.toml").read_text() + 'remote = "http://127.0.0.1:9"\n'
        )
        assert replica.state.cohort is not None
        thread = replica.state.cohort.welcome_thread
        command = shlex.join(
            [sys.executable, "-m", "cohort_tui", "--store", str(root), "--as", "sam",
             "--open", f"thread:{thread}"]
        )  # fmt: skip
        (base / "Makefile").write_text(f"run:\n\t{command}\n")
        wrappers = {
            "sh -c (no SIGHUP)": (["sh", "-c", f"{command}; true"], False),
            "sh -c (SIGHUP)": (["sh", "-c", f"{command}; true"], True),
            "sh with a trap": (["sh", "-c", f"trap 'echo hup' HUP; {command}; true"], True),
        }
        if shutil.which("make"):
            wrappers["make run"] = (["make", "-s", "-f", str(base / "Makefile"), "run"], True)
        for name, (argv, controlling) in wrappers.items():
            times = []
            for _ in range(RUNS):
                app = spawn(argv, cwd=base, controlling=controlling)
                try:
                    app.read_until(b"started by")
                    pid = app.app_pid()
                    app.type("r")
                    app.read_until(b"Reply: ")
                    app.type("a draft")
                    app.read_until(b"a draft")
                    closed = app.hang_up()
                    gone = wait_gone(pid, timeout=10)
                    times.append((gone - closed) if gone is not None else float("inf"))
                finally:
                    app.close()
            print(f"{name:<20} median {fmt_ms(median(times))}  worst {fmt_ms(max(times))}")


if __name__ == "__main__":
    main()
