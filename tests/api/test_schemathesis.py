"""Property-based API test: Schemathesis generates requests from the OpenAPI schema (bounded number
of cases per operation) and no response may be a 5xx."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from support.storeapp import make_store_app
from support.storedb import example

MAX_EXAMPLES = 6

_tmp = Path(tempfile.mkdtemp(prefix="candor-schemathesis-"))
atexit.register(shutil.rmtree, _tmp, True)
_SA = make_store_app(_tmp)
_r = _SA.client.post("/api/v1/incidents", json={"facts": example()}, headers=_SA.h("responder"))
assert _r.status_code == 201, _r.text
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", _SA.client.app)


def _role(method: str, path: str) -> str:
    """The role that may call the operation, so generated requests reach the handlers."""
    if path.startswith(("/api/v1/users", "/api/v1/audit")):
        return "admin"
    if path.endswith("/sign-off"):
        return "compliance"
    if method == "POST" and path.startswith("/api/v1/incidents") and path.count("/") == 3:
        return "responder"
    if path.endswith("/approve") and method == "POST":
        return "security"
    return "cmo"


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case):
    if case.path in ("/api/v1/auth/logout",):
        pytest.skip("would end the test client's session")
    headers = dict(case.headers or {})
    headers.setdefault(
        "Authorization", f"Bearer {_SA.tokens[_role(case.method.upper(), case.path)]}"
    )
    response = case.call(headers=headers)
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:500]}"
    )
