"""cohort team / cohort pod / cohort thread new --pod: the CLI on the demo cohort."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.unit.conftest import CliRunner


def _json(cli: CliRunner, *argv: str) -> object:
    code, out, err = cli(*argv, "--json")
    assert code == 0, err
    return json.loads(out)


def test_demo_team_shows_members_and_contributions(cli: CliRunner, demo: Path) -> None:
    rows = _json(cli, "team", "list", "--store", str(demo))
    assert isinstance(rows, list) and len(rows) == 1
    team = rows[0]
    assert team["name"] == "Bash Refugees" and team["status"] == "approved"
    assert [m["handle"] for m in team["members"]] == ["jonas", "omar"]
    by = {c["handle"]: c for c in team["contributions"]}
    assert len(by["jonas"]["revisions"]) == 1 and len(by["omar"]["revisions"]) == 1
    assert len(by["jonas"]["replies"]) == 1
    code, out, _ = cli("team", "show", team["team"], "--store", str(demo))
    assert code == 0 and "joined @omar by @omar" in out


def test_team_new_invite_accept_and_submit_as_the_team(
    cli: CliRunner, demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ["--store", str(demo)]
    code, out, err = cli(
        "team",
        "new",
        "--lesson",
        "quality-notes-project",
        "--with",
        "@mei",
        "--name",
        "Night \x1b[31mOwls",
        *store,
        "--as",
        "tomas",
    )
    assert code == 0, err
    team_id = out.splitlines()[0]
    assert "\x1b" not in out
    code, _, err = cli("team", "accept", *store, "--as", "priya")
    assert code == 1 and "no invitation" in err
    team = _json(cli, "team", "accept", *store, "--as", "mei")
    assert isinstance(team, dict) and [m["handle"] for m in team["members"]] == ["tomas", "mei"]
    work = tmp_path / "work"
    work.mkdir()
    (work / "notes.py").write_text("print('notes')\n")
    monkeypatch.chdir(work)
    code, out, err = cli(
        "submit",
        "--lesson",
        "quality-notes-project",
        "--title",
        "owls",
        "notes.py",
        *store,
        "--as",
        "mei",
    )
    assert code == 0, err
    assert "submitted for team Night" in err
    sub_id = out.strip()
    inbox = _json(cli, "reviews", *store, "--as", "tomas")
    assert isinstance(inbox, dict)
    mine = [s for s in inbox["my_submissions"] if s["submission"] == sub_id]
    assert mine and mine[0]["team"] == team_id and mine[0]["authors"] == ["m_tomas", "m_mei"]
    code, _, err = cli("submit", "--revise", sub_id, "notes.py", *store, "--as", "tomas")
    assert code == 0, err
    code, _, err = cli("team", "new", "--lesson", "setup-terminal", *store, "--as", "tomas")
    assert code == 1 and "solo project" in err


def test_facilitator_sets_a_team_and_learners_cannot(cli: CliRunner, demo: Path) -> None:
    store = ["--store", str(demo)]
    team = _json(cli, "team", "list", *store)
    assert isinstance(team, list)
    team_id = team[0]["team"]
    code, _, err = cli("team", "set", team_id, "--name", "x", *store, "--as", "zoe")
    assert code == 1 and "only a facilitator" in err
    changed = _json(cli, "team", "set", team_id, "--name", "Shell Exiles", *store, "--as", "ada")
    assert isinstance(changed, dict) and changed["name"] == "Shell Exiles"


def test_pods_rotate_keeps_history_and_channels_are_for_members(cli: CliRunner, demo: Path) -> None:
    store = ["--store", str(demo)]
    pods = _json(cli, "pod", "list", "--all", *store)
    assert isinstance(pods, list) and [p["active"] for p in pods] == [True, True, False, False]
    code, out, err = cli("pod", "rotate", "--size", "3", "--round", "week 3", *store, "--as", "ada")
    assert code == 0, err and out
    after = _json(cli, "pod", "list", "--all", *store)
    assert isinstance(after, list) and sum(p["active"] for p in after) == 3 and len(after) == 7
    code, _, err = cli("pod", "rotate", *store, "--as", "sam")
    assert code == 1 and "only a facilitator" in err
    mine = _json(cli, "pod", "show", *store, "--as", "sam")
    assert isinstance(mine, dict) and mine["threads"] == []
    code, out, err = cli(
        "thread",
        "new",
        "--title",
        "pod hello",
        "--body",
        "hi",
        "--pod",
        "mine",
        *store,
        "--as",
        "sam",
    )
    assert code == 0, err
    thread_id = out.strip()
    mine = _json(cli, "pod", "show", *store, "--as", "sam")
    assert isinstance(mine, dict) and mine["threads"] == [thread_id]
    handles = [m["handle"] for m in mine["members"]]
    outsider = next(
        h for h in ("priya", "tomas", "zoe", "jonas", "mei", "omar") if h not in handles
    )
    seen = _json(cli, "threads", *store, "--as", outsider)
    assert isinstance(seen, list) and thread_id not in [t["id"] for t in seen]
    seen = _json(cli, "threads", *store, "--as", "lin")  # a mentor sees every pod
    assert isinstance(seen, list) and thread_id in [t["id"] for t in seen]
    code, _, err = cli("post", thread_id, "--body", "sneaky", *store, "--as", outsider)
    assert code == 1 and "only the pod's members" in err


def test_pod_new_join_and_review_preference(cli: CliRunner, demo: Path) -> None:
    store = ["--store", str(demo)]
    code, _, err = cli("pod", "new", "Loners", "--size", "9", *store, "--as", "ada")
    assert code == 1 and "3 to 6" in err
    code, out, err = cli(
        "pod", "new", "Open <b>[red]house", "--size", "3", "--open", *store, "--as", "ada"
    )
    assert code == 0, err
    pod_id = out.splitlines()[0]
    code, _, err = cli("pod", "join", pod_id, *store, "--as", "lin")
    assert code == 0, err
    code, _, err = cli("pod", "join", pod_id, *store, "--as", "sam")
    assert code == 1 and "another pod" in err
    assert _json(cli, "pod", "prefer", "other", *store, "--as", "ada") == {"review_pods": "other"}
    code, _, err = cli("pod", "prefer", "same", *store, "--as", "sam")
    assert code == 1 and "only a facilitator" in err
