"""An in-process app on a fresh SQLite store with one API token per role (for TestClient tests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fastapi.testclient import TestClient

from app.auth.roles import ROLES
from app.auth.users import create_user, issue_token
from app.main import create_app
from support.storedb import test_settings

PASSWORD = "correct horse battery"


@dataclass
class StoreApp:
    """TestClient + tokens by role."""

    client: TestClient
    tokens: dict[str, str] = field(default_factory=dict)

    def h(self, role: str | None, **extra: str) -> dict[str, str]:
        """Headers for a role (None: anonymous)."""
        return ({"Authorization": f"Bearer {self.tokens[role]}"} if role else {}) | extra


def make_store_app(tmp: Path, db_url: str | None = None, **settings: object) -> StoreApp:
    """Create the app (migrates) on `db_url` (default: SQLite in `tmp`), users per role (password
    PASSWORD) and their tokens."""
    app = create_app(test_settings(db_url or f"sqlite:///{tmp}/candor.db", tmp, **settings))
    client = TestClient(app)
    out = StoreApp(client=client)
    with app.state.db.sessions() as session:
        for role in ROLES:
            user, _ = create_user(session, None, f"{role}@test.example", role, PASSWORD)
            out.tokens[role] = issue_token(session, None, user, "test")[1]
    return out
