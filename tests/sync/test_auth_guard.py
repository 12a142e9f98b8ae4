"""Failed tokens and invites are rate limited per client address, and only per address."""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterator

import pytest

from cohort_tui.server.http import RateLimiter
from tests.sync.conftest import Api, make_api

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

BURST = 5


@pytest.fixture
def guarded(server_db: str) -> Iterator[tuple[Api, TestClient, TestClient]]:
    """The API with a small guard, and clients from two addresses."""
    api = make_api(server_db)
    api.client.app.state.sync.guard = RateLimiter(rate=1.0, burst=BURST)  # type: ignore[attr-defined]
    guesser = TestClient(api.client.app, client=("203.0.113.9", 40000))
    member = TestClient(api.client.app, client=("198.51.100.7", 40000))
    yield api, guesser, member
    api.storage.close()


def test_token_guesses_from_one_address_get_429_after_a_burst(
    guarded: tuple[Api, TestClient, TestClient],
) -> None:
    api, guesser, member = guarded
    url = f"/v1/cohorts/{api.cohort}/ops"
    codes = [
        guesser.get(url, headers={"Authorization": f"Bearer guess{n}"}).status_code
        for n in range(BURST + 3)
    ]
    assert codes == [401] * BURST + [429] * 3
    r = guesser.get(url, headers={"Authorization": "Bearer guess"})
    assert r.json()["error"] == "rate_limited" and int(r.headers["Retry-After"]) >= 1
    assert "failed tokens" in r.json()["message"]
    # While blocked, even a right token from that address gets 429: a hit cannot be told
    # from a miss, so guessing stays slow.
    assert guesser.get(url, headers=api.auth()).status_code == 429
    # Another address with a right token is not slowed at all.
    for _ in range(20):
        assert member.get(url, headers=api.auth()).status_code == 200
    # And the guessing address gets its turn back as time passes.
    deadline = time.monotonic() + 5
    while guesser.get(url, headers=api.auth()).status_code == 429:
        assert time.monotonic() < deadline, "the address stayed blocked"
        time.sleep(0.1)


def test_right_tokens_never_use_up_an_addresss_allowance(
    guarded: tuple[Api, TestClient, TestClient],
) -> None:
    api, _guesser, member = guarded
    url = f"/v1/cohorts/{api.cohort}/ops"
    for _ in range(BURST * 4):
        assert member.get(url, headers=api.auth()).status_code == 200
    codes = [
        member.get(url, headers={"Authorization": f"Bearer typo{n}"}).status_code
        for n in range(BURST)
    ]
    assert codes == [401] * BURST  # its whole allowance is still there


def test_missing_tokens_are_not_counted_as_guesses(
    guarded: tuple[Api, TestClient, TestClient],
) -> None:
    api, guesser, _member = guarded
    url = f"/v1/cohorts/{api.cohort}/ops"
    for _ in range(BURST * 2):
        assert guesser.get(url).status_code == 401
    assert guesser.get(url, headers=api.auth()).status_code == 200


def test_invite_guesses_share_the_addresss_allowance(
    guarded: tuple[Api, TestClient, TestClient],
) -> None:
    api, guesser, member = guarded
    codes = [
        guesser.post("/v1/join", json={"invite": f"inv_guess{n}", "handle": "eve"}).status_code
        for n in range(BURST + 2)
    ]
    assert codes == [403] * BURST + [429] * 2
    url = f"/v1/cohorts/{api.cohort}/ops"
    assert guesser.get(url, headers={"Authorization": "Bearer x"}).status_code == 429
    code = api.invite()
    r = member.post("/v1/join", json={"invite": code, "handle": "gus"})
    assert r.status_code == 200
