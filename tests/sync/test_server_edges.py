"""Server edges: no input gives a 5xx; every refusal is a 4xx JSON error that says why.

Each case here was a 500 before the server decoded every request through msgspec with
limits. (The stream's refusals are in ``test_server_streams``: on a real server, where a
stream that wrongly opens times out instead of blocking the test.)
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

from cohort_tui.domain import op_kinds as k
from cohort_tui.server.http import MAX_DEPTH, nesting_depth
from tests.sync.conftest import Api, make_api
from tests.sync.ops_helpers import wire

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


@pytest.fixture
def edge(server_db: str) -> Iterator[tuple[Api, TestClient]]:
    """The API, and a client that answers a server crash with its 500 instead of raising."""
    api = make_api(server_db)
    client = TestClient(api.client.app, raise_server_exceptions=False)
    with client:
        yield api, client
    api.storage.close()


def _error(response: object, status: int, words: str) -> None:
    from httpx import Response

    assert isinstance(response, Response)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error", "message"}
    assert words in body["message"], body["message"]


def _op(author: str, data: bytes, kind: bytes = b"x.future", op_id: bytes = b"op1") -> bytes:
    return b'{"id":"%s","kind":"%s","author":"%s","clock":[1,0,"n"],"data":%s}' % (
        op_id,
        kind,
        author.encode(),
        data,
    )


@pytest.mark.parametrize("depth", [100, 1_000, 100_000])
def test_json_nested_deep_in_any_body_is_a_400(edge: tuple[Api, TestClient], depth: int) -> None:
    api, client = edge
    deep = b"[" * depth + b"]" * depth
    ops = f"/v1/cohorts/{api.cohort}/ops"
    invites = f"/v1/cohorts/{api.cohort}/invites"
    refused = [
        (ops, b'{"ops":[' + deep + b"]}"),
        (ops, b'{"ops":[' + _op(api.founder, deep) + b"]}"),
        (ops, b'{"ops":' + deep + b"}"),
        (invites, b'{"claim":' + deep + b"}"),
        ("/v1/join", deep),
    ]
    for url, body in refused:
        r = client.post(url, content=body, headers=api.auth())
        assert r.status_code == 400, (url, depth, r.text)
        assert r.json()["error"] == "bad_request"
    # An unknown field is skipped, however deep (or refused when deeper than the decoder
    # can go): never a 5xx.
    ignored = [
        (ops, b'{"ops":[],"extra":' + deep + b"}"),
        (invites, b'{"extra":' + deep + b"}"),
        ("/v1/join", b'{"invite":"inv_x","handle":"ok","extra":' + deep + b"}"),
    ]
    for url, body in ignored:
        r = client.post(url, content=body, headers=api.auth())
        assert r.status_code in (200, 201, 400, 403), (url, depth, r.text)
        assert r.headers["content-type"] == "application/json"


def test_an_op_nested_past_the_limit_is_refused_and_one_within_is_kept(
    edge: tuple[Api, TestClient],
) -> None:
    api, client = edge
    url = f"/v1/cohorts/{api.cohort}/ops"

    def nested(levels: int) -> bytes:  # the op object itself is one level
        return b'{"a":' * (levels - 1) + b"1" + b"}" * (levels - 1)

    deep = _op(api.founder, nested(MAX_DEPTH + 1), op_id=b"deep")
    ok = _op(api.founder, nested(MAX_DEPTH), op_id=b"ok")
    assert nesting_depth(deep) == MAX_DEPTH + 1 and nesting_depth(ok) == MAX_DEPTH
    r = client.post(url, content=b'{"ops":[' + ok + b"," + deep + b"]}", headers=api.auth())
    _error(r, 400, f"ops[1]: nested more than {MAX_DEPTH} levels deep")
    r = client.post(url, content=b'{"ops":[' + ok + b"]}", headers=api.auth())
    assert r.status_code == 200 and r.json()["acked"] == ["ok"]


def test_nesting_depth_ignores_brackets_inside_strings() -> None:
    assert nesting_depth(b'{"a":"' + b"[" * 100 + b'"}') <= 1
    assert nesting_depth(b'["\\"' + b"[" * 100 + b'"]') == 1  # an escaped quote
    assert nesting_depth(b'["\\\\",' + b"[" * 40 + b"]" * 40 + b"]") == 41
    assert nesting_depth(b"{}" * 100) == 1


@pytest.mark.parametrize(
    "query",
    [
        "after=9223372036854775808",
        "after=99999999999999999999999999",
        "limit=9223372036854775808",
        "after=-1",
        "limit=0",
        "after=abc",
        "after=1.5",
    ],
)
def test_cursors_and_limits_out_of_range_are_a_400(
    edge: tuple[Api, TestClient], query: str
) -> None:
    api, client = edge
    r = client.get(f"/v1/cohorts/{api.cohort}/ops?{query}", headers=api.auth())
    _error(r, 400, "invalid query")


def test_the_largest_cursor_and_limit_are_answered(edge: tuple[Api, TestClient]) -> None:
    api, client = edge
    top = 2**63 - 1
    r = client.get(f"/v1/cohorts/{api.cohort}/ops?after={top}&limit={top}", headers=api.auth())
    assert r.status_code == 200
    assert r.json() == {
        "ops": [],
        "cursor": top,
        "more": False,
        "history": api.storage.instance(),
    }


@pytest.mark.parametrize(
    "op",
    [
        # a UTF-8 encoded surrogate inside a known kind's data (was a 500)
        lambda a: _op(a, b'{"thread":"t","post":"p","title":"\xed\xa0\x80","body":"x"}',
                      kind=b"thread.create"),
        lambda a: _op(a, b'{"q":"\xff\xfe"}'),
        lambda a: _op(a, b'{"\xc3":1}'),
        lambda a: _op(a, b"{}", op_id=b"a\xff"),
    ],
)  # fmt: skip
def test_invalid_utf8_in_a_push_body_is_a_400(edge: tuple[Api, TestClient], op: object) -> None:
    api, client = edge
    assert callable(op)
    body = b'{"ops":[' + op(api.founder) + b"]}"
    r = client.post(f"/v1/cohorts/{api.cohort}/ops", content=body, headers=api.auth())
    _error(r, 400, "not valid UTF-8")
    assert api.storage.existing_ids(api.cohort, ["op1"]) == set()


def test_invalid_utf8_in_join_and_invite_bodies_is_a_400(edge: tuple[Api, TestClient]) -> None:
    api, client = edge
    r = client.post("/v1/join", content=b'{"invite":"inv_\xff","handle":"ok"}')
    _error(r, 400, "not valid UTF-8")
    r = client.post(
        f"/v1/cohorts/{api.cohort}/invites", content=b'{"role":"\xfe"}', headers=api.auth()
    )
    _error(r, 400, "not valid UTF-8")


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_a_body_that_is_not_json_by_its_content_type_is_a_415(
    edge: tuple[Api, TestClient], content_type: str
) -> None:
    api, client = edge
    headers = {**api.auth(), "Content-Type": content_type}
    for url in (f"/v1/cohorts/{api.cohort}/ops", f"/v1/cohorts/{api.cohort}/invites"):
        r = client.post(url, content=b'{"ops":[]}', headers=headers)
        _error(r, 415, "application/json")
    r = client.post("/v1/join", content=b"{}", headers={"Content-Type": content_type})
    _error(r, 415, "application/json")


def test_json_content_types_with_parameters_and_no_content_type_are_read(
    edge: tuple[Api, TestClient],
) -> None:
    api, client = edge
    url = f"/v1/cohorts/{api.cohort}/ops"
    for content_type in ("application/json; charset=utf-8", "application/merge-patch+json"):
        r = client.post(
            url, content=b'{"ops":[]}', headers={**api.auth(), "Content-Type": content_type}
        )
        assert r.status_code == 200, r.text
    r = client.post(url, content=b'{"ops":[]}', headers=api.auth())  # none given
    assert r.status_code == 200, r.text


def test_empty_bodies(edge: tuple[Api, TestClient]) -> None:
    api, client = edge
    r = client.post(f"/v1/cohorts/{api.cohort}/ops", content=b"", headers=api.auth())
    _error(r, 400, "the body is empty")
    r = client.post("/v1/join", content=b"  \n")
    _error(r, 400, "the body is empty")
    r = client.post(f"/v1/cohorts/{api.cohort}/invites", content=b"", headers=api.auth())
    assert r.status_code == 201 and r.json()["role"] == "learner"  # the defaults


def test_unknown_paths_and_methods_are_json_with_allow(edge: tuple[Api, TestClient]) -> None:
    api, client = edge
    r = client.get("/v1/nowhere")
    _error(r, 404, "Not Found")
    r = client.request("TRACE", "/v1/health")
    _error(r, 405, "Method Not Allowed")
    assert set(r.headers["allow"].split(", ")) == {"GET", "HEAD"}
    r = client.delete(f"/v1/cohorts/{api.cohort}/ops", headers=api.auth())
    assert r.status_code == 405 and set(r.headers["allow"].split(", ")) == {"GET", "HEAD", "POST"}


def test_odd_tokens_are_a_401(edge: tuple[Api, TestClient]) -> None:
    api, client = edge
    url = f"/v1/cohorts/{api.cohort}/ops"
    for header in ("Bearer " + "x" * 5_000, "Bearer", "bearer  ", "Token abc", "Bearer a b"):
        r = client.get(url, headers={"Authorization": header})
        _error(r, 401, "bearer token")
    r = client.get(url, headers=[(b"authorization", b"Bearer \xe9\xff")])
    _error(r, 401, "bearer token")


def test_handles_and_roles_out_of_bounds_are_a_400_naming_the_field(
    edge: tuple[Api, TestClient],
) -> None:
    api, client = edge
    code = api.invite()
    for handle in ("", "Bad Handle", "x" * 33, "-lead", "@"):
        r = client.post("/v1/join", json={"invite": code, "handle": handle})
        _error(r, 400, "handle must be")
    url = f"/v1/cohorts/{api.cohort}/invites"
    for body, field in (
        ({"role": "admin"}, "$.role"),
        ({"uses": 0}, "$.uses"),
        ({"expires_days": -1}, "$.expires_days"),
        ({"claim": ""}, "$.claim"),
    ):
        r = client.post(url, json=body, headers=api.auth())
        _error(r, 400, field)


def test_a_valid_op_still_syncs(edge: tuple[Api, TestClient]) -> None:
    api, client = edge
    op = wire(api.founder, k.ThreadCreate(thread="t1", post="p1", title="Hi", body="é ✓ \n"))
    r = client.post(f"/v1/cohorts/{api.cohort}/ops", json={"ops": [op]}, headers=api.auth())
    assert r.status_code == 200 and r.json()["accepted"] == 1
    r = client.get(f"/v1/cohorts/{api.cohort}/ops", headers=api.auth())
    assert r.json()["ops"][-1]["data"]["body"] == "é ✓ \n"
