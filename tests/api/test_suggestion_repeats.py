"""A suggestion posted twice (a double click, a client's retry) is stored once: the repeat answers
200 with the suggestion already open, adds no row and no audit entry — one after the other in-process
and all at once against a real server, on SQLite and on PostgreSQL. A different change, another
user's identical change, or the same change after the first was decided is a new suggestion."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from support.storedb import example, make_user, server_env, start_server, test_settings

from app.main import create_app
from app.store.models import AuditEntry, Suggestion


@pytest.fixture
def env(db_url, tmp_path) -> Iterator[dict]:
    from app.auth.users import create_user, issue_token

    app = create_app(test_settings(db_url, tmp_path))
    tokens = {}
    with app.state.db.sessions() as session:
        for role in ("responder", "security", "compliance"):
            user, _ = create_user(session, None, f"{role}@corp.example", role, "a-long-password")
            tokens[role] = issue_token(session, None, user, "test")[1]
    with TestClient(app) as client:
        r = client.post(
            "/api/v1/incidents",
            json={"facts": example()},
            headers={"Authorization": f"Bearer {tokens['responder']}"},
        )
        assert r.status_code == 201, r.text
        draft = r.json()["drafts"][0]
        yield {"client": client, "tokens": tokens, "app": app, "draft": draft}
    app.state.db.dispose()


def _h(env: dict, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {env['tokens'][role]}"}


def _counts(env: dict) -> tuple[int, int]:
    """(suggestion rows, suggestion.added audit entries) in the store."""
    with env["app"].state.db.reads() as s:
        rows = s.scalar(select(func.count()).select_from(Suggestion))
        added = s.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "suggestion.added")
        )
    return int(rows or 0), int(added or 0)


def test_the_same_suggestion_posted_twice_is_one(env):
    c, d = env["client"], env["draft"]
    url = f"/api/v1/drafts/{d['id']}/suggestions"
    text, number = d["version"]["text"], d["version"]["number"]
    start = text.index("\n\n") + 2
    one = {"version": number, "start": start, "end": start, "replacement": "Please read this.\n\n"}

    first = c.post(url, json=one, headers=_h(env, "security"))
    assert first.status_code == 201, first.text
    again = c.post(url, json=one, headers=_h(env, "security"))
    assert again.status_code == 200, again.text
    assert again.json() == first.json()
    assert _counts(env) == (1, 1)

    # The whole edited text, posted twice: the second post names the same suggestion.
    title = text.split("\n", 1)[0]
    edited = text.replace(title, title + " (updated)", 1)
    by_text = [
        c.post(url, json={"version": number, "text": edited}, headers=_h(env, "security"))
        for _ in range(2)
    ]
    assert [r.status_code for r in by_text] == [201, 200], by_text[1].text
    assert by_text[1].json() == by_text[0].json()
    assert _counts(env) == (2, 2)

    # Another user's identical change is their own suggestion; a different change is new.
    other = c.post(url, json=one, headers=_h(env, "compliance"))
    assert other.status_code == 201 and other.json()[0]["id"] != first.json()[0]["id"]
    changed = c.post(
        url,
        json={**one, "replacement": "Please read all of this.\n\n"},
        headers=_h(env, "security"),
    )
    assert changed.status_code == 201
    assert _counts(env) == (4, 4)

    # Once decided, the same change may be suggested again.
    sid = first.json()[0]["id"]
    assert c.post(f"{url}/{sid}/reject", headers=_h(env, "responder")).status_code == 200
    anew = c.post(url, json=one, headers=_h(env, "security"))
    assert anew.status_code == 201 and anew.json()[0]["id"] != sid
    assert _counts(env) == (5, 5)


@pytest.mark.slow
def test_identical_posts_at_once_store_one(db_url, tmp_path):
    env = server_env(db_url, tmp_path)
    responder = make_user(env, "responder", "r@corp.example")
    security = make_user(env, "security", "s@corp.example")
    server = start_server(env, tmp_path / "server.log")
    try:
        api = server.base + "/api/v1"
        r = httpx.post(
            api + "/incidents",
            json={"facts": example()},
            headers={"Authorization": f"Bearer {responder}"},
            timeout=120,
        )
        assert r.status_code == 201, r.text
        draft = r.json()["drafts"][0]
        start = draft["version"]["text"].index("\n\n") + 2
        body = {
            "version": draft["version"]["number"],
            "start": start,
            "end": start,
            "replacement": "Please read this.\n\n",
        }
        clients = 6
        barrier = threading.Barrier(clients)

        def post(_: int) -> tuple[int, int]:
            with httpx.Client(timeout=120) as c:
                barrier.wait()
                r = c.post(
                    f"{api}/drafts/{draft['id']}/suggestions",
                    json=body,
                    headers={"Authorization": f"Bearer {security}"},
                )
                assert r.status_code in (200, 201), r.text
                return r.status_code, r.json()[0]["id"]

        with ThreadPoolExecutor(clients) as pool:
            answers = list(pool.map(post, range(clients)))
        assert sorted(code for code, _ in answers) == [200] * (clients - 1) + [201], answers
        assert len({sid for _, sid in answers}) == 1
        listed = httpx.get(
            f"{api}/drafts/{draft['id']}/suggestions",
            headers={"Authorization": f"Bearer {responder}"},
            timeout=120,
        ).json()
        assert [s["id"] for s in listed] == [answers[0][1]]
    finally:
        server.stop()
