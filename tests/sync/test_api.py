"""API v1 through Starlette's TestClient: the happy paths and every refusal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from cohort_tui.domain import op_kinds as k
from cohort_tui.server.http import RateLimiter
from tests.sync.conftest import Api, make_api
from tests.sync.ops_helpers import thread, wire


def _push(api: Api, ops: list[dict[str, object]], token: str | None = None) -> tuple[int, dict]:  # type: ignore[type-arg]
    r = api.client.post(f"/v1/cohorts/{api.cohort}/ops", json={"ops": ops}, headers=api.auth(token))
    return r.status_code, r.json()


def test_health_and_openapi(api: Api) -> None:
    assert api.client.get("/v1/health").json()["status"] == "ok"
    doc = api.client.get("/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    assert {"/v1/join", "/v1/cohorts/{cohort}/ops", "/v1/cohorts/{cohort}/stream"} <= set(
        doc["paths"]
    )


def test_founder_join_writes_cohort_create_and_members_join_by_invite(api: Api) -> None:
    member, token = api.join("bob")
    r = api.client.get(f"/v1/cohorts/{api.cohort}/ops", headers=api.auth(token))
    ops = r.json()["ops"]
    assert [o["kind"] for o in ops] == ["cohort.create", "member.add"]
    assert ops[0]["author"] == api.founder and ops[0]["data"]["handle"] == "fay"
    assert ops[1]["author"] == api.founder and ops[1]["data"]["member"] == member


def test_push_pull_round_trip_with_cursor_and_capped_pages(api: Api) -> None:
    ops = [thread(api.founder, n) for n in range(30)]
    status, body = _push(api, ops)
    assert status == 200 and body["accepted"] == 30 and not body["rejected"]
    r = api.client.get(f"/v1/cohorts/{api.cohort}/ops?after=0&limit=10", headers=api.auth())
    page = r.json()
    assert len(page["ops"]) == 10 and page["more"] is True
    seen = list(page["ops"])
    while page["more"]:
        page = api.client.get(
            f"/v1/cohorts/{api.cohort}/ops?after={page['cursor']}&limit=100000", headers=api.auth()
        ).json()
        seen += page["ops"]
    assert len(seen) == 31  # cohort.create + 30
    assert len({o["id"] for o in seen}) == 31


def test_the_same_batch_three_times_gives_the_same_answer_and_no_duplicates(api: Api) -> None:
    _, bob = api.join("bob")
    member_ops = [thread(api.founder, n) for n in range(3)]
    bad = wire(api.founder, k.LessonUpsert(lesson="l1", module="nope", title="x"))  # allowed (fac)
    batch = [*member_ops, bad]
    answers = [_push(api, batch) for _ in range(3)]
    assert all(status == 200 for status, _ in answers)
    assert answers[0][1]["accepted"] == 4
    assert answers[1][1]["accepted"] == answers[2][1]["accepted"] == 0
    assert answers[0][1]["acked"] == answers[1][1]["acked"] == answers[2][1]["acked"]
    assert answers[0][1]["rejected"] == answers[2][1]["rejected"] == []
    r = api.client.get(f"/v1/cohorts/{api.cohort}/ops?limit=1000", headers=api.auth(bob))
    ids = [o["id"] for o in r.json()["ops"]]
    assert len(ids) == len(set(ids)) == 2 + 4


def test_401_missing_or_bad_token(api: Api) -> None:
    url = f"/v1/cohorts/{api.cohort}/ops"
    assert api.client.get(url).status_code == 401
    r = api.client.get(url, headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401 and r.json()["error"] == "unauthorized"
    assert api.client.get(url, headers={"Authorization": "Basic abc"}).status_code == 401
    assert api.client.post(url, json={"ops": []}).status_code == 401


def test_403_author_is_not_the_tokens_member(api: Api) -> None:
    _bob, bob_token = api.join("bob")
    status, body = _push(api, [thread(api.founder, 99)], token=bob_token)
    assert status == 403 and "author is not the token's member" in body["message"]


def test_role_refusal_is_reported_per_op_and_not_stored(api: Api) -> None:
    bob, bob_token = api.join("bob")
    allowed = thread(bob, 1)
    refused = wire(bob, k.ModuleUpsert(module="m1", title="Mine now"))
    status, body = _push(api, [allowed, refused], token=bob_token)
    assert status == 200
    assert body["acked"] == [allowed["id"]]
    assert body["rejected"] == [
        {
            "id": refused["id"],
            "reason": "only a curator or facilitator may change the curriculum",
            "status": "refused",
        }
    ]
    assert api.storage.existing_ids(api.cohort, [refused["id"]]) == set()
    # and a learner may not invite
    r = api.client.post(f"/v1/cohorts/{api.cohort}/invites", json={}, headers=api.auth(bob_token))
    assert r.status_code == 403


def test_404_other_cohort(api: Api, tmp_path: Path) -> None:
    from cohort_tui.server.storage import now_ms

    code = api.storage.create_cohort("c_other", "Other", expires_at=now_ms() + 60_000)
    r = api.client.post("/v1/join", json={"invite": code, "handle": "zed"})
    other_token = r.json()["token"]
    for path in ("ops", "stream"):
        r = api.client.get(f"/v1/cohorts/{api.cohort}/{path}", headers=api.auth(other_token))
        assert r.status_code == 404 and r.json()["error"] == "not_found"
    r = api.client.post(
        f"/v1/cohorts/{api.cohort}/ops", json={"ops": []}, headers=api.auth(other_token)
    )
    assert r.status_code == 404


def test_413_body_over_one_mib_is_refused_before_parsing(api: Api) -> None:
    big = b'{"ops": [' + b" " * (1 << 20) + b"]}"
    r = api.client.post(f"/v1/cohorts/{api.cohort}/ops", content=big, headers=api.auth())
    assert r.status_code == 413 and r.json()["error"] == "too_large"

    def chunks() -> Iterator[bytes]:
        for _ in range(20):
            yield b" " * 65_536

    r = api.client.post(f"/v1/cohorts/{api.cohort}/ops", content=chunks(), headers=api.auth())
    assert r.status_code == 413


def test_400_names_the_problem(api: Api) -> None:
    url = f"/v1/cohorts/{api.cohort}/ops"
    r = api.client.post(url, content=b"{not json", headers=api.auth())
    assert r.status_code == 400 and "not JSON" in r.json()["message"]
    r = api.client.post(url, json={"ops": [{"id": "x"}]}, headers=api.auth())
    assert r.status_code == 400 and "ops[0]" in r.json()["message"]
    op = wire(api.founder, k.PostCreate(post="p", thread="t", body="x"))
    op["data"]["body"] = 5
    r = api.client.post(url, json={"ops": [op]}, headers=api.auth())
    assert r.status_code == 400 and "body" in r.json()["message"]
    r = api.client.get(url + "?after=abc", headers=api.auth())
    assert r.status_code == 400
    r = api.client.post("/v1/join", json={"invite": 3})
    assert r.status_code == 400 and "invite" in r.json()["message"]


def test_join_refusals(api: Api) -> None:
    code = api.invite()
    r = api.client.post("/v1/join", json={"invite": code, "handle": "fay"})
    assert r.status_code == 409  # handle taken; the invite is not used up
    r = api.client.post("/v1/join", json={"invite": code, "handle": "Bad Handle"})
    assert r.status_code == 400
    r = api.client.post("/v1/join", json={"invite": code, "handle": "ok", "cohort": "c_else"})
    assert r.status_code == 409
    assert api.client.post("/v1/join", json={"invite": code, "handle": "gus"}).status_code == 200
    r = api.client.post("/v1/join", json={"invite": code, "handle": "hal"})
    assert r.status_code == 403  # used up
    r = api.client.post("/v1/join", json={"invite": "inv_nope", "handle": "hal"})
    assert r.status_code == 403


def test_429_with_retry_after_per_token(server_db: str) -> None:
    api = make_api(server_db, RateLimiter(rate=0.5, burst=3))
    with api.client:
        url = f"/v1/cohorts/{api.cohort}/ops"
        codes = [api.client.get(url, headers=api.auth()).status_code for _ in range(5)]
        assert codes[:3] == [200, 200, 200] and codes[-1] == 429
        r = api.client.get(url, headers=api.auth())
        assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
    api.storage.close()


def test_unknown_kinds_from_newer_clients_are_kept(api: Api) -> None:
    op: dict[str, object] = {
        "id": "future1",
        "kind": "poll.create",
        "author": api.founder,
        "clock": [1, 0, "n"],
        "data": {"q": "?"},
    }
    status, body = _push(api, [op])
    assert status == 200 and body["acked"] == ["future1"]


def test_a_claim_invite_replaces_an_existing_members_token(api: Api) -> None:
    bob, bob_token = api.join("bob")
    r = api.client.post(
        f"/v1/cohorts/{api.cohort}/invites", json={"claim": "@bob"}, headers=api.auth()
    )
    assert r.status_code == 201 and r.json()["claim"] == bob and r.json()["uses"] == 1
    code = r.json()["invite"]
    r = api.client.post("/v1/join", json={"invite": code, "handle": "fay"})
    assert r.status_code == 409 and "@bob" in r.json()["message"]
    before = api.storage.last_seq(api.cohort)
    r = api.client.post("/v1/join", json={"invite": code, "handle": "bob"})
    assert r.status_code == 200 and r.json()["member"] == bob
    assert api.storage.last_seq(api.cohort) == before  # no op written
    new_token = r.json()["token"]
    assert new_token != bob_token
    status, _ = _push(api, [thread(bob, 1)], token=new_token)
    assert status == 200
    status, body = _push(api, [thread(bob, 2)], token=bob_token)  # replaced: refused at once
    assert status == 401 and body["error"] == "unauthorized"
    r = api.client.post(
        f"/v1/cohorts/{api.cohort}/invites", json={"claim": "nobody"}, headers=api.auth()
    )
    assert r.status_code == 404 and "no member 'nobody'" in r.json()["message"]
    r = api.client.post(
        f"/v1/cohorts/{api.cohort}/invites", json={"claim": "fay"}, headers=api.auth(new_token)
    )
    assert r.status_code == 403


def test_a_skewed_clock_syncs_but_a_clock_past_the_lead_bound_is_refused(api: Api) -> None:
    from cohort_tui.domain.clock import MAX_LEAD_MS
    from cohort_tui.server.storage import now_ms

    year = 365 * 86_400_000
    ahead = wire(
        api.founder,
        k.ThreadCreate(thread="ty", post="py", title="y", body="b"),
        at=now_ms() + MAX_LEAD_MS - 60_000,
    )
    future = wire(
        api.founder,
        k.ThreadCreate(thread="tf", post="pf", title="f", body="b"),
        at=now_ms() + year,
    )
    status, body = _push(api, [ahead, future])
    assert status == 200 and body["acked"] == [ahead["id"]]
    assert "days ahead" in body["rejected"][0]["reason"]
