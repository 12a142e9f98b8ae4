"""cohort thread new / post / threads / read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.unit.conftest import CliRunner

HOSTILE = "[bold]x[/bold] \x1b]52;c;SGVsbG8=\x07\x1b[2J\u202eevil [@click=app.quit]"


def test_new_post_read_and_unread(cli: CliRunner, demo: Path, tmp_path: Path) -> None:
    body_file = tmp_path / "body.md"
    body_file.write_text("How do I write JSON with **accents**? @priya")
    code, out, _ = cli(
        "thread",
        "new",
        "--title",
        "Accents in JSON",
        "--body-file",
        str(body_file),
        "--lesson",
        "io-json",
        "--tag",
        "json",
        "--store",
        str(demo),
    )
    thread = out.strip()
    assert code == 0 and thread.startswith("t_")
    code, out, _ = cli("threads", "--unread", "--json", "--as", "priya", "--store", str(demo))
    mine = next(r for r in json.loads(out) if r["id"] == thread)
    assert mine["unread"] == 1 and mine["lesson"] == "io-json" and mine["tags"] == ["json"]
    code, out, _ = cli(
        "post",
        thread,
        "--body",
        "ensure_ascii=False",
        "--reply-to",
        "nope",
        "--as",
        "priya",
        "--store",
        str(demo),
    )
    assert code == 1
    code, out, _ = cli(
        "post",
        thread,
        "--body",
        "ensure_ascii=False",
        "--as",
        "priya",
        "--store",
        str(demo),
    )
    assert code == 0 and out.strip().startswith("p_")
    code, out, _ = cli("read", thread, "--as", "priya", "--store", str(demo))
    assert "Accents in JSON" in out and "@sam" in out and "ensure_ascii=False" in out
    code, out, _ = cli("threads", "--unread", "--json", "--as", "priya", "--store", str(demo))
    assert thread not in {r["id"] for r in json.loads(out)}  # reading marked it read


def test_hostile_text_is_printed_literally_without_escapes(cli: CliRunner, demo: Path) -> None:
    code, out, _ = cli("thread", "new", "--title", HOSTILE, "--body", HOSTILE, "--store", str(demo))
    thread = out.strip()
    code, out, _ = cli("read", thread, "--store", str(demo))
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "[bold]x[/bold]" in out and "⟪U+202E⟫evil" in out
    code, out, _ = cli("threads", "--store", str(demo))
    assert "\x1b" not in out


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["thread", "new", "--title", "", "--body", "x"], "--title must be"),
        (["thread", "new", "--title", "t", "--body", "  "], "the body is empty"),
        (["thread", "new", "--title", "t", "--body", "x", "--lesson", "zzz"], "no lesson 'zzz'"),
        (["post", "t_missing", "--body", "x"], "no thread 't_missing'"),
        (["read", "t_missing"], "no thread 't_missing'"),
        (["thread", "new", "--title", "t", "--body-file", "/nonexistent"], "does not exist"),
    ],
)
def test_errors_are_one_line(cli: CliRunner, demo: Path, argv: list[str], needle: str) -> None:
    code, _, err = cli(*argv, "--store", str(demo))
    assert code == 1 and needle in err and len(err.strip().splitlines()) == 1
