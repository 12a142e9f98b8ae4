"""``cohort token revoke`` on the server's database: the token is refused at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from cohort_tui.cli import main
from cohort_tui.server.storage import now_ms
from tests.sync.conftest import Api


def _revoke(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["token", "revoke", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_revoke_by_handle_refuses_the_token_on_the_running_server_at_once(
    api: Api, server_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bob, bob_token = api.join("bob")
    url = f"/v1/cohorts/{api.cohort}/ops"
    assert api.client.get(url, headers=api.auth(bob_token)).status_code == 200
    code, out, err = _revoke(capsys, "--db", server_db, "--handle", "bob")
    assert (code, err) == (0, "")
    assert out.startswith(f"revoked 1 token of @bob ({bob}) in cohort {api.cohort}")
    assert "cohort invite --claim bob" in out
    r = api.client.get(url, headers=api.auth(bob_token))
    assert r.status_code == 401 and r.json()["error"] == "unauthorized"
    assert api.client.get(url, headers=api.auth()).status_code == 200  # others keep theirs
    # Nothing left to revoke the second time; said plainly.
    code, out, _ = _revoke(capsys, "--db", server_db, "--member", bob)
    assert code == 0 and "had no token to revoke" in out


def test_a_revoked_member_comes_back_with_a_claim_invite(
    api: Api, server_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bob, _ = api.join("bob")
    assert _revoke(capsys, "--db", server_db, "--member", bob)[0] == 0
    r = api.client.post(
        f"/v1/cohorts/{api.cohort}/invites", json={"claim": "bob"}, headers=api.auth()
    )
    r = api.client.post("/v1/join", json={"invite": r.json()["invite"], "handle": "bob"})
    assert r.status_code == 200 and r.json()["member"] == bob
    headers = api.auth(r.json()["token"])
    assert api.client.get(f"/v1/cohorts/{api.cohort}/ops", headers=headers).status_code == 200


def test_revoke_errors_are_one_line(
    api: Api, server_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = server_db
    code, out, err = _revoke(capsys, "--db", db, "--handle", "nobody")
    assert code == 1 and out == "" and err == f"cohort: no member @nobody in {db}\n"
    code, _, err = _revoke(capsys, "--db", str(tmp_path / "missing.db"), "--handle", "bob")
    assert code == 1 and "does not exist" in err and err.count("\n") == 1
    assert not (tmp_path / "missing.db").exists()  # never made by a typo
    code, _, err = _revoke(capsys, "--db", db, "--handle", "fay", "--cohort", "c_else")
    assert code == 1 and err == f"cohort: no member @fay in cohort c_else in {db}\n"
    with pytest.raises(SystemExit) as exit_:
        main(["token", "revoke", "--db", db, "--handle", "a", "--member", "m"])
    assert exit_.value.code == 2


def test_a_handle_in_several_cohorts_needs_the_cohort(
    api: Api, server_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = api.storage.create_cohort("c_other", "Other", expires_at=now_ms() + 60_000)
    r = api.client.post("/v1/join", json={"invite": code, "handle": "fay"})
    other_token = r.json()["token"]
    db = server_db
    code_, _, err = _revoke(capsys, "--db", db, "--handle", "fay")
    assert code_ == 1 and "several cohorts (c_other, c_test); add --cohort ID" in err
    code_, out, _ = _revoke(capsys, "--db", db, "--handle", "fay", "--cohort", "c_other")
    assert code_ == 0 and "in cohort c_other" in out
    r = api.client.get("/v1/cohorts/c_other/ops", headers=api.auth(other_token))
    assert r.status_code == 401
    assert api.client.get(f"/v1/cohorts/{api.cohort}/ops", headers=api.auth()).status_code == 200
