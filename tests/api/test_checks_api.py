"""POST /api/v1/checks returns the Report; catalog routes describe the rulebook."""

from __future__ import annotations

import json

import pytest
from support.clients import signed_in_client

from app.core.config import PROJECT_ROOT
from app.main import create_app

LETTER = (
    PROJECT_ROOT / "tests" / "fixtures" / "letters" / "03_ma_forbidden_ransomware.md"
).read_text()


@pytest.fixture(scope="module")
def client(settings):  # type: ignore[no-untyped-def]
    with signed_in_client(create_app(settings.model_copy(update={"MAX_TEXT_CHARS": 5000}))) as c:
        yield c


def test_check_returns_the_report(client) -> None:  # type: ignore[no-untyped-def]
    r = client.post(
        "/api/v1/checks",
        json={"text": LETTER, "jurisdictions": ["US-MA"], "tone": "plain", "grammar": False},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["rulebook"].startswith("sha256:") and body["grammar"]["status"] == "skipped"
    forbidden = next(e for e in body["elements"] if e["element"] == "what_happened")
    assert (
        forbidden["requirement"] == "prohibited" and forbidden["detected"] and not forbidden["ok"]
    )
    assert LETTER[forbidden["start"] : forbidden["end"]]
    assert any(
        f["severity"] == "error" and f["rule"] == "legal.us-ma.what_happened"
        for f in body["findings"]
    )


def test_same_report_as_the_cli(client, capsys) -> None:  # type: ignore[no-untyped-def]
    from app.cli import main

    path = PROJECT_ROOT / "tests" / "fixtures" / "letters" / "03_ma_forbidden_ransomware.md"
    main(["check", str(path), "--jurisdiction", "US-MA", "--format", "json", "--no-grammar"])
    cli = json.loads(capsys.readouterr().out)
    api = client.post(
        "/api/v1/checks", json={"text": LETTER, "jurisdictions": ["US-MA"], "grammar": False}
    ).json()
    assert [f["id"] for f in cli["findings"]] == [f["id"] for f in api["findings"]]


def test_with_facts(client) -> None:  # type: ignore[no-untyped-def]
    facts = json.loads((PROJECT_ROOT / "examples" / "hospital-ransomware.json").read_text())
    r = client.post(
        "/api/v1/checks",
        json={"text": "Call 1-800-555-0000. [[missing: x]]", "facts": facts, "grammar": False},
    )
    assert r.status_code == 200
    rules = {f["rule"] for f in r.json()["findings"]}
    assert {"facts.missing_marker", "facts.phone"} <= rules


def test_too_long_is_413(client) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/checks", json={"text": "x" * 5001})
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "too_large" and "5,000" in r.json()["error"]["message"]


def test_unknown_jurisdiction_is_422(client) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/checks", json={"text": "x", "jurisdictions": ["XX-ZZ"]})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_input"


def test_grammar_unavailable_is_reported(client) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/checks", json={"text": "Hello there."})
    assert r.status_code == 200 and r.json()["grammar"]["status"] in ("unavailable", "ok")


def test_catalog(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/api/v1/tones").json()["tones"] == ["empathetic", "formal", "plain"]
    rules = client.get("/api/v1/rules").json()["rules"]
    assert any(r["id"] == "empathy.hedging" and r["kind"] == "sentence_pattern" for r in rules)
    js = client.get("/api/v1/jurisdictions").json()["jurisdictions"]
    assert any(j["code"] == "US-CA" and j["reviewed"] for j in js)
    els = client.get("/api/v1/elements").json()["elements"]
    assert any(e["id"] == "what_happened" and e["label"] for e in els)
