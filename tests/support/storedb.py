"""Store test helpers: a fresh database per test on SQLite (tmp_path) and, when
CANDOR_TEST_POSTGRES_URL is set, on PostgreSQL (a new database per test, dropped afterwards);
a server subprocess on a free port; users with tokens per role.

The `db_url` and `store` fixtures reach every test through `pytest_plugins` in tests/conftest.py;
import the helpers (`candor`, `example`, ...) as `from support.storedb import ...` (pyproject.toml
puts tests/ on the import path).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from app.auth.roles import ROLES
from app.core.config import PROJECT_ROOT, Settings
from app.rulebook.loader import load_rulebook
from app.store.db import Database
from app.store.migrate import upgrade
from app.store.models import User
from app.workflow.context import WorkflowContext

PG_ENV = "CANDOR_TEST_POSTGRES_URL"
PG_SKIP = f"{PG_ENV} is not set: PostgreSQL store tests need a server (.ci/run starts a throwaway cluster and exports it)"
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
TODAY = "2026-11-27"
# The audit key tests run with (the store fixture, in-process apps, CLI and server subprocesses alike).
AUDIT_KEY = "test-audit-key-0123456789abcdef0123456789"


def _pg_database(admin_url: str) -> tuple[str, str]:
    import psycopg

    name = f"candor_t_{uuid.uuid4().hex[:12]}"
    url = make_url(admin_url)
    conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, url.set(database=name).render_as_string(hide_password=False)


def _pg_drop(admin_url: str, name: str) -> None:
    import psycopg

    conninfo = (
        make_url(admin_url).set(drivername="postgresql").render_as_string(hide_password=False)
    )
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL: SQLite file in tmp_path, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/candor.db"
        return
    admin = os.environ.get(PG_ENV)
    if not admin:
        pytest.skip(PG_SKIP)
    name, url = _pg_database(admin)
    try:
        yield url
    finally:
        _pg_drop(admin, name)


def test_settings(db_url: str, tmp_path: Path, **extra: object) -> Settings:
    """Settings for a test app or CLI run on `db_url` (no demo data, fixed today)."""
    values = {
        "ENVIRONMENT": "test",
        "DATABASE_URL": db_url,
        "DEMO_DATA": False,
        "TODAY": TODAY,
        "EXPORT_DIR": tmp_path / "exports",
        "AUDIT_KEY": AUDIT_KEY,
    } | extra
    return Settings(**values)  # type: ignore[arg-type]


test_settings.__test__ = False  # type: ignore[attr-defined]


@dataclass
class Store:
    """A migrated database, its workflow context and one user per role."""

    db: Database
    ctx: WorkflowContext
    users: dict[str, User] = field(default_factory=dict)

    def session(self):  # type: ignore[no-untyped-def]
        return self.db.sessions()


@cache
def rulebook():  # type: ignore[no-untyped-def]
    """The repository's rulebook, loaded once per test process (it is read-only)."""
    return load_rulebook(PROJECT_ROOT / "rules")


@pytest.fixture
def store(db_url: str, tmp_path: Path) -> Iterator[Store]:
    """Migrated store with users admin, responder, cmo, security, compliance (+ cmo2, security2)."""
    from app.auth.users import create_user

    db = Database.from_url(db_url, audit_key=AUDIT_KEY.encode())
    upgrade(db.engine)
    s = Store(
        db=db, ctx=WorkflowContext(settings=test_settings(db_url, tmp_path), rulebook=rulebook())
    )
    with db.sessions() as session:
        for role in ROLES:
            s.users[role], _ = create_user(
                session, None, f"{role}@test.example", role, "correct horse battery"
            )
        s.users["cmo2"], _ = create_user(
            session, None, "cmo2@test.example", "cmo", "correct horse battery"
        )
        s.users["security2"], _ = create_user(
            session, None, "security2@test.example", "security", "correct horse battery"
        )
    try:
        yield s
    finally:
        db.dispose()


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(db_url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    """Environment for a `candor` subprocess on `db_url`."""
    env = dict(os.environ)
    env.update(
        {
            "CANDOR_DATABASE_URL": db_url,
            "CANDOR_ENVIRONMENT": "test",
            "CANDOR_DEMO_DATA": "false",
            "CANDOR_TODAY": TODAY,
            "CANDOR_EXPORT_DIR": str(tmp_path / "exports"),
            "CANDOR_AUDIT_KEY": AUDIT_KEY,
            **extra,
        }
    )
    return env


@dataclass
class Server:
    """A running `candor serve` subprocess."""

    proc: subprocess.Popen  # type: ignore[type-arg]
    base: str
    log: Path

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


def candor(
    args: list[str], env: dict[str, str], timeout: float = 120, root: Path = PROJECT_ROOT
) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    """Run the `candor` CLI in a subprocess (the code under `root`: bench/baseline.py passes
    another revision's tree)."""
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env=env,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def start_server(
    env: dict[str, str], log: Path, timeout: float = 90, root: Path = PROJECT_ROOT
) -> Server:
    """Start `candor serve` (the code under `root`) on a free port and wait for /healthz."""
    port = free_port()
    fh = open(log, "ab")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=root,
        stdout=fh,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}: {log.read_text()[-2000:]}")
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return Server(proc, base, log)
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"server did not start in {timeout}s: {log.read_text()[-2000:]}")


def make_user(env: dict[str, str], role: str, email: str, root: Path = PROJECT_ROOT) -> str:
    """Create a user through the CLI (the code under `root`) and return their API token."""
    r = candor(["users", "create", "--role", role, "--email", email, "--token"], env, root=root)
    assert r.returncode == 0, r.stderr
    return next(
        line.split(": ", 1)[1] for line in r.stdout.splitlines() if line.startswith("api token: ")
    )


def example(name: str = "retailer-card-breach", root: Path = PROJECT_ROOT) -> dict:  # type: ignore[type-arg]
    """Example facts as JSON (from the tree at `root`)."""
    import json

    return json.loads((root / "examples" / f"{name}.json").read_text())


def change_toll_free(
    session, store: Store, incident_id: int, number: str, *, by: str = "responder"
) -> None:  # type: ignore[no-untyped-def]
    """Save facts version 2 of an incident made from the retailer example: the same facts with
    another toll-free number (the smallest real change, which every letter shows)."""
    from app.domain.facts import IncidentFacts
    from app.workflow import incidents

    data = example()
    data["contacts"]["toll_free"]["number"] = number
    incidents.update_facts(
        session, store.ctx, store.users[by], incident_id, IncidentFacts.model_validate(data), 1
    )
