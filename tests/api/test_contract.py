"""One API contract: the OpenAPI document states what the routes do, and the routes do it.

Every request body refuses unknown fields; bodies whose fields are all optional may be empty;
every error status a route can answer is documented with the one error body; signed-in routes
declare the bearer scheme; timestamps are ISO 8601 with an offset and people are user ids;
version routes answer with the version they name (ETag, Location).
"""

from __future__ import annotations

from datetime import datetime

import pytest
from support.storeapp import make_store_app
from support.storedb import example

from app.auth.policy import api_routes


@pytest.fixture(scope="module")
def sa(tmp_path_factory):
    sa = make_store_app(tmp_path_factory.mktemp("contract"))
    r = sa.client.post("/api/v1/incidents", json={"facts": example()}, headers=sa.h("responder"))
    assert r.status_code == 201, r.text
    sa.created = r.json()
    sa.doc = sa.client.get("/api/v1/openapi.json").json()
    return sa


def _resolve(doc, schema):
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    if "anyOf" in schema:  # an optional body: Model | None
        schema = next(_resolve(doc, s) for s in schema["anyOf"] if s.get("type") != "null")
    return schema


def _operations(doc):
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            yield method.upper(), path, op


def _json_body(doc, op):
    content = op.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return None
    return _resolve(doc, content["application/json"]["schema"])


def test_every_json_body_refuses_unknown_fields(sa):
    bodies = 0
    for method, path, op in _operations(sa.doc):
        body = _json_body(sa.doc, op)
        if body is not None:
            bodies += 1
            assert body.get("additionalProperties") is False, f"{method} {path}"
    assert bodies >= 15


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/drafts:render", {"facts": example(), "tone": "plain", "colour": "red"}),
        ("/api/v1/checks", {"text": "Dear customer,", "colour": "red"}),
        ("/api/v1/obligations", {"facts": example(), "colour": "red"}),
        ("/api/v1/incidents", {"facts": example(), "colour": "red"}),
    ],
)
def test_an_unknown_field_is_422_naming_it(sa, path, body):
    r = sa.client.post(path, json=body, headers=sa.h("responder"))
    assert r.status_code == 422, r.text
    assert [d["field"] for d in r.json()["error"]["details"]] == ["colour"], r.text


def test_bodies_with_only_optional_fields_may_be_empty(sa):
    optional = []
    for method, path, op in _operations(sa.doc):
        body = _json_body(sa.doc, op)
        if body is not None and not body.get("required"):
            optional.append((method, path))
            assert not op["requestBody"].get("required"), f"{method} {path} requires a body"
    assert ("POST", "/api/v1/auth/tokens") in optional
    assert ("POST", "/api/v1/drafts/{draft_id}/versions/{number}/approve") in optional
    r = sa.client.post("/api/v1/auth/tokens", headers=sa.h("cmo"))
    assert r.status_code == 201, r.text
    draft = sa.created["drafts"][0]["id"]
    r = sa.client.post(f"/api/v1/drafts/{draft}/versions/1/approve", headers=sa.h("cmo"))
    assert r.status_code != 422, r.text


def test_every_error_status_is_documented_with_the_one_error_body(sa):
    marked = {
        (m, r.path): r.rule for r in api_routes(sa.client.app) for m in r.methods if m != "HEAD"
    }
    for method, path, op in _operations(sa.doc):
        responses = op["responses"]
        for status, response in responses.items():
            if int(status) >= 400 and status != "503":
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (method, path, status)
        rule = marked.get((method, path))
        if rule is not None and not rule.public:
            assert {"401", "403"} <= set(responses), (method, path)
            assert {"bearer": []} in op["security"], (method, path)
        if "{" in path:
            assert "404" in responses, (method, path)
        if "requestBody" in op:
            assert {"413", "422"} <= set(responses), (method, path)
    schemes = sa.doc["components"]["securitySchemes"]
    assert schemes["bearer"] == {**schemes["bearer"], "type": "http", "scheme": "bearer"}


def test_timestamps_are_iso_8601_with_offset_and_people_are_user_ids(sa):
    incident = sa.client.get("/api/v1/incidents", headers=sa.h("cmo")).json()[0]
    # Version 1 (the responder's draft): other tests in this module may add later versions.
    draft = sa.client.get(
        f"/api/v1/drafts/{sa.created['drafts'][0]['id']}/versions/1", headers=sa.h("cmo")
    ).json()
    responder = sa.client.get("/api/v1/auth/me", headers=sa.h("responder")).json()
    for value in (incident["created_at"], draft["version"]["created_at"], responder["created_at"]):
        assert isinstance(value, str) and datetime.fromisoformat(value).utcoffset() is not None
    assert incident["created_by"] == draft["version"]["created_by"] == responder["id"]


def test_version_routes_answer_with_the_version_they_name(sa):
    did = sa.created["drafts"][0]["id"]
    text = sa.client.get(f"/api/v1/drafts/{did}", headers=sa.h("cmo")).json()["version"]["text"]
    r = sa.client.post(
        f"/api/v1/drafts/{did}/versions",
        json={"text": text + "\n\nCall us.", "base_version": 1},
        headers=sa.h("cmo"),
    )
    assert r.status_code == 201, r.text
    number = r.json()["version"]["number"]
    assert r.headers["etag"] == f'"{number}"'
    assert r.headers["location"] == f"/api/v1/drafts/{did}/versions/{number}"
    old = sa.client.get(f"/api/v1/drafts/{did}/versions/1", headers=sa.h("cmo"))
    assert old.status_code == 200 and old.headers["etag"] == '"1"'
    assert old.json()["version"]["number"] == 1 and old.json()["version"]["text"] == text
    assert (
        sa.client.get(r.headers["location"], headers=sa.h("cmo")).json()["version"]
        == (r.json()["version"])
    )


def test_every_error_code_the_app_raises_is_in_the_documented_list():
    from app.core.errors import ERROR_CODES, AppError

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    codes = {AppError.code, *(c.code for c in subclasses(AppError))}
    assert codes <= set(ERROR_CODES), codes - set(ERROR_CODES)


def test_docs_api_md_lists_every_route_of_the_document(sa):
    """docs/api.md has a table row `| `METHOD` | `/path` | ...` for every operation."""
    from app.core.config import PROJECT_ROOT

    rows = {
        line for line in (PROJECT_ROOT / "docs" / "api.md").read_text().splitlines() if "|" in line
    }
    missing = []
    for method, path, _op in _operations(sa.doc):
        short = path.removeprefix("/api/v1")
        if not any(f"| `{method}` | `{short}` |" in row for row in rows):
            missing.append(f"{method} {short}")
    assert missing == [], f"add these routes to docs/api.md: {missing}"
