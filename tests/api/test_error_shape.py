"""One error body everywhere: 422 with field paths, 413, 404, 409, 403, 401 — each with a sentence saying what to do."""

from __future__ import annotations

import pytest
from support.storeapp import PASSWORD, make_store_app
from support.storedb import example


@pytest.fixture(scope="module")
def sa(tmp_path_factory):
    sa = make_store_app(
        tmp_path_factory.mktemp("errs"), MAX_BODY_BYTES=200_000, MAX_TEXT_CHARS=20_000
    )
    r = sa.client.post("/api/v1/incidents", json={"facts": example()}, headers=sa.h("responder"))
    assert r.status_code == 201, r.text
    sa.draft = r.json()["drafts"][0]
    return sa


def _err(r, status, code):
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code and len(body["error"]["message"]) > 15
    return body["error"]


def test_bad_facts_are_422_with_field_paths_and_nothing_is_written(sa):
    facts = example()
    facts["affected"]["US-CA"] = -5
    facts["incident"]["breach_end"] = "2020-01-01"
    before = len(sa.client.get("/api/v1/incidents", headers=sa.h("cmo")).json())
    err = _err(
        sa.client.post("/api/v1/incidents", json={"facts": facts}, headers=sa.h("responder")),
        422,
        "invalid_input",
    )
    fields = {d["field"] for d in err["details"]}
    assert any(f.startswith("facts.affected") for f in fields), fields
    assert len(sa.client.get("/api/v1/incidents", headers=sa.h("cmo")).json()) == before


def test_unknown_tone_is_422_naming_the_list_index(sa):
    err = _err(
        sa.client.post(
            "/api/v1/incidents",
            json={"facts": example(), "tones": ["plain", "angry"]},
            headers=sa.h("responder"),
        ),
        422,
        "invalid_input",
    )
    assert err["details"][0]["field"] == "tones[1]"


def test_body_over_the_limit_is_413(sa):
    big = "x" * 250_000
    err = _err(
        sa.client.post(
            f"/api/v1/drafts/{sa.draft['id']}/versions",
            json={"text": big, "base_version": 1},
            headers=sa.h("cmo"),
        ),
        413,
        "too_large",
    )
    assert "limit" in err["message"]


def test_text_over_the_character_limit_is_413(sa):
    _err(
        sa.client.post(
            f"/api/v1/drafts/{sa.draft['id']}/versions",
            json={"text": "y" * 30_000, "base_version": 1},
            headers=sa.h("cmo"),
        ),
        413,
        "too_large",
    )


def test_missing_things_are_404_with_a_hint(sa):
    err = _err(sa.client.get("/api/v1/drafts/424242", headers=sa.h("cmo")), 404, "not_found")
    assert "GET /api/v1/incidents" in err["message"]
    _err(
        sa.client.get(f"/api/v1/drafts/{sa.draft['id']}/versions/99", headers=sa.h("cmo")),
        404,
        "not_found",
    )


def test_stale_save_is_409_with_the_current_version(sa):
    d = sa.draft["id"]
    text = sa.client.get(f"/api/v1/drafts/{d}", headers=sa.h("cmo")).json()["version"]["text"]
    current = sa.client.get(f"/api/v1/drafts/{d}", headers=sa.h("cmo")).headers["etag"]
    ok = sa.client.post(
        f"/api/v1/drafts/{d}/versions",
        json={"text": text + "\n"},
        headers=sa.h("cmo", **{"If-Match": current}),
    )
    assert ok.status_code == 201 and ok.headers["etag"] == f'"{int(current.strip(chr(34))) + 1}"'
    # A stale save that changes the same place (both added at the end) is 409; other edits would be merged.
    err = _err(
        sa.client.post(
            f"/api/v1/drafts/{d}/versions",
            json={"text": text + "\nP.S. again\n"},
            headers=sa.h("security", **{"If-Match": current}),
        ),
        409,
        "conflict",
    )
    current_version = next(d["value"] for d in err["details"] if d["field"] == "current_version")
    assert current_version == int(current.strip('"')) + 1 and "Reload version" in err["message"]
    _err(
        sa.client.post(
            f"/api/v1/drafts/{d}/versions", json={"text": "no base"}, headers=sa.h("cmo")
        ),
        422,
        "invalid_input",
    )


def test_wrong_role_is_403_and_no_credentials_401(sa):
    err = _err(
        sa.client.post(
            f"/api/v1/drafts/{sa.draft['id']}/versions/1/sign-off", json={}, headers=sa.h("cmo")
        ),
        403,
        "forbidden",
    )
    assert "compliance" in err["message"]
    _err(sa.client.get("/api/v1/incidents"), 401, "unauthorized")
    _err(
        sa.client.get("/api/v1/incidents", headers={"Authorization": "Bearer nope"}),
        401,
        "unauthorized",
    )


def test_browser_session_needs_csrf_on_unsafe_requests(sa):
    from fastapi.testclient import TestClient

    c = TestClient(sa.client.app)
    login = c.post("/api/v1/auth/login", json={"email": "cmo@test.example", "password": PASSWORD})
    assert login.status_code == 200, login.text
    cookie = login.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert c.get("/api/v1/auth/me").json()["role"] == "cmo"
    d = sa.draft["id"]
    err = _err(
        c.post(f"/api/v1/drafts/{d}/versions", json={"text": "t", "base_version": 1}),
        403,
        "csrf_failed",
    )
    assert "CSRF" in err["message"]
    r = c.post("/api/v1/auth/tokens", json={}, headers={"X-CSRF-Token": login.json()["csrf_token"]})
    assert r.status_code == 201
    assert (
        c.post(
            "/api/v1/auth/logout", headers={"X-CSRF-Token": login.json()["csrf_token"]}
        ).status_code
        == 204
    )
    _err(c.get("/api/v1/auth/me"), 401, "unauthorized")
    _err(
        sa.client.post(
            "/api/v1/auth/login", json={"email": "cmo@test.example", "password": "wrong"}
        ),
        401,
        "unauthorized",
    )
