"""POST /api/v1/drafts:render and /healthz."""

from __future__ import annotations

import json

import pytest
from support.clients import signed_in_client

from app.core.config import PROJECT_ROOT
from app.main import create_app


@pytest.fixture(scope="module")
def client(settings):
    with signed_in_client(create_app(settings)) as c:
        yield c


def _facts():
    return json.loads((PROJECT_ROOT / "examples" / "saas-credentials.json").read_text())


def test_healthz(client):
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["rulebook"].startswith("sha256:")


def test_render_draft(client):
    r = client.post(
        "/api/v1/drafts:render",
        json={"facts": _facts(), "tone": "formal", "jurisdiction": "EU-GDPR"},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert "data protection officer" in body["text"] and body["rulebook"].startswith("sha256:")


def test_render_draft_bad_facts_is_422_with_field_path(client):
    facts = _facts()
    facts["affected"]["US-CA"] = -1
    r = client.post("/api/v1/drafts:render", json={"facts": facts, "tone": "plain"})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "invalid_input"
    assert any(d["field"] == "facts.affected.US-CA" for d in err["details"])


def test_render_draft_unknown_tone(client):
    r = client.post("/api/v1/drafts:render", json={"facts": _facts(), "tone": "chirpy"})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "tone"


def test_openapi_documents_render(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/drafts:render" in spec["paths"]
