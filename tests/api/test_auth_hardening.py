"""Sign-in and credentials: one account per mailbox (case, IDNA, trailing dot), API tokens expire,
failed sign-ins are rate-limited, and SQLite reads do not wait for a writer holding the lock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text, update
from support.storeapp import PASSWORD, make_store_app

from app.auth.emails import normalise_email
from app.store.models import ApiToken


@pytest.fixture
def sa(tmp_path):
    return make_store_app(tmp_path, LOGIN_RATE_LIMIT="3/minute", TOKEN_LIFETIME_DAYS=2)


@pytest.mark.parametrize(
    "spelling", ["cmo@test.example.", "CMO@Test.Example", " cmo@test.example ", "cmo@TEST.example."]
)
def test_one_person_cannot_register_a_second_spelling(sa, spelling):
    r = sa.client.post(
        "/api/v1/users", json={"email": spelling, "role": "security"}, headers=sa.h("admin")
    )
    assert r.status_code == 409 and "already exists" in r.json()["error"]["message"], r.text


def test_idna_spellings_are_one_address(sa):
    r = sa.client.post(
        "/api/v1/users", json={"email": "ana@exämple.org", "role": "cmo"}, headers=sa.h("admin")
    )
    assert r.status_code == 201 and r.json()["user"]["email"] == "ana@xn--exmple-cua.org"
    r = sa.client.post(
        "/api/v1/users",
        json={"email": "ANA@xn--exmple-cua.org.", "role": "security"},
        headers=sa.h("admin"),
    )
    assert r.status_code == 409


def test_sign_in_accepts_any_spelling_of_the_address(sa):
    c = TestClient(sa.client.app)
    assert (
        c.post(
            "/api/v1/auth/login", json={"email": "Cmo@Test.Example.", "password": PASSWORD}
        ).status_code
        == 200
    )


@pytest.mark.parametrize("bad", ["no-at-sign", "a@", "@b.org", "two words@b.org", "a@-bad-.org"])
def test_addresses_that_are_not_addresses_are_refused(bad):
    with pytest.raises(ValueError):
        normalise_email(bad)


def test_failed_sign_ins_are_rate_limited_per_account_and_per_client(sa):
    c = TestClient(sa.client.app)
    for _ in range(3):
        assert (
            c.post(
                "/api/v1/auth/login", json={"email": "cmo@test.example", "password": "wrong"}
            ).status_code
            == 401
        )
    r = c.post("/api/v1/auth/login", json={"email": "cmo@test.example", "password": PASSWORD})
    assert r.status_code == 429 and r.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(r.headers["retry-after"]) <= 60
    # The same client trying another account is held back too (per-client counter).
    r = c.post("/api/v1/auth/login", json={"email": "security@test.example", "password": PASSWORD})
    assert r.status_code == 429
    # The browser form is limited by the same rule.
    r = c.post(
        "/login",
        data={"email": "security@test.example", "password": PASSWORD},
        headers={"Accept": "text/html"},
    )
    assert r.status_code == 429


def test_successful_sign_ins_do_not_count(sa):
    c = TestClient(sa.client.app)
    for _ in range(5):
        assert (
            c.post(
                "/api/v1/auth/login", json={"email": "cmo@test.example", "password": PASSWORD}
            ).status_code
            == 200
        )


def test_tokens_expire(sa):
    r = sa.client.post("/api/v1/auth/tokens", json={"name": "short"}, headers=sa.h("cmo"))
    assert r.status_code == 201
    tok = r.json()
    expires = datetime.fromisoformat(tok["expires_at"])
    assert timedelta(days=1, hours=23) < expires - datetime.now(UTC) <= timedelta(days=2)
    bearer = {"Authorization": f"Bearer {tok['token']}"}
    assert sa.client.get("/api/v1/auth/me", headers=bearer).status_code == 200
    past = datetime.now(UTC) - timedelta(seconds=1)
    with sa.client.app.state.db.sessions() as s:
        s.execute(update(ApiToken).where(ApiToken.id == tok["id"]).values(expires_at=past))
        s.commit()
    r = sa.client.get("/api/v1/auth/me", headers=bearer)
    assert r.status_code == 401 and "expired" in r.json()["error"]["message"]


def test_a_shorter_lifetime_can_be_asked_for_but_not_a_longer_one(sa):
    r = sa.client.post(
        "/api/v1/auth/tokens", json={"name": "ci", "expires_in_days": 1}, headers=sa.h("cmo")
    )
    assert r.status_code == 201
    assert datetime.fromisoformat(r.json()["expires_at"]) - datetime.now(UTC) <= timedelta(days=1)
    r = sa.client.post(
        "/api/v1/auth/tokens", json={"name": "ci", "expires_in_days": 30}, headers=sa.h("cmo")
    )
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "expires_in_days"


def test_sqlite_reads_do_not_wait_for_a_writer_holding_the_lock(sa):
    """A write transaction holds SQLite's write lock; API reads still answer from the last commit.
    (Were reads to BEGIN IMMEDIATE too, they would block for the busy timeout and then fail.)"""
    db = sa.client.app.state.db
    writer = db.sessions()
    try:
        writer.execute(
            text("UPDATE incidents SET title = title")
        )  # BEGIN IMMEDIATE: the lock is held
        for path in ("/api/v1/incidents", "/api/v1/auth/me", "/api/v1/audit?limit=5"):
            role = "admin"
            r = sa.client.get(path, headers=sa.h(role))
            assert r.status_code == 200, (path, r.text)
    finally:
        writer.rollback()
        writer.close()
