"""Hypothesis throws odd bodies at the push and join endpoints: never a 5xx."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cohort_tui.domain.op_kinds import DATA_TYPES
from tests.sync.conftest import Api, make_api

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def op_like(draw: st.DrawFn, author: str) -> dict[str, Any]:
    kind = draw(st.sampled_from([*sorted(DATA_TYPES), "x.future", "", "BAD KIND"]))
    op: dict[str, Any] = {
        "id": draw(st.text(min_size=0, max_size=12) | st.just("op1")),
        "kind": kind,
        "author": draw(st.sampled_from([author, "m_other", ""])),
        "clock": draw(
            st.one_of(
                st.tuples(
                    st.integers(-5, 2**60), st.integers(-5, 2**40), st.text(max_size=5)
                ).map(list),
                json_values,
            )
        ),
        "data": draw(
            st.dictionaries(
                st.sampled_from(["thread", "post", "title", "body", "lesson", "module", "member",
                                 "handle", "roles", "status", "emoji", "upto", "revision"]),
                json_values,
                max_size=6,
            )
            | json_values
        ),
    }  # fmt: skip
    for key in draw(st.sets(st.sampled_from(list(op)), max_size=2)):
        del op[key]
    return op


@pytest.fixture
def fuzz_api(server_db: str) -> Iterator[Api]:
    """One app for every example of a test (one event loop for every request: fast)."""
    api = make_api(server_db)
    with api.client:
        yield api
    api.storage.close()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_push_never_fails_with_a_server_error(fuzz_api: Api, data: st.DataObject) -> None:
    api = fuzz_api
    body = data.draw(
        st.one_of(
            st.builds(lambda ops: {"ops": ops}, st.lists(op_like(api.founder), max_size=4)),
            json_values,
        )
    )
    r = api.client.post(f"/v1/cohorts/{api.cohort}/ops", json=body, headers=api.auth())
    assert r.status_code < 500, r.text
    assert r.headers["content-type"].startswith("application/json")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.binary(max_size=200), join=json_values)
def test_raw_bytes_and_odd_joins_never_fail_with_a_server_error(
    fuzz_api: Api, raw: bytes, join: Any
) -> None:
    api = fuzz_api
    r = api.client.post(f"/v1/cohorts/{api.cohort}/ops", content=raw, headers=api.auth())
    assert r.status_code < 500, r.text
    r = api.client.post("/v1/join", json=join)
    assert r.status_code < 500, r.text
