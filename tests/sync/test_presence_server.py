"""Presence through the server: the heartbeat endpoint, the stream's presence events,
expiry, hiding, bounds; and the live pane's heartbeat relaying into the presence file."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from cohort_tui.domain.presence import TTL_MS, Seen
from cohort_tui.server import app as server_app
from cohort_tui.server.presence import PresenceBoard
from cohort_tui.store.presence_file import beat, read_presence
from cohort_tui.sync.client import ServerClient
from cohort_tui.sync.presence import PresenceBeat, wall_ms
from tests.sync.conftest import Api
from tests.sync.live_server import LiveServer


def post(api: Api, body: Any, token: str | None = None) -> httpx.Response:
    url = f"/v1/cohorts/{api.cohort}/presence"
    response: httpx.Response = api.client.post(url, json=body, headers=api.auth(token))
    return response


def test_heartbeats_say_who_is_here_and_hiding_or_leaving_removes(api: Api) -> None:
    bob, bob_token = api.join("bob")
    r = post(api, {"where": "lesson:io-json"})
    assert r.status_code == 200, r.text
    assert [m["member"] for m in r.json()["members"]] == [api.founder]
    assert r.json()["ttl_ms"] == TTL_MS
    r = post(api, {"where": "discussions"}, bob_token)
    here = {m["member"]: m["where"] for m in r.json()["members"]}
    assert here == {api.founder: "lesson:io-json", bob: "discussions"}
    r = post(api, {"where": "home", "hidden": True}, bob_token)
    assert [m["member"] for m in r.json()["members"]] == [api.founder]
    r = post(api, {}, None)  # an empty heartbeat: gone now
    assert r.json()["members"] == []


@pytest.mark.parametrize(
    "body",
    [{"where": "\x1b]0;x\x07"}, {"where": "a b"}, {"where": "x" * 101}, {"where": 3}, [1]],
)
def test_a_bad_heartbeat_is_a_400(api: Api, body: Any) -> None:
    r = post(api, body)
    assert r.status_code == 400 and r.json()["error"] == "bad_request", r.text


def test_a_heartbeat_needs_a_token_of_the_cohort(api: Api) -> None:
    r = api.client.post(f"/v1/cohorts/{api.cohort}/presence", json={"where": "home"})
    assert r.status_code == 401
    r = api.client.post("/v1/cohorts/other/presence", json={"where": "home"}, headers=api.auth())
    assert r.status_code == 404


def test_an_entry_not_renewed_is_gone_after_the_ttl(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [1_800_000_000_000]
    monkeypatch.setattr(server_app, "now_ms", lambda: clock[0])
    _bob, bob_token = api.join("bob")
    post(api, {"where": "home"}, bob_token)
    clock[0] += TTL_MS + 1
    assert [m["member"] for m in post(api, {"where": "home"}).json()["members"]] == [api.founder]


def test_the_board_is_bounded() -> None:
    board = PresenceBoard()
    for i in range(500):
        board.beat("c", f"m_{i}", "home", 1_000)
    seen, _ = board.here("c", 1_000)
    assert len(seen) == 64
    board.beat("c", "m_0", "", 1_000)
    assert len(board.here("c", 1_000)[0]) == 63
    board.beat("c", "m_new", "home", 1_000 + TTL_MS + 1)  # the stale ones make room
    assert [s.member for s in board.here("c", 1_000 + TTL_MS + 1)[0]] == ["m_new"]


@pytest.fixture
def live(server_db: str) -> Iterator[LiveServer]:
    server = LiveServer(server_db).start()
    yield server
    server.stop()


def _presence_events(live: LiveServer, token: str, wanted: int) -> Iterator[list[dict[str, Any]]]:
    url = f"{live.url}/v1/cohorts/{live.cohort}/stream"
    # Each change must come as it happens: a wait as long as the heartbeat (15 s, whose
    # ping also carries the list) would hide a change that did not wake the stream.
    with httpx.stream("GET", url, headers=live.auth(token), timeout=10) as response:
        event = ""
        for line in response.iter_lines():
            if line.startswith("event: "):
                event = line.removeprefix("event: ")
            elif line.startswith("data: ") and event == "presence":
                yield json.loads(line.removeprefix("data: "))["members"]
                wanted -= 1
                if not wanted:
                    return


def test_the_stream_sends_who_is_here_when_it_changes(live: LiveServer) -> None:
    bob, bob_token = live.join("bob")
    url = f"{live.url}/v1/cohorts/{live.cohort}/presence"
    events = _presence_events(live, bob_token, 3)
    assert next(events) == []  # the list as the stream opens
    httpx.post(url, json={"where": "lesson:l1"}, headers=live.auth(), timeout=5)
    first = next(events)
    assert [(m["member"], m["where"]) for m in first] == [(live.founder, "lesson:l1")]
    httpx.post(url, json={"where": ""}, headers=live.auth(), timeout=5)
    assert next(events) == []
    with contextlib.suppress(StopIteration):
        next(events)
    assert bob


def test_the_live_pane_beats_for_the_stores_members_and_relays(
    live: LiveServer, tmp_path: Path
) -> None:
    from cohort_tui.sync.credentials import Credential, save_credentials

    store = tmp_path / "store"
    store.mkdir()
    bob, bob_token = live.join("bob")
    save_credentials(
        store,
        {
            live.founder: Credential(live.founder, "fay", live.token, live.url, live.cohort),
            bob: Credential(bob, "bob", bob_token, live.url, live.cohort),
        },
    )
    now = wall_ms()
    beat(store, "pane1", Seen(live.founder, "home", now), now)
    beat(store, "pane2", Seen(bob, "lesson:l1", now), now)
    beat(store, "pane3", Seen("m_no_token", "home", now), now)
    heart = PresenceBeat(store, [live.url], live.cohort, ServerClient)
    heart.once()
    remote = {s.member: s.where for s in read_presence(store).remote}
    assert remote == {live.founder: "home", bob: "lesson:l1"}
    beat(store, "pane2", None, now)  # bob's pane closed
    heart.once()
    assert {s.member for s in read_presence(store).remote} == {live.founder}
    heart.once(leaving=True)
    with ServerClient(live.url) as client:
        assert client.presence(live.cohort, bob_token, "") == []
