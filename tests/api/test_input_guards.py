"""Bad input that used to crash the service gets a 422 naming the field, on SQLite and PostgreSQL:
NUL characters in any string (facts, title, letter text, comment, token name, login e-mail), lone
surrogates in check text, dates near year 9999, absurd counts; oversized chunked bodies get 413.
Nothing is written by a refused request."""

from __future__ import annotations

import json

import pytest
from support.storeapp import make_store_app
from support.storedb import example


@pytest.fixture
def sa(db_url, tmp_path):
    sa = make_store_app(tmp_path, db_url=db_url, MAX_BODY_BYTES=200_000)
    r = sa.client.post("/api/v1/incidents", json={"facts": example()}, headers=sa.h("responder"))
    assert r.status_code == 201, r.text
    sa.draft = r.json()["drafts"][0]
    return sa


def _field_error(r, field_prefix):
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] == "invalid_input" and isinstance(err["details"], list), err
    assert any(d["field"].startswith(field_prefix) for d in err["details"]), err
    return err


def _count(sa, path):
    return len(sa.client.get(path, headers=sa.h("admin")).json())


def test_nul_anywhere_is_422_with_the_field_and_nothing_is_written(sa):
    d = sa.draft["id"]
    incidents, audit = _count(sa, "/api/v1/incidents"), _count(sa, "/api/v1/audit?limit=1000")
    facts = example()
    facts["organisation"]["name"] = "Harbor\x00Pine"
    _field_error(
        sa.client.post("/api/v1/incidents", json={"facts": facts}, headers=sa.h("responder")),
        "facts.organisation.name",
    )
    _field_error(
        sa.client.post(
            "/api/v1/incidents",
            json={"facts": example(), "title": "a\x00b"},
            headers=sa.h("responder"),
        ),
        "title",
    )
    _field_error(
        sa.client.post(
            f"/api/v1/drafts/{d}/versions",
            json={"text": "Dear\x00 you", "base_version": 1},
            headers=sa.h("cmo"),
        ),
        "text",
    )
    _field_error(
        sa.client.post(
            f"/api/v1/drafts/{d}/versions/1/request-changes",
            json={"comment": "no\x00"},
            headers=sa.h("cmo"),
        ),
        "comment",
    )
    _field_error(
        sa.client.post("/api/v1/auth/tokens", json={"name": "ci\x00"}, headers=sa.h("cmo")), "name"
    )
    _field_error(
        sa.client.post(
            "/api/v1/auth/login", json={"email": "cmo@test.example\x00", "password": "x"}
        ),
        "email",
    )
    _field_error(
        sa.client.get("/api/v1/audit", params={"entity": "draft\x00"}, headers=sa.h("admin")),
        "entity",
    )
    assert _count(sa, "/api/v1/incidents") == incidents
    assert _count(sa, "/api/v1/audit?limit=1000") == audit


def test_nul_in_a_browser_form_is_refused_before_the_page_runs(sa):
    r = sa.client.post(
        "/login",
        data={"email": "cmo@test.example\x00", "password": "x"},
        headers={"Accept": "text/html"},
    )
    assert r.status_code == 422 and "NUL" in r.text and "text/html" in r.headers["content-type"]


def test_lone_surrogate_in_check_text_is_422_not_a_dropped_connection(sa):
    body = '{"text": "We are sorry \\ud800 for this.", "grammar": false}'
    r = sa.client.post(
        "/api/v1/checks", content=body, headers=sa.h("cmo", **{"Content-Type": "application/json"})
    )
    err = _field_error(r, "text")
    assert "surrogate" in err["details"][0]["message"]


def test_dates_near_year_9999_are_422_not_an_overflow(sa):
    facts = example()
    facts["incident"].update({"breach_start": "9999-12-01", "discovery_date": "9999-12-20"})
    facts.pop("notice_date", None)
    facts["services"].pop("credit_monitoring", None)
    r = sa.client.post("/api/v1/incidents", json={"facts": facts}, headers=sa.h("responder"))
    assert r.status_code == 422, r.text
    assert isinstance(r.json()["error"]["details"], list)
    r = sa.client.post("/api/v1/obligations", json={"facts": facts}, headers=sa.h("responder"))
    assert r.status_code in (200, 422), r.text


def test_absurd_counts_are_refused_with_a_bound(sa):
    facts = example()
    facts["affected"] = {"US-CA": 10**30}
    err = _field_error(
        sa.client.post("/api/v1/incidents", json={"facts": facts}, headers=sa.h("responder")),
        "facts.affected",
    )
    assert "10000000000" in json.dumps(err)
    r = sa.client.get(
        f"/api/v1/exports/drafts/{sa.draft['id']}/letter",
        params={"version": 10**30, "format": "txt"},
        headers=sa.h("cmo"),
    )
    assert r.status_code in (404, 422), r.text


def test_oversized_chunked_body_is_413(sa):
    def chunks():
        for _ in range(30):
            yield b'{"text": "' + b"x" * 10_000
        yield b'"}'

    r = sa.client.post(
        "/api/v1/checks",
        content=chunks(),
        headers=sa.h("cmo", **{"Content-Type": "application/json"}),
    )
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large", r.text


def test_conflict_details_are_a_list_naming_the_current_version(sa):
    d = sa.draft["id"]
    text = sa.client.get(f"/api/v1/drafts/{d}", headers=sa.h("cmo")).json()["version"]["text"]
    assert (
        sa.client.post(
            f"/api/v1/drafts/{d}/versions",
            json={"text": text + "\nP.S. first.\n", "base_version": 1},
            headers=sa.h("cmo"),
        ).status_code
        == 201
    )
    # Both added a line at the end: an overlap the save cannot merge by itself.
    r = sa.client.post(
        f"/api/v1/drafts/{d}/versions",
        json={"text": text + "\nP.S. again.\n", "base_version": 1},
        headers=sa.h("security"),
    )
    assert r.status_code == 409
    details = r.json()["error"]["details"]
    assert isinstance(details, list)
    assert {"field": "current_version", "message": "current_version is 2", "value": 2} in details
