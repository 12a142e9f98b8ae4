"""The CLI contract: commands, outputs, and one-line errors without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.unit.conftest import CliRunner


def test_demo_and_status(cli: CliRunner, tmp_path: Path) -> None:
    code, out, _ = cli("demo", str(tmp_path / "d"))
    assert code == 0 and "wrote the demo cohort" in out
    code, out, _ = cli("status", "--store", str(tmp_path / "d"))
    assert code == 0 and "progress" in out and "@sam" in out
    code, out, _ = cli("--store", str(tmp_path / "d"), "status", "--tmux")
    assert code == 0 and len(out.strip().splitlines()) == 1
    code, out, _ = cli("status", "--store", str(tmp_path / "d"), "--json", "--as", "priya")
    data = json.loads(out)
    assert data["member"]["handle"] == "priya"
    assert data["progress"]["total"] >= 10


def test_export_is_deterministic_across_replicas_and_members(
    cli: CliRunner, tmp_path: Path, demo: Path
) -> None:
    code, log_text, _ = cli("ops", "export", "--store", str(demo))
    other = tmp_path / "other"
    cli("init", str(other), "--name", "x", "--handle", "zed")
    # A second replica holding the same ops prints the same bytes.
    replica2 = tmp_path / "replica2"
    from cohort_tui.store.workspace import StoreConfig, write_config

    replica2.mkdir()
    write_config(replica2, StoreConfig(cohort="c_demo", node="n_other", default_member="m_ada"))
    (replica2 / "ops.jsonl").touch()
    src = tmp_path / "ops.jsonl"
    src.write_text(log_text)
    code, out, _ = cli("ops", "import", str(src), "--store", str(replica2))
    assert code == 0 and "imported" in out
    code, a, _ = cli("export", "--store", str(demo))
    code, b, _ = cli("export", "--store", str(replica2), "--as", "ada")
    assert a == b
    data = json.loads(a)
    for key in (
        "cohort",
        "members",
        "modules",
        "lessons",
        "progress",
        "threads",
        "posts",
        "submissions",
        "reviews",
        "milestones",
        "sessions",
    ):
        assert key in data
        if isinstance(data[key], list):
            assert all("id" in row for row in data[key])
    code, out, _ = cli("ops", "import", str(src), "--store", str(replica2))
    assert "imported 0 op(s)" in out


def test_markdown_export(cli: CliRunner, demo: Path) -> None:
    code, out, _ = cli("export", "--format", "markdown", "--store", str(demo))
    assert code == 0 and out.startswith("# ") and "## Milestones" in out


def test_import_is_all_or_nothing(cli: CliRunner, tmp_path: Path, demo: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    good = (
        '{"id":"x1","kind":"progress.set","author":"m_sam","clock":[1795000000001,0,"n"],'
        '"data":{"lesson":"nope","status":"done"}}'
    )
    bad.write_text(good + "\n{broken\n")
    before = (demo / "ops.jsonl").read_bytes()
    code, _, err = cli("ops", "import", str(bad), "--store", str(demo))
    assert code == 1 and "line 2" in err and "nothing was imported" in err
    assert (demo / "ops.jsonl").read_bytes() == before


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["status", "--store", "/nonexistent/x"], "does not exist"),
        (["status", "--as", "ghost"], "no member 'ghost'"),
        (["ops", "import", "/nonexistent.jsonl"], "does not exist"),
        (["init", "IGNORED", "--name", "x", "--handle", "Bad Handle"], "handle"),
        (["--open", "nowhere"], "--open takes"),
    ],
)
def test_user_errors_are_one_line(cli: CliRunner, demo: Path, argv: list[str], needle: str) -> None:
    if "--store" not in argv and argv[0] != "init":
        argv = [*argv, "--store", str(demo)] if argv[0] != "--open" else argv
    code, _, err = cli(*argv)
    assert code != 0
    assert needle in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_init_refuses_a_non_empty_directory(cli: CliRunner, demo: Path) -> None:
    code, _, err = cli("init", str(demo), "--name", "x", "--handle", "ann")
    assert code == 1 and "not empty" in err


def test_init_with_curriculum_imports_it(cli: CliRunner, tmp_path: Path) -> None:
    from cohort_tui.paths import demo_curriculum_dir

    code, _, _ = cli(
        "init",
        str(tmp_path / "n"),
        "--name",
        "New",
        "--handle",
        "ann",
        "--curriculum",
        str(demo_curriculum_dir()),
    )
    assert code == 0
    code, out, _ = cli("export", "--store", str(tmp_path / "n"))
    assert len(json.loads(out)["lessons"]) >= 10


def test_repair_sets_damaged_lines_aside(cli: CliRunner, demo: Path) -> None:
    log = demo / "ops.jsonl"
    lines = log.read_bytes().splitlines(keepends=True)
    log.write_bytes(b"".join([*lines[:5], b"garbage\n", *lines[5:]]))
    code, _, err = cli("status", "--store", str(demo))
    assert code == 1 and "line 6" in err and "cohort repair" in err
    code, out, _ = cli("repair", "--store", str(demo))
    assert code == 0 and "set 1 damaged line(s) aside" in out
    assert (demo / "ops.rejected.jsonl").read_bytes() == b"garbage\n"
    code, _, _ = cli("status", "--store", str(demo))
    assert code == 0


def test_default_store_is_created_from_the_demo(cli: CliRunner) -> None:
    code, _out, err = cli("status")
    assert code == 0 and "created the demo cohort" in err


def test_scripting_commands_never_import_textual(demo: Path) -> None:
    code = (
        "import sys; from cohort_tui.cli import main; main(['status', '--tmux', '--store', "
        f"{str(demo)!r}]); main(['export', '--store', {str(demo)!r}]); "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'httpx')]; "
        "assert not bad, bad"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_python_dash_m_runs_the_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cohort_tui", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0 and "cohort-tui" in result.stdout


def test_status_loads_only_its_own_command_module(tmp_path: Path) -> None:
    import subprocess
    import sys

    from cohort_tui.demo.seed import write_demo_store

    write_demo_store(tmp_path / "s")
    code = (
        "import sys; from cohort_tui.cli import main;"
        f"main(['--store', {str(tmp_path / 's')!r}, 'status', '--tmux']);"
        "print(sorted(m for m in sys.modules if m.startswith('cohort_tui.commands.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = out.stdout.strip().splitlines()[-1]
    assert loaded == "['cohort_tui.commands.context', 'cohort_tui.commands.status']"


def test_status_tmux_reuses_its_line_until_the_log_changes(cli: CliRunner, demo: Path) -> None:
    from cohort_tui.domain import op_kinds as k
    from cohort_tui.store.workspace import Replica

    # The cache is per minute: start well inside one, so both runs below share it.
    while time.time() % 60 > 45:
        time.sleep(0.5)
    code, first, _ = cli("status", "--tmux", "--store", str(demo))
    assert code == 0 and "unread" in first
    cached = json.loads((demo / "local" / "status-tmux.json").read_text())
    assert cached[""]["line"] == first.strip()
    # A second run in the same minute opens no store: the line comes from the cache.
    script = (
        "import sys; from cohort_tui.cli import main;"
        f"main(['status', '--tmux', '--store', {str(demo)!r}]);"
        "print('opened' if 'cohort_tui.store.workspace' in sys.modules else 'cached')"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == [first.strip(), "cached"]
    # Another member asks: their own line. A new op from anyone: a fresh line.
    assert cli("status", "--tmux", "--store", str(demo), "--as", "priya")[1] != first
    other = Replica(demo)
    thread = next(iter(other.state.threads))
    other.write(k.PostCreate(post="p_new", thread=thread, body="news"), author="m_priya")
    _, again, _ = cli("status", "--tmux", "--store", str(demo))
    assert again != first and again.strip().endswith(("unread", "@"))
