"""The whole review workflow over HTTP against a real `candor serve` process (uvicorn subprocess),
on SQLite and on PostgreSQL."""

from __future__ import annotations

import httpx
import pytest
from support.storedb import candor, example, make_user, server_env, start_server

pytestmark = pytest.mark.slow


def test_workflow_end_to_end_over_http(db_url, tmp_path):
    env = server_env(db_url, tmp_path)
    admin = make_user(env, "admin", "admin@corp.example")
    server = start_server(env, tmp_path / "server.log")
    try:
        c = httpx.Client(base_url=server.base + "/api/v1", timeout=120)
        A = {"Authorization": f"Bearer {admin}"}
        tok = {}
        for role, email in [
            ("responder", "rita@corp.example"),
            ("cmo", "carl@corp.example"),
            ("security", "sam@corp.example"),
            ("compliance", "cora@corp.example"),
        ]:
            r = c.post("/users", json={"email": email, "role": role}, headers=A)
            assert r.status_code == 201, r.text
            otp = r.json()["one_time_password"]
            login = httpx.post(
                server.base + "/api/v1/auth/login", json={"email": email, "password": otp}
            )
            assert login.status_code == 200
            tok[role] = c.post(
                f"/users/{r.json()['user']['id']}/tokens", json={"name": "t"}, headers=A
            ).json()["token"]
        H = {k: {"Authorization": f"Bearer {v}"} for k, v in tok.items()}

        # responder: one call, drafts for every variant with reports
        r = c.post(
            "/incidents", json={"facts": example(), "tones": ["plain"]}, headers=H["responder"]
        )
        assert r.status_code == 201, r.text
        created = r.json()
        assert len(created["drafts"]) >= 1 and all(
            d["version"]["report"]["rulebook"] for d in created["drafts"]
        )
        draft = next(
            d
            for d in created["drafts"]
            if not any(f["severity"] == "error" for f in d["version"]["report"]["findings"])
        )
        did, text = draft["id"], draft["version"]["text"]

        # CMO edits v1 -> v2; security's edit of v1 is stale -> 409 with the current version
        r = c.post(
            f"/drafts/{did}/versions",
            json={"text": text + "\n", "base_version": 1},
            headers=H["cmo"],
        )
        assert r.status_code == 201 and r.json()["current_version"] == 2
        r = c.post(
            f"/drafts/{did}/versions",
            json={"text": text + "\n\n"},
            headers=H["security"] | {"If-Match": '"1"'},
        )
        assert (
            r.status_code == 409
            and {"field": "current_version", "message": "current_version is 2", "value": 2}
            in r.json()["error"]["details"]
        )

        # approvals: cmo, cmo again (refused), security -> approved
        r = c.post(
            f"/drafts/{did}/versions/2/approve", json={"comment": "reads well"}, headers=H["cmo"]
        )
        assert r.status_code == 200 and r.json()["state"] == "in_review"
        r = c.post(f"/drafts/{did}/versions/2/approve", json={}, headers=H["cmo"])
        assert r.status_code == 409 and "already approved" in r.json()["error"]["message"]
        r = c.post(f"/drafts/{did}/versions/2/approve", json={}, headers=H["security"])
        assert r.status_code == 200 and r.json()["state"] == "approved"

        # an edit after approval voids the approvals
        r = c.post(
            f"/drafts/{did}/versions",
            json={"text": text + "\n", "base_version": 2},
            headers=H["responder"],
        )
        assert r.status_code == 201 and r.json()["state"] == "draft" and r.json()["reviews"] == []
        r = c.post(f"/drafts/{did}/versions/3/sign-off", json={}, headers=H["compliance"])
        assert r.status_code == 409  # not approved any more
        for role in ("security", "cmo"):
            assert (
                c.post(f"/drafts/{did}/versions/3/approve", json={}, headers=H[role]).status_code
                == 200
            )

        # compliance signs off the checklist of the approved version
        r = c.post(
            f"/drafts/{did}/versions/3/sign-off",
            json={"comment": "checklist complete"},
            headers=H["compliance"],
        )
        assert r.status_code == 200, r.text
        assert (
            r.json()["state"] == "signed_off"
            and r.json()["sign_off"]["comment"] == "checklist complete"
        )

        # the audit log has every step and verifies
        entries = c.get(
            "/audit", params={"entity": "draft", "entity_id": did, "limit": 1000}, headers=A
        ).json()
        actions = [e["action"] for e in entries]
        for a in (
            "draft.created",
            "draft.saved",
            "draft.approved",
            "draft.approvals_voided",
            "draft.signed_off",
        ):
            assert a in actions
        assert c.get("/audit/verify", headers=A).json()["ok"] is True
        versions = c.get(f"/drafts/{did}/versions", headers=H["cmo"]).json()
        assert [v["number"] for v in versions] == [1, 2, 3]
    finally:
        server.stop()
    r = candor(["audit", "verify"], env)
    assert r.returncode == 0 and "chain intact" in r.stdout
