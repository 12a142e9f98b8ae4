"""``cohort chat send`` and ``cohort chat tail``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cohort_tui.cli import main
from cohort_tui.domain import op_kinds as k


@pytest.fixture
def store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    root = tmp_path / "s"
    assert main(["demo", str(root)]) == 0
    capsys.readouterr()
    return str(root)


def test_send_then_tail_as_json(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["chat", "send", "anyone  up\nfor pairing?", "--store", store]) == 0
    message_id = capsys.readouterr().out.strip()
    assert message_id.startswith("c_")
    assert main(["chat", "tail", "-n", "2", "--json", "--store", store, "--as", "priya"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["channel"] == "cohort" and out["unread"] >= 1
    last = out["messages"][-1]
    assert (last["id"], last["handle"], last["text"]) == (
        message_id,
        "sam",
        "anyone up for pairing?",
    )
    assert len(out["messages"]) == 2


def test_tail_prints_lines_and_marks_read(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["chat", "tail", "--store", store, "--mark-read"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 20 and lines[-1].endswith("Lin's review tip")
    assert main(["chat", "tail", "--json", "--store", store]) == 0
    assert json.loads(capsys.readouterr().out)["unread"] == 0


def test_bad_messages_and_channels_are_refused_clearly(
    store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["chat", "send", "   ", "--store", store]) == 1
    assert "type a message" in capsys.readouterr().err
    assert main(["chat", "send", "x" * (k.CHAT_MAX_CHARS + 1), "--store", store]) == 1
    assert "at most 500 characters" in capsys.readouterr().err
    assert main(["chat", "send", "hi", "--channel", "pod:none", "--store", store]) == 1
    assert "unknown channel pod:none (channels: cohort, pod:Kestrels)" in capsys.readouterr().err
    assert main(["chat", "tail", "-n", "0", "--store", store]) == 1


def test_hostile_text_is_escaped_in_json_and_cleaned_in_lines(
    store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = "\x1b]52;c;SGVsbG8=\x07 \u202eevil [b]x[/b]"
    assert main(["chat", "send", hostile, "--store", store]) == 0
    capsys.readouterr()
    assert main(["chat", "tail", "-n", "1", "--json", "--store", store]) == 0
    raw = capsys.readouterr().out
    assert "\x1b" not in raw and "\u202e" not in raw
    assert json.loads(raw)["messages"][0]["text"].endswith("\u202eevil [b]x[/b]")
    assert main(["chat", "tail", "-n", "1", "--store", store]) == 0
    line = capsys.readouterr().out
    assert "\x1b" not in line and "\u202e" not in line and "⟪U+202E⟫evil [b]x[/b]" in line


def test_a_pod_channel_by_name(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            ["chat", "send", "kestrels, sync at 6?", "--channel", "pod:kestrels", "--store", store]
        )
        == 0
    )
    capsys.readouterr()
    assert (
        main(["chat", "tail", "--channel", "Kestrels", "--json", "--store", store, "--as", "omar"])
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert out["channel"].startswith("pod:pod_")
    assert out["messages"][-1]["text"] == "kestrels, sync at 6?"
    assert (
        main(["chat", "tail", "--channel", "pod:kestrels", "--store", store, "--as", "priya"]) == 1
    )
    assert "unknown channel pod:kestrels (channels: cohort, pod:Badgers)" in capsys.readouterr().err
