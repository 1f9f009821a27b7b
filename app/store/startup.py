"""Start-up hook (called by create_app): migrate, seed demo data, install the body-size limit and
the route policy gate.

Demo users' passwords: with ENVIRONMENT=development they are the documented fixed password
DEMO_PASSWORD; otherwise random ones printed to standard output once, at seed time, and never
logged.
"""

from __future__ import annotations

import json
import logging

from fastapi import FastAPI

from app.auth.policy import PolicyGate
from app.auth.roles import ROLES
from app.auth.users import create_user
from app.core.config import PROJECT_ROOT, Settings
from app.domain.facts import IncidentFacts
from app.store import repositories as repo
from app.store.db import Database
from app.store.limits import BodySizeLimit
from app.store.migrate import upgrade
from app.workflow.context import WorkflowContext
from app.workflow.incidents import create_incident

log = logging.getLogger("candor")
DEMO_PASSWORD = "candor-demo-password"  # only with ENVIRONMENT=development (see docs/api.md)
DEMO_DOMAIN = "demo.candor.example"


def seed_demo(db: Database, ctx: WorkflowContext) -> bool:
    """Create one user per role and the demo incident when the store has no users. True if seeded."""
    with db.sessions() as session:
        if repo.count_users(session) > 0:
            return False
        fixed = ctx.settings.ENVIRONMENT == "development"
        shown: list[tuple[str, str, str]] = []
        users = {}
        for role in ROLES:
            email = f"{role}@{DEMO_DOMAIN}"
            user, otp = create_user(session, None, email, role, DEMO_PASSWORD if fixed else None)
            users[role] = user
            shown.append((role, email, DEMO_PASSWORD if fixed else otp or ""))
        facts = IncidentFacts.model_validate(json.loads((PROJECT_ROOT / "examples" / "retailer-card-breach.json").read_text()))
        create_incident(session, ctx, users["responder"], facts, title="Demo: Harbor & Pine card skimming", tones=["plain"])
    lines = [f"  {role:<11} {email:<34} {pw}" for role, email, pw in shown]
    note = "(fixed demo password, ENVIRONMENT=development)" if fixed else "(shown once; not stored in clear)"
    print("Candor demo users " + note + ":\n" + "\n".join(lines), flush=True)  # noqa: T201 - deliberate, not logged
    return True


def install(app: FastAPI, settings: Settings) -> None:
    """Open the store, apply pending migrations, seed demo data, add the middleware."""
    db = Database.for_settings(settings)
    upgrade(db.engine)
    app.state.db = db
    app.state.workflow = WorkflowContext(settings=settings, rulebook=app.state.rulebook)
    if settings.DEMO_DATA:
        seed_demo(db, app.state.workflow)
    app.add_middleware(PolicyGate, fastapi_app=app)
    app.add_middleware(BodySizeLimit, limit=settings.MAX_BODY_BYTES,
                       uploads={"/api/v1/exports/merges": settings.MAX_UPLOAD_BYTES})
    log.info("store ready (%s)", db.engine.dialect.name)
