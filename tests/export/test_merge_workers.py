"""Acceptance: on a real PostgreSQL, two `candor worker` processes share one merge; one is
SIGKILLed in the middle of a chunk; the merge completes with every recipient exactly once.

Real parts only: PostgreSQL (CANDOR_TEST_POSTGRES_URL), procrastinate's queue, two worker
subprocesses started with the `candor worker` command, SIGKILL. The heartbeat and stalled-worker
times are shortened through the documented settings so the test waits seconds, not minutes.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from support.recipients import STATES_12, plan_for, write_recipients
from support.storedb import server_env

from app.core.config import PROJECT_ROOT
from app.export import jobs
from app.export.merge.letterfiles import letters_in
from app.export.runner import ProcrastinateRunner, ensure_schema
from app.store.db import Database
from app.store.merge_models import MergeChunk, MergeJob, MergeRecipient
from app.store.migrate import upgrade

N = 12_000
CHUNK = 2_000


@pytest.fixture
def pg_url(db_url: str) -> str:
    if not db_url.startswith("postgresql"):
        pytest.skip(
            "workers share a merge through PostgreSQL (procrastinate); SQLite runs jobs in-process"
        )
    return db_url


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen:  # type: ignore[type-arg]
    return subprocess.Popen(
        [sys.executable, "-m", "app.cli", "worker", "--log-level", "info"],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=open(log, "wb"),
        stderr=subprocess.STDOUT,
    )


def _stop(proc: subprocess.Popen) -> None:  # type: ignore[type-arg]
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.parametrize("mode", ["per-recipient", "per-variant"])
def test_two_workers_one_killed_mid_chunk_every_recipient_once(
    pg_url: str, tmp_path: Path, mode: str
) -> None:
    db = Database.from_url(pg_url)
    upgrade(db.engine)
    ensure_schema(pg_url)
    env = server_env(
        pg_url,
        tmp_path,
        CANDOR_WORKER_HEARTBEAT_S="0.5",
        CANDOR_WORKER_STALLED_S="3",
        CANDOR_JOBS="workers",
    )
    export_dir = Path(env["CANDOR_EXPORT_DIR"])
    src = tmp_path / "recipients.csv"
    write_recipients(src, N, STATES_12, bad=True, duplicates=3)
    with db.sessions() as s:
        job_id = jobs.create_job(
            s,
            export_dir,
            plan=plan_for(STATES_12),
            upload=src,
            fmt="text",
            mode=mode,
            incident_id=None,
            created_by=None,
            chunk_size=CHUNK,
        )
    runner = ProcrastinateRunner(pg_url)
    a = _worker(env, tmp_path / "a.log")
    b = _worker(env, tmp_path / "b.log")
    killed_chunk = None
    try:
        with db.sessions() as s:
            jobs.start(s, runner, job_id)
        # Kill worker A while it is half-way through a chunk (some lines recorded, not all).
        deadline = time.monotonic() + 120
        while killed_chunk is None and time.monotonic() < deadline:
            with db.reads() as s:
                part = s.scalar(
                    select(MergeChunk).where(
                        MergeChunk.job_id == job_id,
                        MergeChunk.status == "running",
                        MergeChunk.worker.like(f"%-{a.pid}"),
                        MergeChunk.done > 0,
                        MergeChunk.done + MergeChunk.rejected < MergeChunk.rows,
                    )
                )
                if part is not None:
                    os.kill(a.pid, signal.SIGKILL)
                    a.wait(10)
                    killed_chunk = (part.number, part.done + part.rejected)
            time.sleep(0.02)
        assert killed_chunk is not None, "worker A was never caught in the middle of a chunk"
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            with db.reads() as s:
                status = s.scalar(select(MergeJob.status).where(MergeJob.id == job_id))
            if status in ("complete", "failed"):
                break
            time.sleep(0.5)
        with db.reads() as s:
            st = jobs.view(s, job_id)
            assert st["status"] == "complete", (st, (tmp_path / "b.log").read_text()[-3000:])
            produced = s.scalar(
                select(func.count()).where(
                    MergeRecipient.job_id == job_id, MergeRecipient.outcome == "produced"
                )
            )
            distinct = s.scalar(
                select(func.count(func.distinct(MergeRecipient.recipient_id))).where(
                    MergeRecipient.job_id == job_id, MergeRecipient.outcome == "produced"
                )
            )
            lines = s.scalar(select(func.count()).where(MergeRecipient.job_id == job_id))
            redone = s.scalar(
                select(MergeChunk).where(
                    MergeChunk.job_id == job_id, MergeChunk.number == killed_chunk[0]
                )
            )
            workers = set(s.scalars(select(MergeChunk.worker).where(MergeChunk.job_id == job_id)))
    finally:
        _stop(a)
        _stop(b)
        runner.shutdown()
        db.dispose()
    # Every recipient exactly once; every input line accounted for once (good, bad and duplicates).
    assert produced == distinct == N
    assert lines == N + 6 + 3  # 6 bad rows, 3 duplicate ids
    assert (
        st["done"] == N and st["total"] == N + 9 and st["chunks"]["done"] == st["chunks"]["total"]
    )
    assert redone.attempts == 2 and redone.status == "done"  # the killed chunk was redone
    assert any(w.endswith(f"-{b.pid}") for w in workers)
    out = export_dir / "merges" / job_id / "out"
    with open(out / "manifest.csv", newline="", encoding="utf-8") as fh:
        ids = [row["recipient_id"] for row in csv.DictReader(fh)]
    assert len(ids) == len(set(ids)) == N
    if mode == "per-recipient":
        assert sum(1 for _ in (out / "letters").rglob("*.txt")) == N
    else:  # chunk files bound per variant: every letter once, the killed chunk's too
        bound = [p.read_bytes() for p in out.glob("*.txt")]
        assert len(bound) == len(STATES_12) and not (out / "_work").exists()
        assert sum(letters_in(data) for data in bound) == N
        text = b"".join(bound).decode()
        for rid in ids[:: N // 50]:  # r0000123 is "Person 123 Example": once, in its letter
            assert text.count(f"Dear Person {int(rid[1:])} Example,") == 1, rid
    assert not (export_dir / "merges" / job_id / "chunks").exists()


def test_worker_command_refuses_sqlite_and_bad_concurrency(tmp_path: Path) -> None:
    from support.storedb import candor

    env = server_env(f"sqlite:///{tmp_path}/c.db", tmp_path)
    r = candor(["worker"], env, timeout=60)
    assert r.returncode == 2 and "needs a PostgreSQL database" in r.stderr
    assert "Traceback" not in r.stderr
    r = candor(["worker", "--concurrency", "0"], env, timeout=60)
    assert r.returncode == 2 and "--concurrency must be between 1 and 256" in r.stderr
