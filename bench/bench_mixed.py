"""Mixed load against a real server, on SQLite and PostgreSQL: requests/s and p50/p95 latency for
8 clients, and how reads fare while a writer holds the database's write lock.

    .venv/bin/python bench/bench_mixed.py [--clients 8] [--seconds 8] [--rounds 3]
        [--postgres-url postgresql+psycopg://postgres@127.0.0.1:55432/postgres] [--backends sqlite,postgresql]

Per backend: start `candor serve` on a fresh database, create one incident per client (so each
client saves to its own draft), then per round run three phases with the same clients:

- `reads` (the in-run baseline): GET a draft, the incident list, the version list;
- `mixed`: 70% those reads, 20% saves of a new version (If-Match), 10% stateless checks;
- `reads, writer holds lock`: the baseline's reads while another connection holds a write lock
  for the whole phase (SQLite: BEGIN IMMEDIATE; PostgreSQL: LOCK TABLE drafts IN EXCLUSIVE MODE,
  which lets plain reads through and blocks writers). Reads should not wait for the writer.

Prints the median over rounds of requests/s, p50 and p95 per phase, and each phase against the
baseline. Not part of the test pass/fail; figures depend on the machine (2 shared cores here).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from support.storedb import example, make_user, server_env, start_server  # noqa: E402

CHECK_TEXT = {"text": "We are writing to tell you about a data breach.", "grammar": False}


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of `values`."""
    values = sorted(values)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


class Load:
    """The clients, their drafts and the request mix."""

    def __init__(self, api: str, token: str, drafts: list[int]):
        self.api = api
        self.headers = {"Authorization": f"Bearer {token}"}
        self.drafts = drafts
        with httpx.Client(timeout=120) as c:  # each client's last (ETag, text): saves build on it
            self.states = [list(self.current(c, did)) for did in drafts]

    def read(self, c: httpx.Client, did: int, rng: random.Random) -> None:
        path = rng.choice((f"/drafts/{did}", "/incidents?limit=20", f"/drafts/{did}/versions"))
        c.get(self.api + path, headers=self.headers).raise_for_status()

    def current(self, c: httpx.Client, did: int) -> tuple[str, str]:
        """The draft's current (ETag, text)."""
        r = c.get(f"{self.api}/drafts/{did}", headers=self.headers)
        r.raise_for_status()
        return r.headers["etag"], r.json()["version"]["text"]

    def save(self, c: httpx.Client, did: int, state: list[str], n: int) -> None:
        """Save a new version on top of the one this client saved last (If-Match: its ETag)."""
        etag, base_text = state
        r = c.post(
            f"{self.api}/drafts/{did}/versions",
            json={"text": f"{base_text}\n\nUpdate {n}."},
            headers={**self.headers, "If-Match": etag},
        )
        r.raise_for_status()
        state[:] = [r.headers["etag"], r.json()["version"]["text"]]

    def check(self, c: httpx.Client) -> None:
        c.post(f"{self.api}/checks", json=CHECK_TEXT, headers=self.headers).raise_for_status()

    def run(self, seconds: float, mixed: bool) -> tuple[float, list[float]]:
        """Run every client for `seconds`; returns (requests/s, latencies in ms)."""
        latencies: list[float] = []
        lock = threading.Lock()
        end = time.monotonic() + seconds

        def client(i: int) -> int:
            rng = random.Random(i)
            did = self.drafts[i]
            done = 0
            state = self.states[i]
            with httpx.Client(timeout=120) as c:
                while time.monotonic() < end:
                    roll = rng.random() if mixed else 0.0
                    t0 = time.perf_counter()
                    if roll < 0.7:
                        self.read(c, did, rng)
                    elif roll < 0.9:
                        self.save(c, did, state, done)
                    else:
                        self.check(c)
                    with lock:
                        latencies.append((time.perf_counter() - t0) * 1000)
                    done += 1
            return done

        t0 = time.monotonic()
        with ThreadPoolExecutor(len(self.drafts)) as pool:
            total = sum(pool.map(client, range(len(self.drafts))))
        return total / (time.monotonic() - t0), latencies


@contextmanager
def write_lock_held(url: str, seconds: float):  # type: ignore[no-untyped-def]
    """Hold the database's write lock from another connection for `seconds` (in a thread)."""
    engine = create_engine(url)
    ready = threading.Event()

    def hold() -> None:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                conn.exec_driver_sql("BEGIN")
                conn.execute(text("LOCK TABLE drafts IN EXCLUSIVE MODE"))
            ready.set()
            time.sleep(seconds)
            conn.exec_driver_sql("ROLLBACK")

    thread = threading.Thread(target=hold)
    thread.start()
    ready.wait(30)
    try:
        yield
    finally:
        thread.join()
        engine.dispose()


@contextmanager
def fresh_database(backend: str, pg_admin: str, tmp: Path):  # type: ignore[no-untyped-def]
    """A new empty database URL for the backend (PostgreSQL: created and dropped here)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp}/bench.db"
        return
    name = f"candor_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg_admin, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(pg_admin).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def bench_backend(
    backend: str, args: argparse.Namespace
) -> dict[str, list[tuple[float, float, float]]]:
    """Per phase, one (requests/s, p50, p95) per round."""
    tmp = Path(tempfile.mkdtemp(prefix="candor-bench-mixed-"))
    results: dict[str, list[tuple[float, float, float]]] = {}
    with fresh_database(backend, args.postgres_url, tmp) as url:
        env = server_env(url, tmp)
        token = make_user(env, "responder", "bench@corp.example")
        server = start_server(env, tmp / "server.log")
        try:
            api = server.base + "/api/v1"
            drafts = []
            for _ in range(args.clients):
                r = httpx.post(
                    api + "/incidents",
                    json={"facts": example()},
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=300,
                )
                r.raise_for_status()
                drafts.append(r.json()["drafts"][0]["id"])
            load = Load(api, token, drafts)
            load.run(1.0, mixed=True)  # warm-up
            for _ in range(args.rounds):
                for phase, mixed, locked in (
                    ("reads (baseline)", False, False),
                    ("mixed 70/20/10", True, False),
                    ("reads, writer holds lock", False, True),
                ):
                    if locked:
                        with write_lock_held(url, args.seconds + 1):
                            rps, lat = load.run(args.seconds, mixed)
                    else:
                        rps, lat = load.run(args.seconds, mixed)
                    results.setdefault(phase, []).append((rps, pct(lat, 50), pct(lat, 95)))
        finally:
            server.stop()
    return results


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=8.0, help="per phase and round")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--backends", default="sqlite,postgresql")
    ap.add_argument(
        "--postgres-url",
        default="postgresql+psycopg://postgres@127.0.0.1:55432/postgres",
        help="a server where a scratch database may be created",
    )
    args = ap.parse_args()
    for backend in args.backends.split(","):
        results = bench_backend(backend, args)
        base = [statistics.median(v) for v in zip(*results["reads (baseline)"], strict=True)]
        print(f"\n{backend}: {args.clients} clients, median of {args.rounds} rounds")
        print(f"{'phase':28} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8}   vs baseline (p50, p95)")
        for phase, rounds in results.items():
            rps, p50, p95 = (statistics.median(v) for v in zip(*rounds, strict=True))
            print(
                f"{phase:28} {rps:8.1f} {p50:8.1f} {p95:8.1f}   "
                f"x{p50 / base[1]:.2f}, x{p95 / base[2]:.2f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
