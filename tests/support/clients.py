"""Test clients for the in-process app."""

from __future__ import annotations


def signed_in_client(app, role: str = "responder"):
    """A TestClient for `app` carrying a fresh user's API token (stateless routes need sign-in too)."""
    import uuid

    from fastapi.testclient import TestClient

    from app.auth.users import create_user, issue_token

    client = TestClient(app)
    with app.state.db.sessions() as session:
        user, _ = create_user(
            session,
            None,
            f"{role}-{uuid.uuid4().hex[:8]}@test.example",
            role,
            "correct horse battery",
        )
        client.headers["Authorization"] = f"Bearer {issue_token(session, None, user, 'test')[1]}"
    return client


def page_session(app, email: str, password: str):
    """A TestClient signed in through the sign-in page (a cookie session, as a browser has) and the
    page's CSRF token, which every form post needs."""
    import re

    from fastapi.testclient import TestClient

    client = TestClient(app)
    r = client.post(
        "/login",
        data={"email": email, "password": password, "next": "/"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").text)
    assert token, "no CSRF token on the dashboard"
    return client, token.group(1)
