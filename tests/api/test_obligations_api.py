"""POST /api/v1/obligations: stateless report; bad input is a 422 naming the field."""

from __future__ import annotations

import json

import pytest
from support.clients import signed_in_client

from app.core.config import PROJECT_ROOT
from app.main import create_app


@pytest.fixture(scope="module")
def client(settings):  # type: ignore[no-untyped-def]
    with signed_in_client(create_app(settings)) as c:
        yield c


def _facts():  # type: ignore[no-untyped-def]
    return json.loads((PROJECT_ROOT / "examples" / "saas-credentials.json").read_text())


def test_report(client) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/obligations", json={"facts": _facts(), "today": "2026-10-08"})
    assert r.status_code == 200
    body = r.json()
    assert body["today"] == "2026-10-08"
    gdpr = next(
        o
        for o in body["obligations"]
        if o["jurisdiction"] == "EU-GDPR" and o["obligation"] == "regulator"
    )
    assert (
        gdpr["due"] == "2026-10-09"
        and gdpr["days_left"] == 1
        and gdpr["citation"] == "GDPR Art. 33(1)"
    )
    assert {tuple(sorted(v["residences"])) for v in body["variants"]} == {
        ("US-CA", "US-NY"),
        ("DE", "FR", "IE"),
    }
    assert body["no_letter"] == {"US-MA": 410}


def test_today_defaults_to_settings(client, settings) -> None:  # type: ignore[no-untyped-def]
    body = client.post("/api/v1/obligations", json={"facts": _facts()}).json()
    assert body["today"] == settings.TODAY


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"facts": {"organisation": {}}}, "facts.organisation.name"),
        ({"facts": {"organisation": {"name": "A"}, "affected": {"US-CA": -1}}}, "facts.affected"),
        ({"facts": {"organisation": {"name": "A"}}, "today": "soon"}, "today"),
        ({}, "facts"),
    ],
)
def test_bad_input_422(client, payload, field) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/obligations", json=payload)
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "invalid_input"
    assert any(d["field"].startswith(field) for d in err["details"]), err
