"""The OpenAPI document: FastAPI's, completed with what it cannot see from the route signatures.

- One error body (app.api.error_body.ErrorBody) for every error status, and the statuses each route
  can answer: 401 and 403 wherever the route's access marker needs a signed-in user, 404 where the
  path names a resource, 400 and 413 where a body is read, 422 where parameters or a body are validated,
  and whatever the route declares itself (409 for stale versions and workflow refusals, 429 for
  sign-in). FastAPI's own 422 schema (HTTPValidationError) is replaced: it is not what we send.
- The bearer scheme (and the browser session cookie) as security schemes, required per route.
- Links from the operations that create something to those that use it, so clients (and the
  stateful schemathesis run in tests/api) can follow ids from one response into the next request.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts

from app.api.error_body import ErrorBody
from app.auth.identity import COOKIE
from app.auth.policy import route_rule

ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}
STATUS_TEXT = {
    "400": "Malformed request (a body that cannot be parsed).",
    "401": "Not signed in, or the bearer token is unknown, expired or revoked.",
    "403": "Your role may not do this (or a browser request lacks its CSRF token).",
    "404": "No such resource.",
    "409": "Conflict: the version you edited is stale, or the workflow does not allow this now.",
    "413": "The body or text is over the size limit.",
    "422": "Invalid input: `details` names each field and what to fix.",
    "429": "Too many attempts: wait for the time in the Retry-After header.",
    "503": "Not ready: `checks` names what failed.",
}


def conflict(what: str) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route that can answer 409, saying when."""
    return {409: {"description": f"Conflict: {what}"}}


# Links: (method, path, status) of a producing operation -> name -> (method, path, parameters).
_DRAFT = "$response.body#/id"
_DRAFT_LINKS = {
    "GetDraft": ("GET", "/api/v1/drafts/{draft_id}", {"draft_id": _DRAFT}),
    "ListVersions": ("GET", "/api/v1/drafts/{draft_id}/versions", {"draft_id": _DRAFT}),
    "SaveVersion": ("POST", "/api/v1/drafts/{draft_id}/versions", {"draft_id": _DRAFT}),
    "GetVersion": (
        "GET",
        "/api/v1/drafts/{draft_id}/versions/{number}",
        {"draft_id": _DRAFT, "number": "$response.body#/version/number"},
    ),
    "Approve": (
        "POST",
        "/api/v1/drafts/{draft_id}/versions/{number}/approve",
        {"draft_id": _DRAFT, "number": "$response.body#/version/number"},
    ),
    "RequestChanges": (
        "POST",
        "/api/v1/drafts/{draft_id}/versions/{number}/request-changes",
        {"draft_id": _DRAFT, "number": "$response.body#/version/number"},
    ),
    "ListWaivers": (
        "GET",
        "/api/v1/drafts/{draft_id}/versions/{number}/waivers",
        {"draft_id": _DRAFT, "number": "$response.body#/version/number"},
    ),
    "FactsUpdate": ("GET", "/api/v1/drafts/{draft_id}/facts-update", {"draft_id": _DRAFT}),
    "ExportLetter": ("GET", "/api/v1/exports/drafts/{draft_id}/letter", {"draft_id": _DRAFT}),
    "ExportChecklist": (
        "GET",
        "/api/v1/exports/drafts/{draft_id}/checklist",
        {"draft_id": _DRAFT},
    ),
}
_INCIDENT = "$response.body#/incident/id"
_JOB = "$response.body#/id"
LINKS: dict[tuple[str, str, str], dict[str, tuple[str, str, dict[str, str]]]] = {
    ("POST", "/api/v1/incidents", "201"): {
        "GetIncident": ("GET", "/api/v1/incidents/{incident_id}", {"incident_id": _INCIDENT}),
        "GetFacts": ("GET", "/api/v1/incidents/{incident_id}/facts", {"incident_id": _INCIDENT}),
        "UpdateFacts": (
            "PUT",
            "/api/v1/incidents/{incident_id}/facts",
            {"incident_id": _INCIDENT},
        ),
        "ListFactsVersions": (
            "GET",
            "/api/v1/incidents/{incident_id}/facts/versions",
            {"incident_id": _INCIDENT},
        ),
        "ListDrafts": (
            "GET",
            "/api/v1/incidents/{incident_id}/drafts",
            {"incident_id": _INCIDENT},
        ),
        "AddDraft": ("POST", "/api/v1/incidents/{incident_id}/drafts", {"incident_id": _INCIDENT}),
        "Obligations": (
            "GET",
            "/api/v1/incidents/{incident_id}/obligations",
            {"incident_id": _INCIDENT},
        ),
        "GetFirstDraft": (
            "GET",
            "/api/v1/drafts/{draft_id}",
            {"draft_id": "$response.body#/drafts/0/id"},
        ),
    },
    ("POST", "/api/v1/incidents/{incident_id}/drafts", "201"): _DRAFT_LINKS,
    ("GET", "/api/v1/drafts/{draft_id}", "200"): _DRAFT_LINKS,
    ("POST", "/api/v1/drafts/{draft_id}/versions", "201"): _DRAFT_LINKS,
    ("POST", "/api/v1/users", "201"): {
        "GetUser": ("GET", "/api/v1/users/{user_id}", {"user_id": "$response.body#/user/id"}),
        "UpdateUser": ("PATCH", "/api/v1/users/{user_id}", {"user_id": "$response.body#/user/id"}),
        "IssueToken": (
            "POST",
            "/api/v1/users/{user_id}/tokens",
            {"user_id": "$response.body#/user/id"},
        ),
    },
    ("POST", "/api/v1/auth/tokens", "201"): {
        "RevokeToken": (
            "DELETE",
            "/api/v1/auth/tokens/{token_id}",
            {"token_id": "$response.body#/id"},
        ),
    },
    ("POST", "/api/v1/exports/merges", "202"): {
        "GetMerge": ("GET", "/api/v1/exports/merges/{job_id}", {"job_id": _JOB}),
        "ResumeMerge": ("POST", "/api/v1/exports/merges/{job_id}/resume", {"job_id": _JOB}),
        "MergeManifest": ("GET", "/api/v1/exports/merges/{job_id}/manifest", {"job_id": _JOB}),
        "MergeRejects": ("GET", "/api/v1/exports/merges/{job_id}/rejects", {"job_id": _JOB}),
    },
}


def install_openapi(app: FastAPI) -> None:
    """Serve the completed document as `app.openapi()` (built once, on first use)."""

    def build() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            complete(schema, app)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = build  # type: ignore[method-assign]


def complete(schema: dict[str, Any], app: FastAPI) -> None:
    """Add the error body, statuses, security schemes and links to FastAPI's document."""
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    error_schema = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(error_schema.pop("$defs", {}))
    schemas["ErrorBody"] = error_schema
    components["securitySchemes"] = {
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token: `candor users token --email E`, or POST /api/v1/auth/tokens.",
        },
        "session": {
            "type": "apiKey",
            "in": "cookie",
            "name": COOKIE,
            "description": "The browser session (POST /api/v1/auth/login); unsafe methods also "
            "need the X-CSRF-Token header.",
        },
    }
    operation_ids: dict[tuple[str, str], str] = {}
    for route in iter_route_contexts(app.router.routes):
        if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
            continue
        for method in route.methods or ():
            op = schema["paths"].get(route.path_format, {}).get(method.lower())
            if op is None:
                continue
            operation_ids[(method, route.path_format)] = op["operationId"]
            _complete_operation(op, route, method)
    for (method, path, status), links in LINKS.items():
        response = schema["paths"][path][method.lower()]["responses"][status]
        response["links"] = {
            name: {"operationId": operation_ids[(m, p)], "parameters": params}
            for name, (m, p, params) in links.items()
        }


def _complete_operation(op: dict[str, Any], route: RouteContext, method: str) -> None:
    responses = op.setdefault("responses", {})
    rule = route_rule(route)
    statuses = set()
    if rule is not None and not rule.public:
        op["security"] = [{"bearer": []}, {"session": []}]
        statuses |= {"401", "403"}
    else:
        op["security"] = []
    dependant = route.dependant
    if dependant.path_params:
        statuses.add("404")
    has_body = route.body_field is not None
    if has_body:
        statuses |= {"400", "413"}
    if has_body or dependant.path_params or dependant.query_params or dependant.header_params:
        statuses.add("422")
    for status in statuses:
        responses.setdefault(status, {})
    for status, response in responses.items():
        if not status.isdigit() or int(status) < 400:
            continue
        response["description"] = response.get("description") or STATUS_TEXT.get(status, "Error.")
        if response["description"] == "Validation Error":
            response["description"] = STATUS_TEXT["422"]
        if status != "503":  # readiness answers its own report, not an error body
            response["content"] = {"application/json": {"schema": ERROR_REF}}
