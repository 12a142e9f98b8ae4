"""The OpenAPI 3.1 document of API v1, served at ``/v1/openapi.json``."""

from __future__ import annotations

from typing import Any

from cohort_tui import __version__

_ERROR = {"$ref": "#/components/schemas/Error"}


def _errors(*codes: int) -> dict[str, Any]:
    text = {
        400: "Malformed JSON or a schema violation; the message names the problem",
        401: "Missing or invalid bearer token",
        403: "Not allowed (author is not the token's member, role, invite)",
        404: "No such cohort for this token",
        409: "Conflict (handle taken, invite for another cohort)",
        413: "Body over 1 MiB",
        429: "Rate limited; see Retry-After",
    }
    return {
        str(code): {
            "description": text[code],
            "content": {"application/json": {"schema": _ERROR}},
        }
        for code in codes
    }


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


_COHORT = {"name": "cohort", "in": "path", "required": True, "schema": {"type": "string"}}
_AFTER = {
    "name": "after",
    "in": "query",
    "schema": {"type": "integer", "minimum": 0, "default": 0},
    "description": "Cursor: return ops stored after this one",
}
_LIMIT = {
    "name": "limit",
    "in": "query",
    "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 500},
}
_AUTH: list[dict[str, list[str]]] = [{"bearer": []}]


def openapi_document() -> dict[str, Any]:
    """The API description."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "cohort-tui sync server", "version": __version__},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error", "message"],
                    "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
                },
                "Op": {
                    "type": "object",
                    "required": ["id", "kind", "author", "clock", "data"],
                    "properties": {
                        "id": {"type": "string", "maxLength": 80},
                        "kind": {"type": "string", "maxLength": 64},
                        "author": {"type": "string", "maxLength": 80},
                        "clock": {
                            "type": "array",
                            "prefixItems": [
                                {"type": "integer", "minimum": 0},
                                {"type": "integer", "minimum": 0},
                                {"type": "string", "maxLength": 40},
                            ],
                            "minItems": 3,
                            "maxItems": 3,
                        },
                        "data": {"type": "object"},
                    },
                },
            },
        },
        "paths": {
            "/v1/health": {
                "get": {
                    "summary": "Liveness, version and the database's instance id",
                    "responses": {"200": {"description": "The server is up"}},
                }
            },
            "/v1/join": {
                "post": {
                    "summary": "Redeem an invite: become a member and get a token",
                    "requestBody": _json(
                        {
                            "type": "object",
                            "required": ["invite", "handle"],
                            "properties": {
                                "invite": {"type": "string"},
                                "handle": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]*$"},
                                "display_name": {"type": "string"},
                                "cohort": {
                                    "type": "string",
                                    "description": "Refuse (409) if the invite is for another",
                                },
                            },
                        }
                    ),
                    "responses": {
                        "200": {
                            "description": "Joined",
                            **_json(
                                {
                                    "type": "object",
                                    "properties": {
                                        "cohort": {"type": "string"},
                                        "member": {"type": "string"},
                                        "handle": {"type": "string"},
                                        "token": {"type": "string"},
                                        "cursor": {"type": "integer"},
                                    },
                                }
                            ),
                        },
                        **_errors(400, 403, 409, 413, 429),
                    },
                }
            },
            "/v1/cohorts/{cohort}/ops": {
                "parameters": [_COHORT],
                "post": {
                    "summary": "Push a batch of ops (idempotent by op id)",
                    "security": _AUTH,
                    "requestBody": _json(
                        {
                            "type": "object",
                            "required": ["ops"],
                            "properties": {
                                "ops": {
                                    "type": "array",
                                    "maxItems": 1000,
                                    "items": {"$ref": "#/components/schemas/Op"},
                                }
                            },
                        }
                    ),
                    "responses": {
                        "200": {
                            "description": "Which ops the server holds, and which it refused",
                            **_json(
                                {
                                    "type": "object",
                                    "properties": {
                                        "acked": {"type": "array", "items": {"type": "string"}},
                                        "accepted": {"type": "integer"},
                                        "duplicates": {"type": "integer"},
                                        "rejected": {
                                            "type": "array",
                                            "items": {
                                                "type": "object",
                                                "properties": {
                                                    "id": {"type": "string"},
                                                    "reason": {"type": "string"},
                                                },
                                            },
                                        },
                                        "cursor": {"type": "integer"},
                                    },
                                }
                            ),
                        },
                        **_errors(400, 401, 403, 404, 413, 429),
                    },
                },
                "get": {
                    "summary": "Pull ops stored after a cursor",
                    "security": _AUTH,
                    "parameters": [_AFTER, _LIMIT],
                    "responses": {
                        "200": {
                            "description": "A page of ops",
                            **_json(
                                {
                                    "type": "object",
                                    "properties": {
                                        "ops": {
                                            "type": "array",
                                            "items": {"$ref": "#/components/schemas/Op"},
                                        },
                                        "cursor": {"type": "integer"},
                                        "more": {"type": "boolean"},
                                    },
                                }
                            ),
                        },
                        **_errors(400, 401, 404, 429),
                    },
                },
            },
            "/v1/cohorts/{cohort}/stream": {
                "parameters": [_COHORT],
                "get": {
                    "summary": "Server-Sent Events: ready, ops {ops, cursor}, ping every 15 s",
                    "security": _AUTH,
                    "parameters": [_AFTER],
                    "responses": {
                        "200": {
                            "description": "An event stream",
                            "content": {"text/event-stream": {"schema": {"type": "string"}}},
                        },
                        **_errors(400, 401, 404, 429),
                    },
                },
            },
            "/v1/cohorts/{cohort}/invites": {
                "parameters": [_COHORT],
                "post": {
                    "summary": "Make an invite (facilitators)",
                    "security": _AUTH,
                    "requestBody": _json(
                        {
                            "type": "object",
                            "properties": {
                                "role": {
                                    "type": "string",
                                    "enum": [
                                        "learner",
                                        "mentor",
                                        "reviewer",
                                        "curator",
                                        "facilitator",
                                    ],
                                },
                                "uses": {"type": "integer", "minimum": 1, "maximum": 1000},
                                "expires_days": {"type": "number", "maximum": 365},
                                "claim": {
                                    "type": "string",
                                    "description": "An existing member (handle or id) to "
                                    "give a new token, e.g. on a new device",
                                },
                            },
                        }
                    ),
                    "responses": {
                        "201": {
                            "description": "The invite code (shown once)",
                            **_json(
                                {
                                    "type": "object",
                                    "properties": {
                                        "invite": {"type": "string"},
                                        "role": {"type": "string"},
                                        "uses": {"type": "integer"},
                                        "expires_at": {"type": "integer"},
                                    },
                                }
                            ),
                        },
                        **_errors(400, 401, 403, 404, 413, 429),
                    },
                },
            },
        },
    }
