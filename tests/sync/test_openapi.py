"""The OpenAPI document: generated from the types the server decodes and encodes, and
checked against the running server by schemathesis with every check."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest
from starlette.routing import Route

from cohort_tui.domain.ops import OpId
from cohort_tui.server import wire
from cohort_tui.server.http import RateLimiter
from cohort_tui.server.openapi import ENDPOINTS, openapi_document
from tests.sync.conftest import Api
from tests.sync.live_server import LiveServer

EXAMPLES = 25
"""Cases per operation and phase: the run takes about 15 s on a 2-core machine."""


def test_every_route_is_described_and_every_description_is_a_route(api: Api) -> None:
    doc = api.client.get("/v1/openapi.json").json()
    described = {
        (m.upper(), p) for p, ops in doc["paths"].items() for m in ops if m != "parameters"
    }
    routes = {
        (method, route.path)
        for route in api.client.app.routes  # type: ignore[attr-defined]
        if isinstance(route, Route) and route.methods
        for method in route.methods - {"HEAD"}
    }
    assert routes - {("GET", "/v1/openapi.json")} == described
    assert described == {(e.method, e.path) for e in ENDPOINTS}


def test_schemas_are_msgspecs_own_for_the_wire_types() -> None:
    doc = openapi_document()
    schemas = doc["components"]["schemas"]
    _, expected = msgspec.json.schema_components(
        [*wire.REQUESTS, *wire.REPLIES, *wire.STREAM_EVENTS.values()],
        ref_template="#/components/schemas/{name}",
    )
    for name, schema in expected.items():
        assert schemas[name] == schema, name
    # Each pushed op is described by the envelope decode_op checks it with.
    op = schemas["Op"]
    assert set(op["required"]) == {"id", "kind", "author", "clock", "data"}
    assert op["properties"]["id"] == msgspec.json.schema(OpId)
    push = doc["paths"]["/v1/cohorts/{cohort}/ops"]["post"]
    assert push["requestBody"]["required"] is True
    ops = schemas["PushRequest"]["properties"]["ops"]
    assert ops["items"] == {"$ref": "#/components/schemas/Op"}
    assert ops["maxItems"] == wire.MAX_BATCH
    pull = doc["paths"]["/v1/cohorts/{cohort}/ops"]["get"]
    after = next(p for p in pull["parameters"] if p["name"] == "after")
    assert after["schema"]["maximum"] == 2**63 - 1 and after["in"] == "query"
    stream = doc["paths"]["/v1/cohorts/{cohort}/stream"]["get"]["responses"]["200"]
    events = stream["content"]["text/event-stream"]["schema"]["oneOf"]
    assert {e["properties"]["event"]["const"] for e in events} == set(wire.STREAM_EVENTS)


@pytest.fixture
def served(server_db: str) -> Iterator[LiveServer]:
    # schemathesis tries wrong tokens on purpose: a guard that lets it go on testing.
    server = LiveServer(server_db, guard=RateLimiter(rate=100_000, burst=100_000))
    server.start()
    yield server
    server.stop()


def test_schemathesis_finds_no_mismatch_between_the_spec_and_the_server(
    served: LiveServer, tmp_path: Path
) -> None:
    config = tmp_path / "schemathesis.toml"
    config.write_text(
        "max-stream-events = 1\n"  # a stream never ends: the first event is enough
        f'[headers]\nAuthorization = "Bearer {served.token}"\n'
        f'[parameters]\n"path.cohort" = "{served.cohort}"\n'
    )
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "run",
         served.url + "/v1/openapi.json", "--checks", "all", "--max-examples", str(EXAMPLES),
         "--generation-deterministic", "--workers", "1", "--request-timeout", "10",
         "--no-color"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )  # fmt: skip
    report = run.stdout[-20_000:] + run.stderr[-5_000:]
    assert run.returncode == 0, report
    assert "No issues found" in run.stdout, report
    assert "7 selected / 7 total" in run.stdout, report
    print(f"schemathesis: {time.monotonic() - started:.1f} s")
