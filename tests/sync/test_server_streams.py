"""Event streams on a real server: the per-member cap under concurrency, revoked and
replaced tokens ending their streams, and limits uvicorn enforces below the app."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from cohort_tui.cli import main
from cohort_tui.server.app import MAX_STREAMS
from tests.sync.live_server import LiveServer


@pytest.fixture
def live(server_db: str) -> Iterator[LiveServer]:
    server = LiveServer(server_db).start()
    yield server
    server.stop()


async def _open_streams(live: LiveServer, token: str, count: int) -> list[int]:
    """Open ``count`` streams at once; each holds its connection until all are answered."""
    url = f"{live.url}/v1/cohorts/{live.cohort}/stream"
    statuses: list[int] = []
    answered = asyncio.Event()

    async def one(client: httpx.AsyncClient) -> None:
        async with client.stream("GET", url, headers=live.auth(token)) as response:
            statuses.append(response.status_code)
            if len(statuses) == count:
                answered.set()
            await asyncio.wait_for(answered.wait(), timeout=20)

    limits = httpx.Limits(max_connections=count)
    async with httpx.AsyncClient(limits=limits, timeout=20) as client:
        await asyncio.gather(*(one(client) for _ in range(count)))
    return statuses


def test_the_stream_cap_holds_under_concurrent_requests(live: LiveServer) -> None:
    _bob, token = live.join("bob")
    statuses = asyncio.run(_open_streams(live, token, 40))
    assert sorted(statuses) == [200] * MAX_STREAMS + [429] * (40 - MAX_STREAMS)
    # Every slot comes back when the clients go away: a full set opens again.
    deadline = time.monotonic() + 10
    while True:
        statuses = asyncio.run(_open_streams(live, token, MAX_STREAMS))
        if statuses == [200] * MAX_STREAMS or time.monotonic() > deadline:
            break
    assert statuses == [200] * MAX_STREAMS
    # Other members have their own slots.
    assert asyncio.run(_open_streams(live, live.token, 2)) == [200, 200]


@pytest.mark.parametrize(
    "query", ["after=9223372036854775808", "after=99999999999999999999", "after=-1", "after=x"]
)
def test_a_stream_cursor_out_of_range_is_a_400(live: LiveServer, query: str) -> None:
    url = f"{live.url}/v1/cohorts/{live.cohort}/stream?{query}"
    r = httpx.get(url, headers=live.auth(), timeout=5)  # a stream opened by mistake times out
    assert r.status_code == 400 and r.json()["error"] == "bad_request"
    assert "invalid query" in r.json()["message"]


def test_a_stream_cursor_past_the_cohorts_last_op_is_a_409(live: LiveServer) -> None:
    url = f"{live.url}/v1/cohorts/{live.cohort}/stream"
    last = live.storage.last_seq(live.cohort)
    for after in (last + 1, 2**63 - 1):
        r = httpx.get(url, params={"after": after}, headers=live.auth(), timeout=5)
        assert r.status_code == 409 and r.json()["error"] == "cursor_ahead", r.text
        assert "past this cohort's last op" in r.json()["message"]
    with httpx.stream("GET", url, params={"after": last}, headers=live.auth(), timeout=5) as r:
        assert r.status_code == 200  # the last op itself is a fine place to follow from


def test_head_on_the_stream_answers_the_headers_without_holding_a_stream(
    live: LiveServer,
) -> None:
    url = f"{live.url}/v1/cohorts/{live.cohort}/stream"
    for _ in range(MAX_STREAMS + 4):
        r = httpx.head(url, headers=live.auth(), timeout=5)
        assert r.status_code == 200 and r.content == b""
        assert r.headers["content-type"].startswith("text/event-stream")
    assert asyncio.run(_open_streams(live, live.token, MAX_STREAMS)) == [200] * MAX_STREAMS


def _events(response: httpx.Response) -> Iterator[tuple[str, str]]:
    """``(event, data)`` pairs as they arrive."""
    name = ""
    for line in response.iter_lines():
        if line.startswith("event: "):
            name = line.removeprefix("event: ")
        elif line.startswith("data: "):
            yield name, line.removeprefix("data: ")


def test_a_revoked_token_is_refused_at_once_and_its_open_stream_ends(
    live: LiveServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bob, token = live.join("bob")
    url = f"{live.url}/v1/cohorts/{live.cohort}"
    timeout = httpx.Timeout(10.0)
    with httpx.stream("GET", url + "/stream", headers=live.auth(token), timeout=timeout) as r:
        assert r.status_code == 200
        events = _events(r)
        assert next(events)[0] == "ready"
        # The operator revokes on the database, from another process's connection.
        code = main(["token", "revoke", "--db", live.db, "--handle", "@bob"])
        assert code == 0
        assert f"revoked 1 token of @bob ({bob})" in capsys.readouterr().out
        pulled = httpx.get(url + "/ops", headers=live.auth(token))
        assert pulled.status_code == 401
        started = time.monotonic()
        rest = list(events)  # the server ends the stream by itself
        assert time.monotonic() - started < 5
        assert rest[-1][0] == "closed" and "revoked" in rest[-1][1]
    again = httpx.get(url + "/stream", headers=live.auth(token))
    assert again.status_code == 401
    # Other members are untouched.
    assert httpx.get(url + "/ops", headers=live.auth()).status_code == 200


def test_a_claim_invite_replaces_the_old_token_and_ends_its_streams(live: LiveServer) -> None:
    _bob, old = live.join("bob")
    url = f"{live.url}/v1/cohorts/{live.cohort}"
    with httpx.stream("GET", url + "/stream", headers=live.auth(old), timeout=10.0) as r:
        events = _events(r)
        assert next(events)[0] == "ready"
        new = live.claim("bob")
        rest = list(events)
        assert rest[-1][0] == "closed" and "revoked" in rest[-1][1]
    assert httpx.get(url + "/ops", headers=live.auth(old)).status_code == 401
    assert httpx.get(url + "/ops", headers=live.auth(new)).status_code == 200


def test_huge_headers_get_a_4xx_never_a_5xx(live: LiveServer) -> None:
    """uvicorn refuses a head it will not buffer with 400 (plain text: the app never sees
    the request) and closes; the server keeps serving."""
    request = (
        b"GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: "
        + b"a" * 300_000
        + b"\r\nConnection: close\r\n\r\n"
    )
    reply = bytearray()
    with socket.create_connection(("127.0.0.1", live.port), timeout=10) as conn:

        def read() -> None:  # reading while sending: the answer comes before the reset
            with contextlib.suppress(OSError):
                while chunk := conn.recv(65_536):
                    reply.extend(chunk)

        reader = threading.Thread(target=read)
        reader.start()
        with contextlib.suppress(OSError):  # the server stops reading once it answered
            conn.sendall(request)
        reader.join(timeout=10)
    assert reply.startswith(b"HTTP/1.1 4"), bytes(reply[:200])
    assert httpx.get(live.url + "/v1/health").status_code == 200
