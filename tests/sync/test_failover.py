"""Several server URLs: the client fails over, and a store remembers them all."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from cohort_tui.store.workspace import StoreConfig, read_config, write_config
from cohort_tui.sync import client as client_module
from cohort_tui.sync.client import ServerClient, ServerRefused, Unreachable

A, B, C = "http://a.test", "http://b.test", "http://c.test"


@pytest.fixture(autouse=True)
def _no_resting_servers() -> Iterator[None]:
    client_module._resting.clear()
    yield
    client_module._resting.clear()


Handler = Callable[[httpx.Request], httpx.Response]


def _client(urls: list[str], routes: dict[str, Handler], seen: list[str]) -> ServerClient:
    def handle(request: httpx.Request) -> httpx.Response:
        base = f"{request.url.scheme}://{request.url.host}"
        seen.append(base)
        return routes[base](request)

    return ServerClient(urls, http=httpx.Client(transport=httpx.MockTransport(handle)))


def _ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"acked": [], "accepted": 0, "duplicates": 0, "cursor": 7})


def _down(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


def _busy(seconds: int) -> Handler:
    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            503,
            json={"error": "unavailable", "message": "the database is down"},
            headers={"Retry-After": str(seconds)},
        )

    return handle


def test_a_server_that_cannot_be_reached_is_skipped_and_tried_last_afterwards() -> None:
    seen: list[str] = []
    client = _client([A, B], {A: _down, B: _ok}, seen)
    assert client.push("c", "t", []).cursor == 7
    assert seen == [A, B] and client.base_url == B
    seen.clear()
    client.push("c", "t", [])
    assert seen == [B]
    # Another client in the same process also starts with the one that works.
    other: list[str] = []
    _client([A, B], {A: _down, B: _ok}, other).push("c", "t", [])
    assert other == [B]


def test_a_503_with_retry_after_moves_on_and_rests_the_server_that_long() -> None:
    seen: list[str] = []
    client = _client([A, B], {A: _busy(120), B: _ok}, seen)
    client.push("c", "t", [])
    assert seen == [A, B]
    rest = client_module._resting[A] - time.monotonic()
    assert 100 < rest <= 120


def test_when_every_server_fails_the_last_error_says_how_long_to_wait() -> None:
    seen: list[str] = []
    client = _client([A, B], {A: _down, B: _busy(30)}, seen)
    with pytest.raises(ServerRefused) as caught:
        client.push("c", "t", [])
    assert caught.value.status == 503 and caught.value.retry_after == 30
    with pytest.raises(Unreachable):
        _client([A], {A: _down}, []).pull("c", "t", 0)


def test_a_join_is_not_sent_twice_after_a_connection_broke_mid_request() -> None:
    """The first server may have spent the invite: sending it elsewhere could fail or
    double it, so the error goes to the person instead."""

    def broke(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadError("connection reset", request=request)

    seen: list[str] = []
    with pytest.raises(Unreachable):
        _client([A, B], {A: broke, B: _ok}, seen).join("inv", "fay")
    assert seen == [A]
    # A refused connection never reached anyone: the next server takes the join.
    joined = {"cohort": "c", "member": "m", "handle": "fay", "token": "t"}
    seen.clear()
    client = _client([C, B], {C: _down, B: lambda r: httpx.Response(200, json=joined)}, seen)
    assert client.join("inv", "fay").member == "m"
    assert seen == [C, B]


def test_client_errors_are_not_failed_over() -> None:
    seen: list[str] = []
    refuse = {A: lambda r: httpx.Response(403, json={"error": "forbidden", "message": "no"})}
    with pytest.raises(ServerRefused):
        _client([A, B], {**refuse, B: _ok}, seen).push("c", "t", [])
    assert seen == [A]


# -- store.toml ---------------------------------------------------------------------------


def test_store_toml_keeps_every_server_and_still_reads_a_single_remote(tmp_path: Path) -> None:
    config = StoreConfig(cohort="c", node="n", remote=A, servers=[A, B, C])
    write_config(tmp_path, config)
    again = read_config(tmp_path)
    assert again.remote == A and again.urls == [A, B, C]
    write_config(tmp_path, StoreConfig(cohort="c", node="n", remote=B))
    old = read_config(tmp_path)
    assert old.urls == [B] and "servers" not in (tmp_path / "store.toml").read_text()
    (tmp_path / "store.toml").write_text(
        'format = 1\ncohort = "c"\nnode = "n"\nservers = ["http://b.test", "http://c.test"]\n'
    )
    assert read_config(tmp_path).remote == B


def test_a_bad_servers_list_is_a_clear_error(tmp_path: Path) -> None:
    from cohort_tui.store.errors import StoreError

    (tmp_path / "store.toml").write_text('format = 1\ncohort = "c"\nnode = "n"\nservers = [1]\n')
    with pytest.raises(StoreError, match="servers must be a list of server URLs"):
        read_config(tmp_path)


def test_joining_with_several_urls_records_them_all(tmp_path: Path) -> None:
    from cohort_tui.sync.credentials import load_credentials
    from cohort_tui.sync.join import join_store

    joined = {"cohort": "c1", "member": "m_1", "handle": "fay", "token": "tok"}
    seen: list[str] = []
    client = _client([A, B], {A: _down, B: lambda r: httpx.Response(200, json=joined)}, seen)
    join_store(tmp_path / "s", client, "inv", "fay")
    config = read_config(tmp_path / "s")
    assert config.urls == [A, B] and config.remote == A
    assert load_credentials(tmp_path / "s")["m_1"].server == B
    assert "servers" in (tmp_path / "s" / "store.toml").read_text()


def test_live_sync_waits_as_long_as_the_servers_asked() -> None:
    from cohort_tui.sync.live import _retry_after

    assert _retry_after(ServerRefused(503, "unavailable", "down", 30)) == 30
    assert _retry_after(ServerRefused(503, "unavailable", "down", 3_600)) == 60
    assert _retry_after(Unreachable("no route")) == 0
