"""``cohort report``: text, --json, --markdown on the demo store at a pinned time."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

from cohort_tui.cli import command_modules
from cohort_tui.domain import op_kinds as k
from cohort_tui.store.workspace import Replica
from tests.unit.conftest import DEMO_NOW, CliRunner


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every command module is loaded first: one that imports ``now_ms`` by name while it
    # is pinned here would keep the pinned clock for the rest of the process (a later
    # test in the same worker then saw the demo's review assignments as fresh).
    for name in command_modules():
        importlib.import_module(name)
    monkeypatch.setattr("cohort_tui.commands.context.now_ms", lambda: DEMO_NOW)


def test_text_report(cli: CliRunner, demo: Path) -> None:
    code, out, err = cli("report", "--store", str(demo), "--as", "ada")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "Cohort report: Python Pod · Autumn"
    assert lines[1] == "2026-11-18 11:06 UTC · 7 learners, 9 members"
    for heading in ("Completion", "Participation", "At risk (3)"):
        assert heading in lines
    assert "  lessons done        51 of 91 (56%)" in lines
    # Jonas and Omar's team project counts for each of them.
    assert "  projects approved   2 of 7 (29%) (2 through a team)" in lines
    assert "  2026-10-22 .. 2026-10-28   no learners yet" in lines
    assert "  2026-11-12 .. 2026-11-18      7 of 7    ########## 100%" in lines
    # Participation rows line up: every count column ends at the same cell.
    rows = [line for line in lines if line.startswith("  @") and line.endswith(("today", "ago"))]
    assert len(rows) == 9
    assert len({len(line.rsplit("  ", 1)[0]) for line in rows}) == 1
    at_risk = lines[lines.index("At risk (3)") + 1 :]
    assert at_risk[:3] == [
        "  @tomas          Tomás Silva",
        "      behind on 'Toolbox ready': 1 of 3 left, 7d overdue",
        "      behind on 'Core language': 4 of 4 left, 18h overdue",
    ]
    assert max(len(line) for line in lines) <= 80


def test_json_report_is_stable_and_complete(cli: CliRunner, demo: Path) -> None:
    code, out, _ = cli("report", "--json", "--store", str(demo), "--as", "lin")
    assert code == 0
    data = json.loads(out)
    assert list(data) == [
        "generated_at",
        "cohort",
        "cohort_name",
        "members",
        "learners",
        "lessons",
        "projects",
        "reviews",
        "skill_growth",
        "skills",
        "retention",
        "participation",
        "at_risk",
        "reviewers",  # added by issue 13: new keys only ever go at the end
        "unstuck",  # issue 13's stuck ladder
        "team_projects",  # issue 16
    ]
    assert data["generated_at"] == DEMO_NOW and data["learners"] == 7
    assert data["lessons"] == {"done": 51, "total": 91, "rate": 51 / 91}
    assert len(data["retention"]) == 4
    assert {"member", "reasons", "reason", "behind", "inactive_days"} <= set(data["at_risk"][0])
    _, again, _ = cli("report", "--json", "--store", str(demo), "--as", "lin", "--weeks", "4")
    assert again == out  # same ops, same time: same bytes
    _, six, _ = cli("report", "--json", "--store", str(demo), "--as", "lin", "--weeks", "6")
    assert len(json.loads(six)["retention"]) == 6


def test_markdown_report(cli: CliRunner, demo: Path) -> None:
    code, out, _ = cli("report", "--markdown", "--store", str(demo), "--as", "ada")
    assert code == 0
    assert out.startswith("# Cohort report: Python Pod · Autumn\n")
    for heading in ("## Completion", "## Retention", "## Participation", "## At risk (3)"):
        assert f"\n{heading}\n" in out
    assert "| lessons | 51 | 91 | 56% |" in out
    assert "| @tomas | Tomás Silva |" in out


def test_member_text_is_sanitised(cli: CliRunner, demo: Path) -> None:
    Replica(demo).write(
        k.MemberUpdate(member="m_tomas", display_name="T\x1b[2J|*x*\u202e\nrm"), author="m_ada"
    )
    _, text, _ = cli("report", "--store", str(demo), "--as", "ada")
    _, md, _ = cli("report", "--markdown", "--store", str(demo), "--as", "ada")
    _, raw, _ = cli("report", "--json", "--store", str(demo), "--as", "ada")
    for out in (text, md):
        assert "\x1b" not in out and "\u202e" not in out and "⟪U+202E⟫" in out
    assert "T|*x*⟪U+202E⟫ rm" in text
    assert "| T\\|\\*x\\*⟪U+202E⟫ rm |" in md
    # JSON carries the raw text, escaped by the encoder: consumers sanitise to show.
    assert "\x1b" not in raw and "\\u001b" in raw


def test_learners_may_not_read_the_report(cli: CliRunner, demo: Path) -> None:
    code, out, err = cli("report", "--store", str(demo))  # the demo acts as @sam
    assert code == 1 and out == ""
    assert err == "cohort: only facilitators and mentors may read the report; try --as ada\n"


def test_bad_store_and_bad_weeks_are_one_line_errors(
    cli: CliRunner, demo: Path, tmp_path: Path
) -> None:
    code, _, err = cli("report", "--store", str(tmp_path / "nowhere"), "--as", "ada")
    assert code != 0 and len(err.strip().splitlines()) == 1 and err.startswith("cohort: ")
    (demo / "store.toml").write_text("this is [not toml", "utf-8")
    code, _, err = cli("report", "--store", str(demo), "--as", "ada")
    assert code != 0 and len(err.strip().splitlines()) == 1 and "store.toml" in err
    code, _, err = cli("report", "--weeks", "0", "--store", str(demo))
    assert code == 2 and err.strip() == "cohort: --weeks takes a number from 1 to 52"


def test_columns_count_terminal_cells() -> None:
    from cohort_tui.domain.report_text import cells, duration, pad, who

    assert cells("李小龍") == 6 and cells("e\u0301") == 1 and cells("abc") == 3
    assert pad("李", 4) == "李  "
    assert cells(who("li", "李小龍")) == cells(who("x" * 40, "y" * 40)) == 36
    assert [duration(v) for v in (None, 0, 59 * 60_000, 61 * 60_000, 49 * 3_600_000)] == [
        "-",
        "0m",
        "59m",
        "1h 01m",
        "2d 1h",
    ]


def test_report_on_a_new_empty_cohort(cli: CliRunner, tmp_path: Path) -> None:
    store = str(tmp_path / "new")
    assert cli("init", store, "--name", "Fresh", "--handle", "fay")[0] == 0
    code, text, _ = cli("report", "--store", store)
    assert code == 0 and "nothing to count yet" in text and "At risk (0)" in text
    assert "  reviews    none yet" in text.splitlines()
    code, md, _ = cli("report", "--markdown", "--store", store)
    assert code == 0 and "No member has rated a lesson" in md and "Nobody:" in md
    code, raw, _ = cli("report", "--json", "--store", store)
    data = json.loads(raw)
    assert data["learners"] == 1 and data["reviews"]["median_ms"] is None


def test_reviewer_figures_in_every_format(cli: CliRunner, demo: Path) -> None:
    """The demo: @lin answered two assignments in 28h each (one review marked helpful) and
    has one waiting; @sam answered two in 32h and 28h (median 30h, p90 the 2nd of 2) and
    has one waiting."""
    _, text, _ = cli("report", "--store", str(demo), "--as", "ada")
    lines = text.splitlines()
    start = lines.index("Reviewers (assignment to review; target 48h)")
    assert lines[start + 1 : start + 4] == [
        "  reviewer        assigned  done  waiting   median      p90  on target  helpful",
        "  @lin                   3     2        1  28h 00m  28h 00m       100%        1",
        "  @sam                   3     2        1  30h 00m  32h 00m       100%        0",
    ]
    _, md, _ = cli("report", "--markdown", "--store", str(demo), "--as", "ada")
    assert "\n## Reviewers\n" in md
    assert "| @lin | 3 | 2 | 1 | 0 | 28h 00m | 28h 00m | 100% | 1 |" in md
    _, raw, _ = cli("report", "--json", "--store", str(demo), "--as", "ada")
    lin = json.loads(raw)["reviewers"][0]
    assert list(lin) == [
        "member",
        "handle",
        "name",
        "assigned",
        "done",
        "waiting",
        "handed_on",
        "median_ms",
        "p90_ms",
        "within_target",
        "reviews",
        "helpful",
    ]
    assert lin["handle"] == "lin" and lin["within_target"] == {"done": 2, "total": 2, "rate": 1.0}
