"""cohort submit / reviews / review, on the demo store and a real git repository."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.unit.conftest import CliRunner

PROJECT = "quality-notes-project"
V1 = "def load():\n    return []\n"
V2 = "def load():\n    return []\n\n\ndef save(notes):\n    print(notes)\n"

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _git(repo: Path, *argv: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.org", *argv],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with two commits of notes.py, as the current directory."""
    path = tmp_path / "repo"
    path.mkdir()
    _git(path, "init", "-q")
    (path / "notes.py").write_text(V1)
    _git(path, "add", "notes.py")
    _git(path, "commit", "-q", "-m", "one")
    (path / "notes.py").write_text(V2)
    _git(path, "commit", "-q", "-am", "two")
    monkeypatch.chdir(path)
    return path


def _inbox(cli: CliRunner, demo: Path, who: str) -> dict[str, Any]:
    code, out, err = cli("reviews", "--json", "--no-reassign", "--as", who, "--store", str(demo))
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def _handle(demo: Path, member_id: str) -> str:
    from cohort_tui.store.workspace import Replica

    return Replica(demo).state.members[member_id].handle


@needs_git
def test_git_diff_submitted_reviewed_and_seen_by_the_author(
    cli: CliRunner, demo: Path, repo: Path
) -> None:
    code, out, err = cli(
        "submit",
        "--lesson",
        PROJECT,
        "--title",
        "notes: save",
        "--message",
        "Adds save().",
        "--diff",
        "HEAD~1..HEAD",
        "--as",
        "mei",
        "--store",
        str(demo),
    )
    assert code == 0, err
    sid = out.strip()
    assert sid.startswith("s_") and "waiting on @" in err
    code, out, _ = cli("review", "show", sid, "--store", str(demo))
    header = out.splitlines()[1]
    assert re.search(r"HEAD~1\.\.HEAD \([0-9a-f]{10}\.\.[0-9a-f]{10}\)$", header), header
    assert "    6  +    print(notes)" in out.splitlines()
    mine = _inbox(cli, demo, "mei")["my_submissions"]
    row = next(r for r in mine if r["submission"] == sid)
    assert row["status"] == "awaiting" and len(row["waiting_on"]) == 2
    reviewer = _handle(demo, row["waiting_on"][0])
    todo = _inbox(cli, demo, reviewer)["to_review"]
    assert any(t["submission"] == sid and t["author_handle"] == "mei" for t in todo)

    code, out, err = cli(
        "review",
        sid,
        "--verdict",
        "changes",
        "--score",
        "correctness=Works",
        "--score",
        "Tests=0",
        "--comment",
        "Good start; save() should write the file.",
        "--line",
        "notes.py:6=print is not saving",
        "--as",
        reviewer,
        "--store",
        str(demo),
    )
    assert code == 0, err
    review_id = out.strip()
    assert review_id.startswith("v_")

    row = next(r for r in _inbox(cli, demo, "mei")["my_submissions"] if r["submission"] == sid)
    assert row["status"] == "changes"
    (review,) = row["reviews"]
    assert review["review"] == review_id and review["verdict"] == "changes"
    assert review["scores"] == {"correctness": 3, "tests": 0}
    assert review["lines"] == [
        {"id": "c1", "path": "notes.py", "line": 6, "body": "print is not saving"}
    ]
    done = _inbox(cli, demo, reviewer)["done"]
    assert done[0]["submission"] == sid and done[0]["verdict"] == "changes"

    # The author revises with files; the reviewer who asked for changes is asked again.
    (repo / "notes.py").write_text(V2.replace("print(notes)", "Path('n').write_text(notes)"))
    code, out, err = cli("submit", "--revise", sid, "notes.py", "--as", "mei", "--store", str(demo))
    assert code == 0 and out.strip() == sid, err
    row = next(r for r in _inbox(cli, demo, "mei")["my_submissions"] if r["submission"] == sid)
    assert row["revisions"] == 2 and row["status"] == "awaiting" and row["reviews"] == []
    assert any(t["submission"] == sid for t in _inbox(cli, demo, reviewer)["to_review"])

    code, out, _ = cli("reviews", "--no-reassign", "--as", "mei", "--store", str(demo))
    assert code == 0 and "My submissions (1)" in out and "awaiting review" in out


@needs_git
@pytest.mark.parametrize(
    "rev_range, needle",
    [
        ("nope..HEAD", "git diff nope..HEAD failed: "),
        ("--output=/tmp/x", "is not a revision range"),
        ("HEAD..HEAD", "is empty: nothing changed"),
    ],
)
def test_bad_ranges_are_one_line_errors(
    cli: CliRunner, demo: Path, repo: Path, rev_range: str, needle: str
) -> None:
    before = (demo / "ops.jsonl").read_bytes()
    code, _, err = cli(
        "submit", "--lesson", PROJECT, "--title", "t", f"--diff={rev_range}", "--store", str(demo)
    )
    assert code == 1 and needle in err and len(err.strip().splitlines()) == 1
    assert (demo / "ops.jsonl").read_bytes() == before


@needs_git
def test_diff_outside_a_repository(
    cli: CliRunner, demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "plain"
    outside.mkdir()
    monkeypatch.chdir(outside)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    code, _, err = cli(
        "submit", "--lesson", PROJECT, "--title", "t", "--diff", "HEAD~1", "--store", str(demo)
    )
    assert code == 1 and "is not in a git repository" in err
    assert len(err.strip().splitlines()) == 1


def test_submit_errors_are_one_line(
    cli: CliRunner, demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ok.py").write_text("x = 1\n")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / "big.txt").write_text("x" * 600_000)
    many = []
    for i in range(51):
        (tmp_path / f"f{i}.py").write_text("pass\n")
        many.append(f"f{i}.py")
    jonas_sub = _inbox(cli, demo, "jonas")["my_submissions"][0]["submission"]
    base = ["submit", "--store", str(demo), "--as", "mei"]
    cases = [
        (["--lesson", PROJECT, "--title", "t", "ok.py", "logo.png"], "leave out: logo.png"),
        (["--lesson", PROJECT, "--title", "t", "big.txt"], "the submission is 600,000 bytes"),
        (["--lesson", PROJECT, "--title", "t", *many], "51 files given; a submission may"),
        (["--lesson", PROJECT, "--title", "t", "missing.py"], "missing.py does not exist"),
        (["--lesson", PROJECT, "--title", "t", "."], "is a directory"),
        (["--lesson", PROJECT, "--title", " ", "ok.py"], "the title is empty"),
        (["--lesson", "nope", "--title", "t", "ok.py"], "no lesson 'nope'"),
        (["--title", "t", "ok.py"], "needs --lesson LESSON and --title TITLE"),
        (["--lesson", PROJECT, "--title", "t"], "nothing to submit"),
        (["--lesson", PROJECT, "--title", "t", "--diff", "HEAD", "ok.py"], "not both"),
        (["--revise", "s_nope", "ok.py"], "no submission 's_nope'"),
        (["--revise", jonas_sub, "ok.py"], f"only the author of {jonas_sub} may revise it"),
    ]
    before = (demo / "ops.jsonl").read_bytes()
    for argv, needle in cases:
        code, out, err = cli(*base, *argv)
        assert code == 1 and out == "", argv
        assert needle in err and len(err.strip().splitlines()) == 1, (argv, err)
        assert "Traceback" not in err
    assert (demo / "ops.jsonl").read_bytes() == before


def test_review_errors_claim_and_release(
    cli: CliRunner, demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.py").write_text(V2)
    code, out, _ = cli(
        "submit", "--lesson", PROJECT, "--title", "t", "notes.py", "--as", "tomas",
        "--store", str(demo),
    )  # fmt: skip
    sid = out.strip()
    row = _inbox(cli, demo, "tomas")["my_submissions"][0]
    assigned = [_handle(demo, m) for m in row["waiting_on"]]
    outsider = next(h for h in ("zoe", "jonas", "priya", "omar") if h not in assigned)
    reviewer = assigned[0]
    base = ["--store", str(demo)]
    cases = [
        (["review", sid, "--verdict", "approve", "--as", "tomas"], "your own submission"),
        (["review", sid, "--verdict", "approve", "--as", outsider], "not assigned to review"),
        (["review", sid, "--as", reviewer], "give --verdict approve or --verdict changes"),
        (["review", "s_nope", "--verdict", "approve", "--as", reviewer], "no submission"),
        (
            ["review", sid, "--verdict", "approve", "--score", "speed=1", "--as", reviewer],
            "no criterion 'speed' in rubric notes-cli",
        ),
        (
            ["review", sid, "--verdict", "approve", "--score", "tests=lots", "--as", reviewer],
            "'lots' is not a level of tests (levels: 0=None, 1=Some, 2=Good)",
        ),
        (
            ["review", sid, "--verdict", "approve", "--line", "notes.py:99=x", "--as", reviewer],
            "notes.py has 6 lines; line 99 is not one of them",
        ),
        (
            ["review", sid, "--verdict", "approve", "--line", "other.py:1=x", "--as", reviewer],
            "no file other.py in the latest revision (files: notes.py)",
        ),
        (["review", "claim", "--as", reviewer], "usage: cohort review claim SUBMISSION"),
        (["review", "frob", sid, "--as", reviewer], "'frob' is not show, claim or release"),
        (["review", "claim", sid, "--as", outsider], "only assigned reviewers, or members with"),
        (["review", "release", sid, "--as", outsider], "you have no open assignment"),
    ]
    before = (demo / "ops.jsonl").read_bytes()
    for argv, needle in cases:
        code, _, err = cli(*argv, *base)
        assert code != 0 and needle in err, (argv, err)
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert (demo / "ops.jsonl").read_bytes() == before

    code, out, _ = cli("review", "claim", sid, "--as", reviewer, *base)
    assert code == 0 and out.startswith(f"claimed {sid} until ")
    todo = _inbox(cli, demo, reviewer)["to_review"]
    assert next(t for t in todo if t["submission"] == sid)["claimed"] is True
    code, out, _ = cli("review", "release", sid, "--as", reviewer, *base)
    assert code == 0 and out.startswith(f"released {sid}; ")
    assert not any(t["submission"] == sid for t in _inbox(cli, demo, reviewer)["to_review"])
    waiting = _inbox(cli, demo, "tomas")["my_submissions"][0]["waiting_on"]
    assert len(waiting) == 2 and reviewer not in {_handle(demo, m) for m in waiting}
    # A mentor may review without an assignment.
    code, out, _ = cli("review", sid, "--verdict", "approve", "--as", "lin", *base)
    assert code == 0 and out.startswith("v_")


def test_stale_assignments_are_reassigned_by_staff_only(cli: CliRunner, demo: Path) -> None:
    # The demo was seeded at a fixed past time, so its open assignments are days old now.
    log = demo / "ops.jsonl"
    before = log.read_bytes()
    code, out, _ = cli("reviews", "--json", "--as", "tomas", "--store", str(demo))
    assert code == 0 and json.loads(out)["reassigned"] == []
    assert log.read_bytes() == before
    code, out, _ = cli("reviews", "--json", "--as", "ada", "--store", str(demo))
    reassigned = json.loads(out)["reassigned"]
    assert code == 0 and reassigned
    from cohort_tui.store.workspace import Replica

    state = Replica(demo).state
    assert not [r for r in state.refused if r.kind == "review.reassign"]
    for row in reassigned:
        sub = state.submissions[row["submission"]]
        old = [a for a in sub.assignments if a.reviewer == row["reviewer"]]
        assert old and all(a.replaced_at is not None for a in old)
    code, out, err = cli("reviews", "--as", "ada", "--store", str(demo))
    assert code == 0 and "reassigned" not in err and "To review" in out


def test_text_inbox_sanitises_member_text(cli: CliRunner, demo: Path, tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    hostile = "evil \x1b[2J\u202etitle"
    code, out, _ = cli(
        "submit", "--lesson", PROJECT, "--title", hostile, str(tmp_path / "a.py"),
        "--as", "zoe", "--store", str(demo),
    )  # fmt: skip
    assert code == 0
    code, out, _ = cli("reviews", "--no-reassign", "--as", "zoe", "--store", str(demo))
    assert code == 0 and "\x1b" not in out and "\u202e" not in out and "evil" in out


def test_show_numbers_lines_with_comments_changes_and_warnings(
    cli: CliRunner, demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.py").write_text(V2)
    base = ["--store", str(demo)]
    code, out, _ = cli(
        "submit", "--lesson", PROJECT, "--title", "t", "notes.py", "--as", "zoe", *base
    )
    sid = out.strip()
    reviewer = _handle(demo, _inbox(cli, demo, "zoe")["my_submissions"][0]["waiting_on"][0])
    code, _, err = cli(
        "review", sid, "--verdict", "changes", "--score", "tests=Some", "--comment", "close",
        "--line", "notes.py:5=\x1b[31mred\x1b[0m save?", "--as", reviewer, *base,
    )  # fmt: skip
    assert code == 0, err
    code, out, _ = cli("review", "show", sid, *base)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "t" and "revision 1 of 1" in lines[1] and "changes" in lines[1]
    at = lines.index("    5  def save(notes):")
    assert lines[at + 1] == f"       ▸ @{reviewer}: red save?"
    assert f"─── review by @{reviewer}: changes · tests=1" in lines and "close" in lines
    # A revision with a bidi control: shown as a token, with a warning.
    (tmp_path / "notes.py").write_text(V2 + "access = 'user\u202e'  # admin\n")
    code, out, err = cli("submit", "--revise", sid, "notes.py", "--as", "zoe", *base)
    assert code == 0, err
    code, out, _ = cli("review", "show", sid, *base)
    assert "warning: this revision has invisible or bidi characters" in out
    assert "\u202e" not in out and "⟪U+202E⟫" in out and "revision 2 of 2" in out
    code, out, _ = cli("review", "show", sid, "--changes", *base)
    assert "─── notes.py (changed)" in out and "+access = 'user⟪U+202E⟫'  # admin" in out
    code, out, _ = cli("review", "show", sid, "--revision", "1", *base)
    assert "revision 1 of 2" in out and "▸ @" in out
    for argv, needle in (
        (["review", "show", sid, "--revision", "3"], "has 2 revision(s); --revision takes 1 to 2"),
        (["review", "show", sid, "--verdict", "approve"], "takes no --verdict"),
        (["review", sid, "--changes", "--verdict", "approve"], "go with `cohort review show`"),
        (["review", "claim", sid, "--changes"], "takes only a submission"),
    ):
        code, _, err = cli(*argv, *base)
        assert code != 0 and needle in err and len(err.strip().splitlines()) == 1, (argv, err)
