"""Saves per second and check-on-save latency under concurrent clients, against a real server.

    .venv/bin/python bench/bench_saves.py [--clients 8] [--seconds 20] [--database-url URL]

Starts `candor serve` on a fresh SQLite file (or the given URL), creates an incident with one
draft per client (so clients do not conflict), then each client saves edited text in a loop on
its own draft. Reports saves/s, HTTP latency percentiles, and the check time the server measured
for each saved version (DraftVersion.check_ms). Not part of the test pass/fail.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from support.storedb import example, make_user, server_env, start_server  # noqa: E402


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return (
        values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]
        if values
        else float("nan")
    )


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--database-url", default=None)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="candor-bench-"))
    url = args.database_url or f"sqlite:///{tmp}/bench.db"
    env = server_env(url, tmp)
    token = make_user(env, "responder", f"bench{int(time.time())}@corp.example")
    H = {"Authorization": f"Bearer {token}"}
    server = start_server(env, tmp / "server.log")
    try:
        api = server.base + "/api/v1"
        r = httpx.post(api + "/incidents", json={"facts": example()}, headers=H, timeout=300)
        r.raise_for_status()
        first = r.json()["drafts"][0]
        drafts = []
        for i in range(
            args.clients
        ):  # one draft per client: same incident, extra variants via tones/codes
            drafts.append((first["id"], first["version"]["text"]) if i == 0 else None)
        inc = first["incident_id"]
        tones = ["empathetic", "formal"]
        existing = {(d["variant"], d["tone"]) for d in r.json()["drafts"]}
        candidates = [
            (v, t)
            for v in ("US-GENERIC", "US-CA", "US-MA", "US-NY", "US-TX", "US-WA", "US-OR")
            for t in ("plain", *tones)
        ]
        for i in range(1, args.clients):
            v, t = next(c for c in candidates if c not in existing)
            existing.add((v, t))
            d = httpx.post(
                f"{api}/incidents/{inc}/drafts",
                json={"jurisdiction": v, "tone": t},
                headers=H,
                timeout=300,
            )
            d.raise_for_status()
            drafts[i] = (d.json()["id"], d.json()["version"]["text"])

        latencies: list[float] = []
        check_ms: list[float] = []
        errors = [0]
        end = 0.0

        def client(i: int) -> int:
            did, text = drafts[i]
            n, version = 0, None
            with httpx.Client(timeout=300) as c:
                version = c.get(f"{api}/drafts/{did}", headers=H).json()["current_version"]
                while time.monotonic() < end:
                    t0 = time.perf_counter()
                    r = c.post(
                        f"{api}/drafts/{did}/versions",
                        json={"text": f"{text}\nEdit {n}.", "base_version": version},
                        headers=H,
                    )
                    latencies.append((time.perf_counter() - t0) * 1000)
                    if r.status_code != 201:
                        errors[0] += 1
                        version = c.get(f"{api}/drafts/{did}", headers=H).json()["current_version"]
                        continue
                    body = r.json()
                    version = body["current_version"]
                    check_ms.append(body["version"]["check_ms"])
                    n += 1
            return n

        # Baseline in the same run: the same clients reading their draft (auth + DB read + JSON, no
        # write, no check), so the save figures can be read against what one request costs here.
        read_latencies: list[float] = []
        read_end = [0.0]

        def reader(i: int) -> int:
            did, _ = drafts[i]
            n = 0
            with httpx.Client(timeout=300) as c:
                while time.monotonic() < read_end[0]:
                    t = time.perf_counter()
                    c.get(f"{api}/drafts/{did}", headers=H).raise_for_status()
                    read_latencies.append((time.perf_counter() - t) * 1000)
                    n += 1
            return n

        read_seconds = max(2.0, args.seconds / 2)
        read_end[0] = time.monotonic() + read_seconds
        t0 = time.monotonic()
        with ThreadPoolExecutor(args.clients) as pool:
            reads = sum(pool.map(reader, range(args.clients)))
        read_elapsed = time.monotonic() - t0

        end = time.monotonic() + args.seconds
        t0 = time.monotonic()
        with ThreadPoolExecutor(args.clients) as pool:
            saves = sum(pool.map(client, range(args.clients)))
        elapsed = time.monotonic() - t0
        backend = url.split(":", 1)[0]
        print(
            f"backend={backend} clients={args.clients} duration={elapsed:.1f}s saves={saves} errors={errors[0]}"
        )
        print(f"saves/s={saves / elapsed:.1f}")
        print(
            f"save latency ms: p50={pct(latencies, 50):.0f} p95={pct(latencies, 95):.0f} max={max(latencies):.0f}"
        )
        print(
            f"baseline (draft reads, same clients): reads/s={reads / read_elapsed:.1f} "
            f"p50={pct(read_latencies, 50):.0f} ms; save p50 / read p50 = {pct(latencies, 50) / pct(read_latencies, 50):.1f}x"
        )
        print(
            f"check-on-save ms (server-side): mean={statistics.mean(check_ms):.0f} p50={pct(check_ms, 50):.0f} "
            f"p95={pct(check_ms, 95):.0f}"
        )
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
