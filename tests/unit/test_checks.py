"""The check runner: pass, fail, timeout, a missing folder, garbage output, cancel."""

from __future__ import annotations

import threading
from pathlib import Path

from cohort_tui.checks import MAX_OUTPUT_LINES, CheckRun
from cohort_tui.domain.op_kinds import Check


def check(script: str, timeout: int = 10) -> Check:
    return Check(script_name="check.py", script=script, timeout=timeout)


def test_pass_streams_output_and_runs_in_the_given_folder(tmp_path: Path) -> None:
    (tmp_path / "answer.txt").write_text("42")
    lines: list[str] = []
    outcome = CheckRun(
        check("import pathlib\nprint('PASS', pathlib.Path('answer.txt').read_text())"),
        tmp_path,
        on_line=lines.append,
    ).run()
    assert outcome.passed and outcome.returncode == 0
    assert lines == ["PASS 42"] == outcome.output
    assert outcome.summary().startswith("passed")


def test_fail_keeps_output(tmp_path: Path) -> None:
    outcome = CheckRun(check("import sys\nprint('FAIL nope')\nsys.exit(3)"), tmp_path).run()
    assert not outcome.passed and outcome.returncode == 3
    assert outcome.output == ["FAIL nope"]
    assert "exit 3" in outcome.summary()


def test_timeout_kills_the_process_group(tmp_path: Path) -> None:
    script = (
        "import subprocess, sys, time\n"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        "print('started', flush=True)\ntime.sleep(60)"
    )
    outcome = CheckRun(check(script, timeout=1), tmp_path).run()
    assert outcome.timed_out and not outcome.passed
    assert outcome.output == ["started"]
    assert outcome.seconds < 30


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    outcome = CheckRun(check("print(1)"), tmp_path / "gone").run()
    assert not outcome.passed and "not a folder" in outcome.error


def test_non_utf8_and_endless_output_are_contained(tmp_path: Path) -> None:
    script = (
        "import sys\nsys.stdout.buffer.write(b'\\xff\\xfe bad\\n')\n"
        f"for i in range({MAX_OUTPUT_LINES + 50}): print(i)"
    )
    outcome = CheckRun(check(script), tmp_path).run()
    assert outcome.passed
    assert outcome.output[0].endswith(" bad") and "\ufffd" in outcome.output[0]
    assert len(outcome.output) == MAX_OUTPUT_LINES + 1
    assert outcome.output[-1].startswith("… (output cut")


def test_cancel_stops_a_running_check(tmp_path: Path) -> None:
    run = CheckRun(
        check("import time\nprint('go', flush=True)\ntime.sleep(60)", 60),
        tmp_path,
        on_line=lambda _: threading.Timer(0.1, run.cancel).start(),
    )
    outcome = run.run()
    assert outcome.cancelled and not outcome.passed
