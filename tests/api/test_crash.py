"""SIGKILL the server in the middle of saves: it restarts on a consistent database, every
committed version has its audit entry, and `candor audit verify` passes."""

from __future__ import annotations

import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import func, select
from support.storedb import candor, example, make_user, server_env, start_server

from app.store.db import Database
from app.store.models import AuditEntry, Draft, DraftVersion

pytestmark = pytest.mark.slow


def _consistent(url: str) -> int:
    db = Database.from_url(url)
    try:
        with db.sessions() as s:
            total = 0
            for d in s.execute(select(Draft)).scalars():
                numbers = list(
                    s.execute(
                        select(DraftVersion.number)
                        .where(DraftVersion.draft_id == d.id)
                        .order_by(DraftVersion.number)
                    ).scalars()
                )
                assert numbers == list(range(1, d.current_version + 1)), (
                    d.id,
                    numbers,
                    d.current_version,
                )
                saved = s.execute(
                    select(func.count())
                    .select_from(AuditEntry)
                    .where(AuditEntry.action == "draft.saved", AuditEntry.entity_id == d.id)
                ).scalar_one()
                assert saved == d.current_version - 1
                total += d.current_version
            return total
    finally:
        db.dispose()


def test_sigkill_during_saves_leaves_a_consistent_store(db_url, tmp_path):
    env = server_env(db_url, tmp_path)
    token = make_user(env, "responder", "r@corp.example")
    H = {"Authorization": f"Bearer {token}"}
    server = start_server(env, tmp_path / "server.log")
    api = server.base + "/api/v1"
    r = httpx.post(
        api + "/incidents",
        json={"facts": example(), "tones": ["plain", "formal"]},
        headers=H,
        timeout=120,
    )
    assert r.status_code == 201, r.text
    drafts = [(d["id"], d["version"]["text"]) for d in r.json()["drafts"]]
    stop = threading.Event()
    ok = [0]

    def editor(i: int) -> None:
        did, text = drafts[i % len(drafts)]
        with httpx.Client(timeout=30) as c:
            k = 0
            while not stop.is_set():
                try:
                    cur = c.get(f"{api}/drafts/{did}", headers=H).json()["current_version"]
                    r = c.post(
                        f"{api}/drafts/{did}/versions",
                        json={"text": f"{text}\n{i}-{k}", "base_version": cur},
                        headers=H,
                    )
                    ok[0] += r.status_code == 201
                except (httpx.HTTPError, ValueError, KeyError):
                    return  # the server is gone
                k += 1

    with ThreadPoolExecutor(6) as pool:
        futures = [pool.submit(editor, i) for i in range(6)]
        deadline = time.monotonic() + 60
        while ok[0] < 8 and time.monotonic() < deadline:
            time.sleep(0.05)
        server.proc.send_signal(signal.SIGKILL)  # mid-flight: requests are in progress
        server.proc.wait(10)
        stop.set()
        for f in futures:
            f.result()
    assert ok[0] >= 8, "no saves happened before the kill"

    total = _consistent(db_url)
    assert (
        total >= len(drafts) + ok[0]
    )  # nothing acknowledged was lost (a save may commit unacknowledged)
    r = candor(["audit", "verify"], env)
    assert r.returncode == 0, r.stderr

    server = start_server(env, tmp_path / "server2.log")
    try:
        did, text = drafts[0]
        cur = httpx.get(f"{server.base}/api/v1/drafts/{did}", headers=H).json()["current_version"]
        r = httpx.post(
            f"{server.base}/api/v1/drafts/{did}/versions",
            json={"text": text + "\nafter", "base_version": cur},
            headers=H,
            timeout=120,
        )
        assert r.status_code == 201 and r.json()["current_version"] == cur + 1
    finally:
        server.stop()
    _consistent(db_url)
    assert candor(["audit", "verify"], env).returncode == 0
