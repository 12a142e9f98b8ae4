"""cohort lessons / progress / check / curriculum import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cohort_tui.paths import demo_curriculum_dir
from tests.unit.conftest import CliRunner


def test_lessons_json_has_every_state(cli: CliRunner, demo: Path) -> None:
    code, out, _ = cli("lessons", "--json", "--store", str(demo))
    rows = json.loads(out)
    assert code == 0 and len(rows) == 13
    assert {r["state"] for r in rows} == {"done", "doing", "open", "locked"}
    assert all(r["learners"] == 7 for r in rows)
    code, out, _ = cli("lessons", "--store", str(demo))
    assert "▸ doing" in out and "⊘ locked" in out


def test_progress_then_lessons(cli: CliRunner, demo: Path) -> None:
    code, out, _ = cli("progress", "quality-pytest", "--status", "done", "--store", str(demo))
    assert code == 0 and out.strip() == "quality-pytest: done"
    code, out, _ = cli("lessons", "--json", "--store", str(demo))
    assert next(r for r in json.loads(out) if r["id"] == "quality-pytest")["state"] == "done"
    code, _, err = cli("progress", "nope", "--status", "done", "--store", str(demo))
    assert code == 1 and "no lesson 'nope'" in err


def test_check_exit_code_is_the_result(
    cli: CliRunner, demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    code, out, err = cli("check", "core-functions", "--store", str(demo))
    assert code == 1 and "does not exist" in out and "failed" in err
    (work / "fizzbuzz.py").write_text(
        "def fizzbuzz(n):\n    return ['FizzBuzz' if i % 15 == 0 else 'Fizz' if i % 3 == 0 "
        "else 'Buzz' if i % 5 == 0 else str(i) for i in range(1, n + 1)]\n"
    )
    code, out, err = cli("check", "core-functions", "--store", str(demo), "--as", "tomas")
    assert code == 0 and "All checks passed." in out and "marked done" in err
    code, _, err = cli("check", "setup-git", "--store", str(demo))
    assert code == 1 and "has no check" in err


def test_a_check_that_passes_after_failing_records_how_it_ended(
    cli: CliRunner, demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cohort_tui.store.workspace import Replica

    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    assert cli("check", "core-functions", "--store", str(demo), "--as", "sam")[0] == 1
    (work / "fizzbuzz.py").write_text(
        "def fizzbuzz(n):\n    return ['FizzBuzz' if i % 15 == 0 else 'Fizz' if i % 3 == 0 "
        "else 'Buzz' if i % 5 == 0 else str(i) for i in range(1, n + 1)]\n"
    )
    assert cli("check", "core-functions", "--store", str(demo), "--as", "sam")[0] == 0
    assert cli("check", "core-functions", "--store", str(demo), "--as", "sam")[0] == 0
    state = Replica(demo).state
    assert state.unstuck == {"core-functions": {"alone": 1}}  # once: the spell ended once
    assert not [r for r in state.refused if r.kind == "check.unstuck"]


def test_check_defaults_to_the_lesson_i_am_on(
    cli: CliRunner, demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    # Tomás is on the git lesson, which has no check: the message names the lesson.
    code, _, err = cli("check", "--store", str(demo), "--as", "tomas")
    assert code == 1 and "lesson 'setup-git' has no check" in err


def test_import_needs_a_curator_or_facilitator(cli: CliRunner, demo: Path) -> None:
    code, _, err = cli("curriculum", "import", str(demo_curriculum_dir()), "--store", str(demo))
    assert code == 1 and "not a facilitator or curator" in err
    code, out, _ = cli(
        "curriculum",
        "import",
        str(demo_curriculum_dir()),
        "--store",
        str(demo),
        "--as",
        "omar",
    )
    assert code == 0 and "already up to date" in out
