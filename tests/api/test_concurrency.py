"""Many clients saving the same draft version at once: exactly one wins, the rest get 409, and no
version is lost — on SQLite and on PostgreSQL, against a real server process."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from support.storedb import candor, example, make_user, server_env, start_server

pytestmark = pytest.mark.slow
CLIENTS = 12


def test_same_version_saved_by_many_clients(db_url, tmp_path):
    env = server_env(db_url, tmp_path)
    token = make_user(env, "responder", "r@corp.example")
    server = start_server(env, tmp_path / "server.log")
    H = {"Authorization": f"Bearer {token}"}
    try:
        api = server.base + "/api/v1"
        r = httpx.post(
            api + "/incidents", json={"facts": example("saas-credentials")}, headers=H, timeout=120
        )
        assert r.status_code == 201, r.text
        draft = r.json()["drafts"][0]
        did, text = draft["id"], draft["version"]["text"]
        barrier = threading.Barrier(CLIENTS)

        def save(i: int) -> int:
            with httpx.Client(timeout=120) as c:
                barrier.wait()
                return c.post(
                    f"{api}/drafts/{did}/versions",
                    json={"text": f"{text}\nEdit {i}.", "base_version": 1},
                    headers=H,
                ).status_code

        with ThreadPoolExecutor(CLIENTS) as pool:
            codes = list(pool.map(save, range(CLIENTS)))
        assert sorted(codes) == [201] + [409] * (CLIENTS - 1), codes

        # Then everyone keeps editing: read current, save on it, retry on 409. Every 201 is a version.
        def editor(i: int) -> int:
            wins = 0
            with httpx.Client(timeout=120) as c:
                for k in range(4):
                    cur = c.get(f"{api}/drafts/{did}", headers=H).json()["current_version"]
                    r = c.post(
                        f"{api}/drafts/{did}/versions",
                        json={"text": f"{text}\n{i}-{k}", "base_version": cur},
                        headers=H,
                    )
                    assert r.status_code in (201, 409), r.text
                    wins += r.status_code == 201
            return wins

        with ThreadPoolExecutor(6) as pool:
            wins = sum(pool.map(editor, range(6)))
        versions = httpx.get(f"{api}/drafts/{did}/versions", headers=H).json()
        assert [v["number"] for v in versions] == list(range(1, 2 + 1 + wins))
        texts = {
            httpx.get(f"{api}/drafts/{did}/versions/{v['number']}", headers=H).json()["version"][
                "text"
            ]
            for v in versions
        }
        assert len(texts) == len(versions)  # each saved text is its own version
    finally:
        server.stop()
    r = candor(["audit", "verify"], env)
    assert r.returncode == 0, r.stderr
