"""What the cyclic garbage collector costs a request in the server, with and without `gc.freeze()`
after start-up (app.main.freeze_loaded, which `candor serve` calls).

    .venv/bin/python bench/bench_gc.py [--rounds 3] [--requests 200]

Each run is a child process that builds the app as `candor serve` does (create_app: rulebook,
templates, syllable table, grammar engine) on a fresh SQLite file, freezes or not, then sends
saves (each re-checks the letter), draft reads and checks (POST /api/v1/checks) through the app
in-process (Starlette's TestClient, the real request path without a socket). Runs alternate
between frozen and not. It prints, per kind of request and side, the median request time, the
collector's time per request (timed by `gc.callbacks`) and the full (generation 2) collections
per 100 requests, then medians over rounds. Timing on a busy machine is noisy; the collector's
time per request and the count of full collections are what freezing changes.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import baseline  # noqa: E402

KINDS = ("save", "read", "check")


class GcClock:
    """Time spent in the collector and full collections, from `gc.callbacks`."""

    def __init__(self) -> None:
        self.spent = 0.0
        self.full = 0
        self._t = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict) -> None:  # type: ignore[type-arg]
        if phase == "start":
            self._t = time.perf_counter()
        else:
            self.spent += time.perf_counter() - self._t
            self.full += info["generation"] == 2


def child(freeze: bool, requests: int) -> dict[str, list[float]]:
    """One server process's figures: kind -> [median ms, gc ms per request, full per 100]."""
    from fastapi.testclient import TestClient

    from app.auth.users import create_user, issue_token
    from app.core.config import Settings
    from app.main import create_app, freeze_loaded

    tmp = Path(tempfile.mkdtemp(prefix="candor-bench-gc-"))
    settings = Settings(
        ENVIRONMENT="test",
        DATABASE_URL=f"sqlite:///{tmp}/bench.db",
        DEMO_DATA=False,
        TODAY="2026-11-27",
        EXPORT_DIR=tmp / "exports",
        AUDIT_KEY="bench-audit-key-0123456789abcdef0123456789",
    )  # type: ignore[call-arg]
    app = create_app(settings)
    with app.state.db.sessions() as session:
        user, _ = create_user(session, None, "bench@corp.example", "responder", "correct horse b")
        _, token = issue_token(session, None, user)
    if freeze:
        freeze_loaded()
    clock = GcClock()
    headers = {"Authorization": f"Bearer {token}"}
    facts = json.loads((ROOT / "examples" / "retailer-card-breach.json").read_text())
    out: dict[str, list[float]] = {}
    with TestClient(app) as client:
        api = "/api/v1"
        draft = client.post(f"{api}/incidents", json={"facts": facts}, headers=headers).json()
        did, text = draft["drafts"][0]["id"], draft["drafts"][0]["version"]["text"]
        version = client.get(f"{api}/drafts/{did}", headers=headers).json()["current_version"]

        def save(n: int) -> None:
            nonlocal version
            r = client.post(
                f"{api}/drafts/{did}/versions",
                json={"text": f"{text}\nEdit {n}.", "base_version": version},
                headers=headers,
            )
            r.raise_for_status()
            version = r.json()["current_version"]

        def read(n: int) -> None:
            client.get(f"{api}/drafts/{did}", headers=headers).raise_for_status()

        def check(n: int) -> None:
            client.post(
                f"{api}/checks", json={"text": f"{text}\nCheck {n}."}, headers=headers
            ).raise_for_status()

        for kind, call in (("save", save), ("read", read), ("check", check)):
            for n in range(10):
                call(-n - 1)  # warm
            spent, full, times = clock.spent, clock.full, []
            for n in range(requests):
                t = time.perf_counter()
                call(n)
                times.append(time.perf_counter() - t)
            out[kind] = [
                statistics.median(times) * 1000,
                (clock.spent - spent) * 1000 / requests,
                (clock.full - full) * 100 / requests,
            ]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3, help="child processes per side")
    ap.add_argument("--requests", type=int, default=200, help="timed requests per kind and run")
    ap.add_argument("--child", choices=("frozen", "unfrozen"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child == "frozen", args.requests)))
        return 0
    runs: dict[str, list[dict[str, list[float]]]] = {"frozen": [], "unfrozen": []}
    print(f"before: {baseline.load()}")
    for i in range(args.rounds):
        for side in ("frozen", "unfrozen") if i % 2 == 0 else ("unfrozen", "frozen"):
            out = subprocess.run(
                [sys.executable, __file__, "--child", side, "--requests", str(args.requests)],
                check=True,
                capture_output=True,
                text=True,
                cwd=ROOT,
            ).stdout
            r = json.loads(out.strip().splitlines()[-1])
            runs[side].append(r)
            print(
                f"  {side:9} "
                + "  ".join(
                    f"{k} {r[k][0]:5.1f} ms (gc {r[k][1]:.2f} ms, {r[k][2]:.1f} full/100)"
                    for k in KINDS
                ),
                flush=True,
            )
    print(f"after:  {baseline.load()}")
    print(f"medians of {args.rounds} runs per side, {args.requests} requests per kind each")
    for kind in KINDS:
        row = []
        for side in ("frozen", "unfrozen"):
            med = [baseline.median([r[kind][i] for r in runs[side]]) for i in range(3)]
            row.append(
                f"{side} {med[0]:5.1f} ms, gc {med[1]:.2f} ms/request, {med[2]:.1f} full/100"
            )
        print(f"{kind:6} " + " | ".join(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
