"""Comments and suggestions over the API: ranges, threads, resolve, re-anchoring across versions,
orphans, suggestions accepted (a new version) or rejected (none), approval refused while any are
open, roles, bad input as 4xx with field paths, and the audit entries of every change."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from support.storedb import test_settings

from app.main import create_app

ROLES = ("admin", "responder", "cmo", "security", "compliance")


@pytest.fixture
def env(tmp_path) -> Iterator[dict]:
    from app.auth.users import issue_token
    from app.store import repositories as repo

    s = test_settings(f"sqlite:///{tmp_path}/c.db", tmp_path, DEMO_DATA=True)
    app = create_app(s)
    tokens = {}
    with app.state.db.sessions() as session:
        users = {u.role: u for u in repo.list_users(session)}
        for role in ROLES:
            tokens[role] = issue_token(session, None, users[role], "test")[1]
        draft = repo.list_drafts(session, repo.list_incidents(session)[0].id)[0]
        draft_id = draft.id
    with TestClient(app) as client:
        yield {"client": client, "tokens": tokens, "draft": draft_id, "app": app}


def h(env: dict, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {env['tokens'][role]}"}


def _text(env: dict) -> tuple[int, str]:
    r = env["client"].get(f"/api/v1/drafts/{env['draft']}", headers=h(env, "cmo"))
    assert r.status_code == 200, r.text
    return int(r.json()["version"]["number"]), str(r.json()["version"]["text"])


def _save(env: dict, text: str, base: int) -> int:
    r = env["client"].post(
        f"/api/v1/drafts/{env['draft']}/versions",
        json={"text": text, "base_version": base},
        headers=h(env, "cmo"),
    )
    assert r.status_code in (200, 201), r.text
    return int(r.json()["current_version"])


def _audit(env: dict, prefix: str) -> list[dict]:
    from app.store import repositories as repo

    with env["app"].state.db.sessions() as session:
        return [
            {"action": e.action, "details": e.details}
            for e in repo.audit_entries(session)
            if e.action.startswith(prefix)
        ]


def test_comment_thread_survives_a_new_version_and_orphans_are_listed(env):
    c, d = env["client"], env["draft"]
    number, text = _text(env)
    word = next(line for line in text.splitlines() if len(line) > 40)  # one whole line
    start = text.index(word)
    r = c.post(
        f"/api/v1/drafts/{d}/comments",
        json={"version": number, "start": start, "end": start + len(word), "body": "Too soft?"},
        headers=h(env, "security"),
    )
    assert r.status_code == 201, r.text
    thread = r.json()
    assert thread["quote"] == word and thread["role"] == "security" and not thread["orphaned"]
    cid = thread["id"]
    r = c.post(
        f"/api/v1/drafts/{d}/comments/{cid}/replies",
        json={"body": "Keep it."},
        headers=h(env, "cmo"),
    )
    assert r.status_code == 201 and r.json()["replies"][0]["role"] == "cmo"
    # A new version with text added before the comment: re-anchored onto the same words.
    v2 = _save(env, "A new first line.\n\n" + text, number)
    listed = c.get(f"/api/v1/drafts/{d}/comments", headers=h(env, "compliance")).json()
    (t,) = listed
    _, text2 = _text(env)
    assert v2 == number + 1 and not t["orphaned"] and text2[t["start"] : t["end"]] == word
    assert t["start"] == start + len("A new first line.\n\n")
    # Remove the words: the thread is kept, orphaned.
    _save(env, text2.replace(word, "", 1), v2)
    (t,) = c.get(f"/api/v1/drafts/{d}/comments", headers=h(env, "cmo")).json()
    assert t["orphaned"] and t["start"] is None and t["body"] == "Too soft?"
    # Resolve, twice is a conflict; reopen.
    assert c.post(f"/api/v1/drafts/{d}/comments/{cid}/resolve", headers=h(env, "cmo")).json()[
        "resolved"
    ]
    again = c.post(f"/api/v1/drafts/{d}/comments/{cid}/resolve", headers=h(env, "cmo"))
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    assert not c.post(f"/api/v1/drafts/{d}/comments/{cid}/reopen", headers=h(env, "cmo")).json()[
        "resolved"
    ]
    actions = [e["action"] for e in _audit(env, "comment.")]
    assert actions == ["comment.added", "comment.replied", "comment.resolved", "comment.reopened"]


def test_comment_bad_input_is_a_clear_4xx(env):
    c, d = env["client"], env["draft"]
    number, text = _text(env)
    r = c.post(
        f"/api/v1/drafts/{d}/comments",
        json={"version": number, "start": 5, "end": len(text) + 10, "body": "x"},
        headers=h(env, "cmo"),
    )
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "start"
    r = c.post(
        f"/api/v1/drafts/{d}/comments",
        json={"version": number, "start": 1, "end": 3, "body": "   "},
        headers=h(env, "cmo"),
    )
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "body"
    r = c.post(
        f"/api/v1/drafts/{d}/comments",
        json={"version": number, "start": 1, "end": 3},
        headers=h(env, "cmo"),
    )
    assert r.status_code == 422 and "body" in str(r.json()["error"]["details"])
    assert (
        c.post(f"/api/v1/drafts/{d}/comments/999/resolve", headers=h(env, "cmo")).status_code == 404
    )
    assert _audit(env, "comment.") == []


def test_suggestions_accept_makes_a_version_reject_makes_none(env):
    c, d = env["client"], env["draft"]
    number, text = _text(env)
    first = text.split("\n", 1)[0]
    edited = text.replace(first, first + " (updated)", 1)
    r = c.post(
        f"/api/v1/drafts/{d}/suggestions",
        json={"version": number, "text": edited},
        headers=h(env, "security"),
    )
    assert r.status_code == 201, r.text
    (s1,) = r.json()
    assert s1["replacement"].strip() and s1["role"] == "security" and s1["status"] == "open"
    idx = text.rindex("\n\n") + 2
    r = c.post(
        f"/api/v1/drafts/{d}/suggestions",
        json={
            "version": number,
            "start": idx,
            "end": idx,
            "replacement": "Extra closing line.\n\n",
        },
        headers=h(env, "compliance"),
    )
    assert r.status_code == 201, r.text
    s2 = r.json()[0]
    # Approval waits for every open suggestion.
    r = c.post(
        f"/api/v1/drafts/{d}/versions/{number}/approve",
        json={"comment": "", "acknowledged": []},
        headers=h(env, "cmo"),
    )
    assert r.status_code == 409 and "suggest" in r.json()["error"]["message"]
    # Security suggests but does not decide.
    assert (
        c.post(
            f"/api/v1/drafts/{d}/suggestions/{s1['id']}/accept", headers=h(env, "security")
        ).status_code
        == 403
    )
    r = c.post(f"/api/v1/drafts/{d}/suggestions/{s1['id']}/accept", headers=h(env, "cmo"))
    assert r.status_code == 200, r.text
    assert r.json()["version"] == number + 1 and r.json()["accepted"] == [s1["id"]]
    n2, text2 = _text(env)
    assert n2 == number + 1 and first + " (updated)" in text2
    # The other suggestion followed the text; rejecting it makes no version.
    (left,) = c.get(f"/api/v1/drafts/{d}/suggestions", headers=h(env, "cmo")).json()
    assert left["id"] == s2["id"] and not left["stale"]
    r = c.post(f"/api/v1/drafts/{d}/suggestions/{s2['id']}/reject", headers=h(env, "cmo"))
    assert r.status_code == 200
    assert _text(env)[0] == n2
    assert c.get(f"/api/v1/drafts/{d}/suggestions", headers=h(env, "cmo")).json() == []
    again = c.post(f"/api/v1/drafts/{d}/suggestions/{s2['id']}/reject", headers=h(env, "cmo"))
    assert again.status_code == 409
    actions = [e["action"] for e in _audit(env, "suggestion.")]
    assert actions == [
        "suggestion.added",
        "suggestion.added",
        "suggestion.accepted",
        "suggestion.rejected",
    ]


def test_suggestion_bad_input(env):
    c, d = env["client"], env["draft"]
    number, text = _text(env)
    stale = c.post(
        f"/api/v1/drafts/{d}/suggestions",
        json={"version": number + 5, "text": text + "x"},
        headers=h(env, "cmo"),
    )
    assert stale.status_code == 409
    same = c.post(
        f"/api/v1/drafts/{d}/suggestions",
        json={"version": number, "text": text},
        headers=h(env, "cmo"),
    )
    assert same.status_code == 422 and same.json()["error"]["details"][0]["field"] == "text"
    both = c.post(
        f"/api/v1/drafts/{d}/suggestions",
        json={"version": number, "text": "x", "start": 1, "end": 2, "replacement": "y"},
        headers=h(env, "cmo"),
    )
    assert both.status_code == 422
    out = c.post(
        f"/api/v1/drafts/{d}/suggestions",
        json={"version": number, "start": 1, "end": len(text) + 3, "replacement": "y"},
        headers=h(env, "cmo"),
    )
    assert out.status_code == 422 and out.json()["error"]["details"][0]["field"] == "start"
    assert (
        c.post(f"/api/v1/drafts/{d}/suggestions/accept", json={}, headers=h(env, "cmo")).status_code
        == 409
    )
    assert _audit(env, "suggestion.") == []
