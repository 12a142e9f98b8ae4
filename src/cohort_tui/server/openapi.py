"""API v1's endpoints, and its OpenAPI 3.1 document generated from them.

:data:`ENDPOINTS` is the one list of what the server answers: the app builds its routes
from it, and :func:`openapi_document` describes each endpoint from the msgspec types in
:mod:`wire` that the server decodes requests into and encodes replies from (through
``msgspec.json.schema_components``). Nothing here is a hand-kept copy of a schema.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import msgspec
from msgspec import Struct

from cohort_tui import __version__
from cohort_tui.domain.ops import _Envelope as OpEnvelope  # what decode_op checks each op with
from cohort_tui.server import wire

_ERRORS = {
    400: "Malformed JSON, invalid UTF-8, a schema violation or a bad cursor; the message "
    "names the problem",
    401: "Missing, invalid or revoked bearer token",
    403: "Not allowed (author is not the token's member, role, invite)",
    404: "No such cohort for this token",
    409: "Conflict (handle taken, invite for another cohort, a stream cursor past the "
    "cohort's last op)",
    413: "Body over 1 MiB",
    415: "A body sent with a content type other than application/json",
    429: "Rate limited (per token, or per address after failed tokens or invites); see Retry-After",
}


@dataclass(frozen=True)
class Endpoint:
    """One operation of the API."""

    method: str
    path: str
    handler: str
    """The :class:`~cohort_tui.server.app.SyncServer` method that answers it."""
    summary: str
    reply: type[Struct] | None
    """The 2xx body's type; None for the event stream."""
    status: int = 200
    body: type[Struct] | None = None
    body_required: bool = True
    query: type[Struct] | None = None
    auth: bool = True
    errors: tuple[int, ...] = (400, 401, 404, 429)


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        "GET", "/v1/health", "health", "Liveness, version and the database's history id",
        wire.Health, auth=False, errors=(),
    ),
    Endpoint(
        "POST", "/v1/join", "join", "Redeem an invite: become a member (or claim one) and "
        "get a token", wire.Joined, body=wire.JoinRequest, auth=False,
        errors=(400, 403, 409, 413, 415, 429),
    ),
    Endpoint(
        "POST", "/v1/cohorts/{cohort}/ops", "push", "Push a batch of ops (idempotent by op id)",
        wire.Pushed, body=wire.PushRequest, errors=(400, 401, 403, 404, 413, 415, 429),
    ),
    Endpoint(
        "GET", "/v1/cohorts/{cohort}/ops", "pull", "Pull ops stored after a cursor",
        wire.Page, query=wire.PageQuery,
    ),
    Endpoint(
        "GET", "/v1/cohorts/{cohort}/stream", "stream", "Server-Sent Events: ready, then ops "
        "as they are stored, ping when idle, presence when who is here changes (and with "
        "each ping), closed when the server ends the stream; at most 8 open per member",
        None, query=wire.StreamQuery, errors=(400, 401, 404, 409, 429),
    ),
    Endpoint(
        "POST", "/v1/cohorts/{cohort}/invites", "invite", "Make an invite (facilitators)",
        wire.InviteMade, status=201, body=wire.InviteRequest, body_required=False,
        errors=(400, 401, 403, 404, 413, 415, 429),
    ),
    Endpoint(
        "POST", "/v1/cohorts/{cohort}/presence", "presence", "Presence heartbeat: where the "
        "member is now; answers who is here (ephemeral, per server instance)",
        wire.PresenceList, body=wire.PresenceBeat, body_required=False,
        errors=(400, 401, 404, 413, 415, 429),
    ),
)  # fmt: skip


@functools.cache
def openapi_document() -> dict[str, Any]:
    """The API description (built once; the types do not change while the server runs)."""
    types: list[Any] = [*wire.REQUESTS, *wire.REPLIES, *wire.STREAM_EVENTS.values()]
    types += [OpEnvelope, *(e.query for e in ENDPOINTS if e.query is not None)]
    _, schemas = msgspec.json.schema_components(types, ref_template="#/components/schemas/{name}")
    schemas["Op"] = schemas.pop(OpEnvelope.__name__)
    schemas["Op"]["title"] = "Op"
    schemas["Op"]["description"] = (
        "One op; data's shape depends on kind (unknown kinds are kept as they are)"
    )
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in ENDPOINTS:
        paths.setdefault(endpoint.path, {})[endpoint.method.lower()] = _operation(endpoint, schemas)
        if "{cohort}" in endpoint.path:
            paths[endpoint.path]["parameters"] = [
                {"name": "cohort", "in": "path", "required": True, "schema": {"type": "string"}}
            ]
    for endpoint in ENDPOINTS:  # query types are parameters, not components
        if endpoint.query is not None:
            schemas.pop(endpoint.query.__name__, None)
    return {
        "openapi": "3.1.0",
        "info": {"title": "cohort-tui sync server", "version": __version__},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas,
        },
        "paths": paths,
    }


def _ref(kind: type[Struct]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{kind.__name__}"}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _operation(endpoint: Endpoint, schemas: dict[str, Any]) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": endpoint.summary, "operationId": endpoint.handler}
    if endpoint.auth:
        op["security"] = [{"bearer": []}]
    if endpoint.query is not None:
        query = schemas[endpoint.query.__name__]
        op["parameters"] = [
            {
                "name": name,
                "in": "query",
                "required": name in query.get("required", ()),
                "schema": {k: v for k, v in prop.items() if k != "description"},
                **({"description": prop["description"]} if "description" in prop else {}),
            }
            for name, prop in query["properties"].items()
        ]
    if endpoint.body is not None:
        op["requestBody"] = {"required": endpoint.body_required, **_json(_ref(endpoint.body))}
    ok: dict[str, Any] = {"description": endpoint.summary}
    if endpoint.reply is not None:
        ok.update(_json(_ref(endpoint.reply)))
    else:
        ok["content"] = {"text/event-stream": {"schema": _stream_event()}}
    responses: dict[str, Any] = {str(endpoint.status): ok}
    for code in endpoint.errors:
        responses[str(code)] = {"description": _ERRORS[code], **_json(_ref(wire.ErrorReply))}
    op["responses"] = responses
    return op


def _stream_event() -> dict[str, Any]:
    """One Server-Sent Event: its name, and its data line as JSON of that event's type."""
    return {
        "oneOf": [
            {
                "type": "object",
                "required": ["event", "data"],
                "properties": {
                    "event": {"const": name},
                    "data": {
                        "type": "string",
                        "contentMediaType": "application/json",
                        "contentSchema": _ref(kind),
                    },
                    "id": {"type": "string", "description": "The cursor after the event's ops"},
                },
            }
            for name, kind in wire.STREAM_EVENTS.items()
        ]
    }
