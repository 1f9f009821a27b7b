"""Start the real Candor app under uvicorn for the browser tests: `python serve_app.py PORT`.

Settings come from CANDOR_* environment variables (the fixture sets a temp SQLite database).
Users for each role are created through the auth service (app.auth.users.create_user) from
CANDOR_UI_TEST_USERS (JSON list of [email, role, password]) before the server starts.
"""

from __future__ import annotations

import json
import os
import sys

import uvicorn

from app.auth.users import create_user
from app.core.config import Settings
from app.main import create_app
from app.store import repositories as repo


def main() -> None:
    port = int(sys.argv[1])
    settings = Settings()
    app = create_app(settings)
    with app.state.db.sessions() as session:
        for email, role, password in json.loads(os.environ.get("CANDOR_UI_TEST_USERS", "[]")):
            if repo.user_by_email(session, email) is None:
                create_user(session, None, email, role, password)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
