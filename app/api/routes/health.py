"""Liveness (`/healthz`: the process is up) and readiness (`/readyz`: it can serve) for orchestrators.

Readiness: the database answers, its schema is at the code's migration head, the rulebook is
loaded; the grammar engine's state is reported but never makes the service unready (without
LanguageTool, grammar says `unavailable` and everything else works). Nothing secret is
returned: no URL, no password, no exception text from the database driver (that goes to the log).
"""

from __future__ import annotations

import importlib.util
import logging
from typing import Any

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.api.deps import RulebookDep
from app.auth.policy import public
from app.store.migrate import migration_state

router = APIRouter(tags=["health"], dependencies=[public()])
log = logging.getLogger("candor")
GRAMMAR_PROBE_TIMEOUT_S = 2.0


@router.get("/healthz")
def read_health(rulebook: RulebookDep) -> dict[str, str]:
    """Report that the service is up, with the loaded rulebook hash."""
    return {"status": "ok", "rulebook": rulebook.hash}


@router.get("/readyz", responses={503: {"description": "Not ready: `checks` names what failed."}})
def read_ready(request: Request) -> JSONResponse:
    """Database reachable, migrations at head, rulebook loaded (200), else 503; grammar state for information."""
    state = request.app.state
    checks: dict[str, dict[str, Any]] = {}
    checks["database"], checks["migrations"] = _database(state)
    rulebook = getattr(state, "rulebook", None)
    checks["rulebook"] = (
        {"status": "ok", "hash": rulebook.hash, "rules": len(rulebook.rules)}
        if rulebook is not None
        else {"status": "failed", "detail": "no rulebook loaded"}
    )
    checks["grammar"] = _grammar(state.settings)
    ready = all(c["status"] == "ok" for name, c in checks.items() if name != "grammar")
    return JSONResponse(
        {"status": "ready" if ready else "not_ready", "checks": checks},
        status_code=200 if ready else 503,
    )


def _database(state: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    db = getattr(state, "db", None)
    if db is None:
        failed = {"status": "failed", "detail": "no database opened"}
        return failed, failed
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        current, heads = migration_state(db.engine)
    except SQLAlchemyError as exc:
        log.warning("readyz: database check failed: %s", exc.__class__.__name__, exc_info=True)
        return (
            {
                "status": "failed",
                "detail": f"database unreachable ({exc.__class__.__name__}; see the service log)",
            },
            {"status": "unknown", "detail": "database unreachable"},
        )
    database = {"status": "ok", "dialect": db.engine.dialect.name}
    if current == heads:
        return database, {"status": "ok", "revision": ", ".join(heads)}
    missing = sorted(set(heads) - set(current))
    return database, {
        "status": "pending",
        "current": ", ".join(current) or None,
        "head": ", ".join(heads),
        "missing": missing,
        "detail": f"database is at {', '.join(current) or 'no revision'}, code expects "
        f"{', '.join(heads)}: restart the service or run `candor init` to migrate",
    }


def _grammar(settings: Any) -> dict[str, Any]:
    """The grammar engine CANDOR_GRAMMAR_ENGINE selects and whether it can answer (never fails readiness)."""
    engine = settings.GRAMMAR_ENGINE
    url = (settings.LANGUAGETOOL_URL or "").strip().rstrip("/")
    if engine == "off":
        return {"status": "off", "engine": "off", "detail": "CANDOR_GRAMMAR_ENGINE=off"}
    if engine == "languagetool" or (engine == "auto" and url):
        if not url:
            return {
                "status": "unavailable",
                "engine": "languagetool",
                "detail": "CANDOR_LANGUAGETOOL_URL is not set",
            }
        try:
            httpx.get(
                f"{url}/v2/languages",
                timeout=min(GRAMMAR_PROBE_TIMEOUT_S, settings.GRAMMAR_TIMEOUT_S),
            ).raise_for_status()
        except httpx.HTTPError as exc:
            return {
                "status": "unavailable",
                "engine": "languagetool",
                "detail": f"LanguageTool did not answer ({exc.__class__.__name__})",
            }
        return {"status": "ok", "engine": "languagetool"}
    if importlib.util.find_spec("harper") is None:
        return {
            "status": "unavailable",
            "engine": "harper",
            "detail": "the harper package is not installed",
        }
    return {"status": "ok", "engine": "harper"}
