"""Long commands draw a Rich progress bar on a terminal and nothing when piped."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from cohort_tui.commands.progress import ProgressBar, wanted
from cohort_tui.store.log import OpLog
from cohort_tui.store.repair import repair_log
from tests.unit.conftest import CliRunner


def terminal() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=True, width=80), out


def test_a_bar_is_drawn_on_a_terminal_and_cleared_at_the_end() -> None:
    console, out = terminal()
    with ProgressBar(True, console) as progress:
        progress("pushing", 5, 10)
        progress("pulling", 3, 0)  # unknown total: a spinner and a count
    drawn = out.getvalue()
    assert "pushing" in drawn and "5/10" in drawn
    assert "pulling" in drawn


def test_an_error_inside_the_block_still_stops_the_bar() -> None:
    console, _ = terminal()
    try:
        with ProgressBar(True, console) as progress:
            progress("pushing", 1, 2)
            raise RuntimeError("network down")
    except RuntimeError:
        pass
    assert progress._progress is None


def test_nothing_is_drawn_when_not_wanted() -> None:
    with ProgressBar(False) as progress:
        progress("pushing", 1, 2)
    assert progress._progress is None
    assert wanted(quiet=True) is False


def test_repair_reports_its_scan(demo: Path) -> None:
    heard: list[tuple[str, int, int]] = []
    log = OpLog(demo)
    size = log.path.stat().st_size
    with log.path.open("ab") as f:
        f.write(b"{not json\n")
    repair_log(demo, lambda phase, done, total: heard.append((phase, done, total)))
    scans = [h for h in heard if h[0] == "scanning the log"]
    assert scans and all(0 < done <= total for _, done, total in scans)
    assert scans[-1][2] == size + len(b"{not json\n")
    assert any(h[0] == "setting damaged lines aside" for h in heard)


def test_piped_commands_print_no_bar(cli: CliRunner, demo: Path, tmp_path: Path) -> None:
    code, out, err = cli("ops", "export", "--store", str(demo))
    assert code == 0
    dump = tmp_path / "ops.jsonl"
    dump.write_text(out)
    code, out, err = cli("ops", "import", str(dump), "--store", str(demo))
    assert code == 0 and "already present" in out
    assert err == ""
