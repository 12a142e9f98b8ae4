"""CLI edges of join, invite, sync and serve that need no running server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cohort_tui.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_cli_does_not_load_the_server_framework() -> None:
    code = (
        "import sys; from cohort_tui.cli import build_parser; build_parser(); "
        "assert not {'starlette', 'uvicorn', 'httpx'} & set(sys.modules), sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_serve_without_the_server_extra_says_what_to_install(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    code, _, err = run(capsys, "serve", "--db", str(tmp_path / "s.db"))
    assert code == 1 and "pip install 'cohort-tui[server]'" in err


def test_new_cohort_prints_json_and_refuses_bad_paths(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import json

    code, out, _ = run(
        capsys, "server", "new-cohort", "--db", str(tmp_path / "s.db"), "--name", "X"
    )
    body = json.loads(out)
    assert code == 0 and body["cohort"].startswith("c_") and body["invite"].startswith("inv_")
    code, _, err = run(capsys, "server", "new-cohort", "--db", str(tmp_path), "--name", "X")
    assert code == 1 and "directory" in err
    code, _, err = run(
        capsys, "server", "new-cohort", "--db", str(tmp_path / "s.db"), "--name", " "
    )
    assert code == 2


def test_sync_and_invite_on_a_store_without_a_server(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    store = str(tmp_path / "local")
    assert run(capsys, "init", store, "--name", "Solo", "--handle", "me")[0] == 0
    code, _, err = run(capsys, "sync", "--store", store)
    assert code == 1 and "no server" in err and "Traceback" not in err
    code, _, err = run(capsys, "invite", "--store", store)
    assert code == 1 and "join" in err


def test_join_refuses_bad_input_before_touching_the_network(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "join", "ftp://x", "--invite", "i", "--handle", "ok")
    assert code == 2 and "server URL" in err
    code, _, err = run(capsys, "join", "http://127.0.0.1:9", "--invite", "i", "--handle", "No!")
    assert code == 2 and "handle" in err
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "file.txt").write_text("x")
    code, _, err = run(
        capsys, "join", "http://127.0.0.1:9", "--invite", "i", "--handle", "ok",
        "--store", str(tmp_path / "busy"),
    )  # fmt: skip
    assert code == 1 and "not a cohort store" in err


def test_join_with_the_server_down_is_one_clear_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(
        capsys, "join", "http://127.0.0.1:9", "--invite", "inv_x", "--handle", "ok",
        "--store", str(tmp_path / "new"),
    )  # fmt: skip
    assert code == 1 and "cannot reach the server" in err
    assert err.count("\n") == 1
