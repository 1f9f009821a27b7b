"""POST /api/v1/artifacts drafts any channel in English or Spanish with its report; POST /checks
takes the channel and language; bad input is a 4xx in the one error shape."""

from __future__ import annotations

import json

import pytest
from support.clients import signed_in_client

from app.core.config import PROJECT_ROOT
from app.main import create_app

FACTS = json.loads((PROJECT_ROOT / "examples" / "hospital-ransomware.json").read_text())


@pytest.fixture(scope="module")
def client(settings):  # type: ignore[no-untyped-def]
    with signed_in_client(create_app(settings)) as c:
        yield c


def test_draft_a_spanish_faq_with_its_report(client) -> None:  # type: ignore[no-untyped-def]
    r = client.post(
        "/api/v1/artifacts",
        json={"facts": FACTS, "channel": "faq", "language": "es", "jurisdiction": "US-HIPAA"},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["channel"] == "faq" and body["language"] == "es"
    assert body["text"].startswith("# Lakeview Regional Medical Center: preguntas y respuestas")
    report = body["report"]
    assert report["stats"]["channel"] == "faq" and "szigriszt_pazos" in report["readability"]
    assert not [f for f in report["findings"] if f["severity"] != "suggestion"]


def test_language_follows_the_facts(client) -> None:  # type: ignore[no-untyped-def]
    facts = {**FACTS, "recipient_languages": {"US-IL": "es", "US-MO": "de"}}
    r = client.post(
        "/api/v1/artifacts", json={"facts": facts, "jurisdiction": "US-IL", "check": False}
    )
    assert r.status_code == 200 and r.json()["language"] == "es" and r.json()["report"] is None
    r = client.post(
        "/api/v1/artifacts", json={"facts": facts, "jurisdiction": "US-MO", "check": False}
    )
    assert r.json()["language"] == "en" and "translated" in r.json()["warnings"][0]


def test_checks_take_channel_and_language(client) -> None:  # type: ignore[no-untyped-def]
    r = client.post(
        "/api/v1/checks",
        json={
            "text": "Asunto: Aviso\n\nHola.",
            "channel": "email",
            "language": "es",
            "grammar": False,
        },
    )
    assert r.status_code == 200, r.text
    rules = {f["rule"] for f in r.json()["findings"]}
    assert "channels.email.phishing_warning" in rules


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"channel": "fax"}, "channel"),
        ({"language": "fr"}, "language"),
        ({"jurisdiction": "US-XX"}, "jurisdiction"),
        ({"channel": "regulator", "jurisdiction": "US-MA"}, "jurisdiction"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(client, body, field) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/artifacts", json={"facts": FACTS, **body})
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert any(field in d["field"] for d in err["details"]), err
