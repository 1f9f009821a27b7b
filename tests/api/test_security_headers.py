"""Every HTML route answers with the security headers (CSP without inline script, no framing,
nosniff, no-store), signed in or not, including error pages; JSON answers carry nosniff."""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from support.storeapp import PASSWORD, make_store_app
from support.storedb import example

from app.auth.policy import all_routes


@pytest.fixture(scope="module")
def sa(tmp_path_factory):
    sa = make_store_app(tmp_path_factory.mktemp("headers"))
    r = sa.client.post("/api/v1/incidents", json={"facts": example()}, headers=sa.h("responder"))
    assert r.status_code == 201, r.text
    sa.ids = {
        "draft_id": r.json()["drafts"][0]["id"],
        "incident_id": r.json()["incident"]["id"],
        "job_id": "0" * 16,
    }
    return sa


def _assert_html_headers(r, what):
    h = r.headers
    assert h["content-type"].startswith("text/html"), what
    csp = h["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp, what
    script_src = re.search(r"script-src ([^;]*)", csp).group(1)
    if not what.endswith(" /docs"):
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, what
    assert h["x-frame-options"] == "DENY" and h["x-content-type-options"] == "nosniff", what
    assert h["cache-control"] == "no-store", what


JSON_PROBES = {"/healthz", "/readyz"}  # the only non-API routes that answer JSON


def _html_get_routes(app):
    for r in all_routes(app):
        if "GET" in r.methods and not r.path.startswith("/api/") and r.path not in JSON_PROBES:
            yield r.path


def test_every_html_page_sends_the_security_headers(sa):
    c = TestClient(sa.client.app)
    assert (
        c.post(
            "/api/v1/auth/login", json={"email": "admin@test.example", "password": PASSWORD}
        ).status_code
        == 200
    )
    pages = list(_html_get_routes(sa.client.app))
    assert len(pages) >= 10, pages
    shown = 0
    for path in pages:
        url = path.format_map(defaultdict(lambda: "1", sa.ids))  # other ids: 1
        r = c.get(url, headers={"Accept": "text/html"}, follow_redirects=False)
        assert r.status_code < 500, (url, r.status_code)
        if r.status_code in (301, 302, 303, 307):
            continue
        if r.headers.get("content-disposition", "").startswith("attachment"):
            assert r.headers["x-content-type-options"] == "nosniff", path  # a download page
            continue
        _assert_html_headers(r, f"GET {path}")
        shown += r.status_code == 200
    assert shown >= 8, shown  # real pages, not only error pages


def test_signed_out_pages_and_error_pages_send_them_too(sa):
    c = TestClient(sa.client.app)
    _assert_html_headers(c.get("/login", headers={"Accept": "text/html"}), "GET /login")
    _assert_html_headers(c.get("/no-such-page", headers={"Accept": "text/html"}), "404 page")
    r = c.post(
        "/login",
        data={"email": "x\x00@test.example", "password": "p"},
        headers={"Accept": "text/html"},
    )
    assert r.status_code == 422
    _assert_html_headers(r, "422 page")


def test_json_answers_are_nosniff(sa):
    r = sa.client.get("/api/v1/incidents", headers=sa.h("cmo"))
    assert r.headers["x-content-type-options"] == "nosniff"
