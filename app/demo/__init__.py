"""Demo data for development: one user per role and the demo incident, seeded into an empty store.

Seeded only when CANDOR_DEMO_DATA is on (by default only with ENVIRONMENT=development; production
refuses it). The demo facts are package data (`app/demo/retailer-card-breach.json`, the same as
`examples/retailer-card-breach.json`, which a test keeps equal) so an installed package seeds
without the repository. Demo users' passwords: in development the documented fixed password
DEMO_PASSWORD; otherwise random ones printed to standard output once and never logged.
"""

from __future__ import annotations

import json
from pathlib import Path

from app.auth.roles import ROLES
from app.auth.users import create_user
from app.domain.facts import IncidentFacts
from app.store import repositories as repo
from app.store.db import Database
from app.workflow.context import WorkflowContext
from app.workflow.incidents import create_incident

DEMO_FACTS = Path(__file__).resolve().parent / "retailer-card-breach.json"
DEMO_PASSWORD = "candor-demo-password"  # noqa: S105 - documented, only with ENVIRONMENT=development (docs/api.md)
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
        facts = IncidentFacts.model_validate(json.loads(DEMO_FACTS.read_text(encoding="utf-8")))
        create_incident(
            session,
            ctx,
            users["responder"],
            facts,
            title="Demo: Harbor & Pine card skimming",
            tones=["plain"],
        )
    lines = [f"  {role:<11} {email:<34} {pw}" for role, email, pw in shown]
    note = (
        "(fixed demo password, ENVIRONMENT=development)"
        if fixed
        else "(shown once; not stored in clear)"
    )
    print(
        "Candor demo users " + note + ":\n" + "\n".join(lines), flush=True
    )  # deliberate: shown once, never logged
    return True
