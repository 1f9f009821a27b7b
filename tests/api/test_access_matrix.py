"""Every /api/v1 route × every role: each route has an explicit rule, and the rule is what happens.

Deny by default: every route (API, pages, health, docs) carries an access marker, and create_app
refuses to start when one has none.
"""

from __future__ import annotations

import re

import pytest
from support.storeapp import make_store_app
from support.storedb import example

from app.auth.policy import all_routes, api_routes, require_markers, unmarked_routes
from app.auth.roles import ROLES
from app.core.errors import ConfigError


@pytest.fixture(scope="module")
def sa(tmp_path_factory):
    sa = make_store_app(tmp_path_factory.mktemp("acl"))
    r = sa.client.post("/api/v1/incidents", json={"facts": example()}, headers=sa.h("responder"))
    assert r.status_code == 201, r.text
    # token 1 belongs to admin; make the DELETE /auth/tokens/{id} probe hit a throwaway token instead
    return sa


def _routes(app):
    return api_routes(app)


def test_every_api_route_has_an_explicit_rule(sa):
    missing = unmarked_routes(sa.client.app)
    assert missing == [], (
        f"routes without an access rule (add allow(...), public() or page(...)): {missing}"
    )
    assert len(_routes(sa.client.app)) >= 25


def _cases(app):
    for route in _routes(app):
        for method in sorted(route.methods - {"HEAD"}):
            yield route, method, route.rule


def test_route_by_role_matrix(sa):
    app = sa.client.app
    failures = []
    for route, method, rule in _cases(app):
        path = re.sub(r"\{[^}]+\}", "999999", route.path)
        for role in (None, *ROLES):
            if method == "POST" and route.path == "/api/v1/auth/logout" and role is not None:
                continue  # a bearer logout is harmless but tested elsewhere
            r = sa.client.request(method, path, headers=sa.h(role), json={})
            allowed = rule.public or (role is not None and role in rule.roles)
            if (
                allowed
                and r.status_code in (401, 403)
                and r.json()["error"]["code"] in ("unauthorized", "forbidden")
            ):
                failures.append(
                    f"{method} {route.path} as {role}: {r.status_code} but the rule allows it"
                )
            if not allowed:
                want = 401 if role is None else 403
                if r.status_code != want:
                    failures.append(
                        f"{method} {route.path} as {role}: {r.status_code}, expected {want}"
                    )
                elif r.json()["error"]["code"] not in ("unauthorized", "forbidden"):
                    failures.append(f"{method} {route.path} as {role}: wrong error body {r.text}")
            assert r.status_code < 500, f"{method} {path} as {role}: {r.status_code} {r.text}"
    assert not failures, "\n".join(failures)


def test_a_route_without_a_rule_stops_start_up(sa):
    """Deny by default: create_app refuses to serve an app with an unmarked route (require_markers)."""
    app = sa.client.app

    @app.get("/api/v1/zz-unruled")
    def _unruled() -> dict:
        return {"leak": True}

    @app.get("/zz-unruled-page")
    def _unruled_page() -> dict:
        return {"leak": True}

    try:
        assert unmarked_routes(app) == ["GET /api/v1/zz-unruled", "GET /zz-unruled-page"]
        with pytest.raises(ConfigError, match="zz-unruled"):
            require_markers(app)
    finally:
        app.router.routes[:] = [
            r
            for r in app.router.routes
            if not getattr(r, "path", "").startswith(("/api/v1/zz-", "/zz-"))
        ]
    require_markers(app)


def test_every_page_and_framework_route_is_marked_too(sa):
    paths = {r.path for r in all_routes(sa.client.app)}
    assert {"/", "/login", "/drafts/{draft_id}", "/healthz", "/readyz", "/docs"} <= paths
    assert "/api/v1/openapi.json" in paths
    assert unmarked_routes(sa.client.app) == []


def test_signed_out_page_get_redirects_to_sign_in_and_post_is_refused(sa):
    r = sa.client.get("/drafts/1?x=1", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/drafts/1%3Fx%3D1"
    r = sa.client.post("/drafts/1/save", data={"text": "x"}, follow_redirects=False)
    assert r.status_code == 401


def test_revoked_token_and_deactivated_user_are_refused(sa):
    r = sa.client.post("/api/v1/auth/tokens", json={"name": "temp"}, headers=sa.h("cmo"))
    assert r.status_code == 201
    tok = r.json()
    bearer = {"Authorization": f"Bearer {tok['token']}"}
    assert sa.client.get("/api/v1/auth/me", headers=bearer).status_code == 200
    listed = sa.client.get("/api/v1/auth/tokens", headers=sa.h("cmo")).json()
    assert all("token" not in t and "hash" not in str(t) for t in listed)
    assert sa.client.delete(f"/api/v1/auth/tokens/{tok['id']}", headers=bearer).status_code == 200
    assert sa.client.get("/api/v1/auth/me", headers=bearer).status_code == 401
    r = sa.client.post(
        "/api/v1/users",
        json={"email": "temp@test.example", "role": "security"},
        headers=sa.h("admin"),
    )
    assert r.status_code == 201 and len(r.json()["one_time_password"]) >= 16
    uid = r.json()["user"]["id"]
    t = sa.client.post(f"/api/v1/users/{uid}/tokens", json={}, headers=sa.h("admin")).json()[
        "token"
    ]
    assert (
        sa.client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {t}"}).status_code
        == 200
    )
    assert (
        sa.client.patch(
            f"/api/v1/users/{uid}", json={"active": False}, headers=sa.h("admin")
        ).status_code
        == 200
    )
    assert (
        sa.client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {t}"}).status_code
        == 401
    )


EXPECTED = {
    ("POST", "/api/v1/incidents"): {"responder", "admin"},
    ("POST", "/api/v1/drafts/{draft_id}/versions"): {"responder", "cmo", "security"},
    ("POST", "/api/v1/drafts/{draft_id}/versions/{number}/approve"): {"cmo", "security"},
    ("POST", "/api/v1/drafts/{draft_id}/versions/{number}/sign-off"): {"compliance"},
    ("POST", "/api/v1/drafts/{draft_id}/versions/{number}/waivers"): {
        "cmo",
        "security",
        "compliance",
    },
    ("POST", "/api/v1/users"): {"admin"},
    ("GET", "/api/v1/audit"): {"admin", "compliance"},
    ("PUT", "/api/v1/incidents/{incident_id}/facts"): {"responder", "security"},
    # Stateless, but they receive breach facts and letter text: any signed-in user, never anonymous.
    ("POST", "/api/v1/drafts:render"): {"admin", "responder", "cmo", "security", "compliance"},
    ("POST", "/api/v1/checks"): {"admin", "responder", "cmo", "security", "compliance"},
    ("POST", "/api/v1/obligations"): {"admin", "responder", "cmo", "security", "compliance"},
}


def test_key_rules_are_the_intended_ones(sa):
    rules = {(m, r.path): r.rule for r in api_routes(sa.client.app) for m in r.methods}
    for key, roles in EXPECTED.items():
        assert not rules[key].public and set(rules[key].roles) == roles, key
