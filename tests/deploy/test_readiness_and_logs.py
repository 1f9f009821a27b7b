"""/readyz for orchestrators (on SQLite and PostgreSQL) and JSON logs with request ids, no personal data."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from fastapi.testclient import TestClient
from support.storedb import test_settings

from app.core.logs import configure_logging
from app.main import create_app
from app.store.migrate import alembic_config, migration_state


@pytest.fixture
def app_on(db_url: str, tmp_path: Path) -> Iterator:
    app = create_app(test_settings(db_url, tmp_path))
    yield app
    app.state.db.dispose()


def test_readyz_ready_on_a_migrated_store(app_on) -> None:
    with TestClient(app_on) as client:
        resp = client.get("/readyz")
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["status"] == "ready"
    checks = body["checks"]
    assert checks["database"]["status"] == "ok"
    assert checks["migrations"]["status"] == "ok"
    assert checks["rulebook"]["hash"] == app_on.state.rulebook.hash
    assert checks["grammar"]["engine"] in (
        "harper",
        "languagetool",
        "off",
    )  # reported, never a failure


def test_readyz_reports_a_missing_migration(app_on) -> None:
    engine = app_on.state.db.engine
    _, heads = migration_state(engine)
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "-1")
    with TestClient(app_on) as client:
        resp = client.get("/readyz")
    assert resp.status_code == 503
    body = resp.json()
    assert body["status"] == "not_ready"
    migrations = body["checks"]["migrations"]
    assert migrations["status"] == "pending"
    assert migrations["missing"] == list(heads)
    assert all(h in migrations["detail"] for h in heads)
    assert body["checks"]["database"]["status"] == "ok"


def test_readyz_reports_an_unreachable_grammar_server_without_failing(
    db_url: str, tmp_path: Path
) -> None:
    # 127.0.0.1 port 9 (discard): nothing listens there; the probe fails fast.
    app = create_app(
        test_settings(
            db_url, tmp_path, GRAMMAR_ENGINE="languagetool", LANGUAGETOOL_URL="http://127.0.0.1:9"
        )
    )
    try:
        with TestClient(app) as client:
            resp = client.get("/readyz")
    finally:
        app.state.db.dispose()
    assert resp.status_code == 200
    assert resp.json()["checks"]["grammar"]["status"] == "unavailable"


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    """Route the candor loggers to a buffer in JSON; restore the logging set-up afterwards."""
    names = ("candor", "uvicorn")
    saved = {
        n: (
            logging.getLogger(n).handlers[:],
            logging.getLogger(n).level,
            logging.getLogger(n).propagate,
        )
        for n in names
    }
    buffer = io.StringIO()
    configure_logging("json")
    for n in names:
        for h in logging.getLogger(n).handlers:
            if isinstance(h, logging.StreamHandler):
                h.setStream(buffer)
    yield buffer
    for n, (handlers, level, propagate) in saved.items():
        logger = logging.getLogger(n)
        logger.handlers, logger.level, logger.propagate = handlers, level, propagate


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_json_logs_carry_request_ids_and_no_personal_data(app_on, json_logs: io.StringIO) -> None:
    email, password = "secret.person@example.org", "not-the-password-123"
    with TestClient(app_on) as client:
        login = client.post(
            "/login",
            data={"email": email, "password": password, "next": "/"},
            headers={"X-Request-ID": "proxy-id-0001"},
            follow_redirects=False,
        )
        other = client.get(f"/api/v1/users?email={email}")
    assert login.headers["x-request-id"] == "proxy-id-0001"  # a well-formed incoming id is kept
    assert len(other.headers["x-request-id"]) == 32
    lines = [json.loads(line) for line in json_logs.getvalue().splitlines()]
    access = [r for r in lines if r["logger"] == "candor.access"]
    assert {(r["method"], r["path"], r["request_id"]) for r in access} >= {
        ("POST", "/login", "proxy-id-0001"),
        ("GET", "/api/v1/users", other.headers["x-request-id"]),
    }
    assert all({"time", "level", "message", "request_id"} <= set(r) for r in lines)
    raw = json_logs.getvalue()
    assert email not in raw and password not in raw and "secret.person" not in raw
