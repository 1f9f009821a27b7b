"""Saves per second and check-on-save latency under concurrent clients, against a real server.

    .venv/bin/python bench/bench_saves.py [--clients 8] [--seconds 20] [--database-url URL]
    .venv/bin/python bench/bench_saves.py --baseline 66dcdf6 [--rounds 3] [--seconds 10]

Starts `candor serve` on a fresh SQLite file (or the given URL), creates an incident with one
draft per client (so clients do not conflict), then each client first reads its draft in a loop
(authenticated reads: auth + DB read + JSON, no write, no check), then saves edited text in a loop
on its own draft. Reports saves/s, HTTP latency percentiles, reads/s, the check time the server
measured for each saved version (DraftVersion.check_ms), and what a save costs around its check
(each save's latency minus its check time: queueing, HTTP, auth, queries, audit, serialisation)
with the check's share of all save time. Not part of the test pass/fail.

`--baseline REV` also serves REV's code in the same run (bench/baseline.py: a temporary git
worktree of REV, run with this interpreter, its own examples and a fresh database per run):
`--rounds` runs per side, alternating, then each side's median saves/s and reads/s and this tree's
figure over the baseline's.
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
sys.path.insert(0, str(ROOT / "bench"))
import baseline  # noqa: E402
from support.storedb import example, make_user, server_env, start_server  # noqa: E402


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return (
        values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]
        if values
        else float("nan")
    )


def run(root: Path, clients: int, seconds: float, database_url: str | None) -> dict[str, float]:
    """One run against a server of the code under `root`: reads, then saves; the figures."""
    tmp = Path(tempfile.mkdtemp(prefix="candor-bench-"))
    url = database_url or f"sqlite:///{tmp}/bench.db"
    env = server_env(url, tmp)
    token = make_user(env, "responder", f"bench{int(time.time())}@corp.example", root=root)
    H = {"Authorization": f"Bearer {token}"}
    server = start_server(env, tmp / "server.log", root=root)
    try:
        api = server.base + "/api/v1"
        r = httpx.post(
            api + "/incidents", json={"facts": example(root=root)}, headers=H, timeout=300
        )
        r.raise_for_status()
        first = r.json()["drafts"][0]
        drafts = []
        for i in range(
            clients
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
        for i in range(1, clients):
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
        around: list[float] = []  # per save: its latency minus the check time the server measured
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
                    latency = (time.perf_counter() - t0) * 1000
                    latencies.append(latency)
                    if r.status_code != 201:
                        errors[0] += 1
                        version = c.get(f"{api}/drafts/{did}", headers=H).json()["current_version"]
                        continue
                    body = r.json()
                    version = body["current_version"]
                    check_ms.append(body["version"]["check_ms"])
                    around.append(latency - body["version"]["check_ms"])
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

        def warm(i: int) -> None:
            """A few untimed reads per client first: the server's first requests pay one-off set-up
            (connections, lazy imports) that would otherwise dominate a short read phase."""
            with httpx.Client(timeout=300) as c:
                for _ in range(3):
                    c.get(f"{api}/drafts/{drafts[i][0]}", headers=H).raise_for_status()

        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(warm, range(clients)))
        # One client alone first: what a read costs with no queue in front of it. Under 8 clients
        # the latency percentiles also show how the server orders waiting requests (the mean is
        # fixed by the throughput: clients / reads per second), so the lone read is the cost.
        solo: list[float] = []
        with httpx.Client(timeout=300) as c:
            solo_end = time.monotonic() + min(2.0, seconds / 4)
            while time.monotonic() < solo_end:
                t = time.perf_counter()
                c.get(f"{api}/drafts/{drafts[0][0]}", headers=H).raise_for_status()
                solo.append((time.perf_counter() - t) * 1000)
        read_seconds = max(2.0, seconds / 2)
        read_end[0] = time.monotonic() + read_seconds
        t0 = time.monotonic()
        with ThreadPoolExecutor(clients) as pool:
            per_client = list(pool.map(reader, range(clients)))
        reads = sum(per_client)
        read_elapsed = time.monotonic() - t0

        end = time.monotonic() + seconds
        t0 = time.monotonic()
        with ThreadPoolExecutor(clients) as pool:
            saves = sum(pool.map(client, range(clients)))
        elapsed = time.monotonic() - t0
        return {
            "saves": saves,
            "errors": errors[0],
            "elapsed": elapsed,
            "saves/s": saves / elapsed,
            "save p50": pct(latencies, 50),
            "save p95": pct(latencies, 95),
            "save mean": statistics.mean(latencies),
            "save max": max(latencies),
            "reads/s": reads / read_elapsed,
            "read p50": pct(read_latencies, 50),
            "read p95": pct(read_latencies, 95),
            "read mean": statistics.mean(read_latencies),
            "solo read p50": pct(solo, 50),
            # how evenly the server shares itself: the least-served client's reads over the
            # most-served one's (1 = every client got the same)
            "read fairness": min(per_client) / max(per_client) if max(per_client) else 0.0,
            "check mean": statistics.mean(check_ms),
            "check p50": pct(check_ms, 50),
            "check p95": pct(check_ms, 95),
            "around p50": pct(around, 50),
            "check share": sum(check_ms) / (sum(check_ms) + sum(around)),
        }
    finally:
        server.stop()


def report(r: dict[str, float], clients: int, backend: str) -> None:
    """One run's figures, as the bench has always printed them."""
    print(
        f"backend={backend} clients={clients} duration={r['elapsed']:.1f}s saves={r['saves']} "
        f"errors={r['errors']}"
    )
    print(f"saves/s={r['saves/s']:.1f}")
    print(
        f"save latency ms: p50={r['save p50']:.0f} p95={r['save p95']:.0f} max={r['save max']:.0f}"
    )
    print(
        f"baseline (draft reads, same clients): reads/s={r['reads/s']:.1f} "
        f"p50={r['read p50']:.0f} p95={r['read p95']:.0f} mean={r['read mean']:.0f} ms; "
        f"save p50 / read p50 = {r['save p50'] / r['read p50']:.1f}x"
    )
    print(
        f"one client alone: read p50={r['solo read p50']:.1f} ms; read fairness (least-served "
        f"client's reads / most-served's)={r['read fairness']:.2f}"
    )
    print(
        f"check-on-save ms (server-side): mean={r['check mean']:.0f} p50={r['check p50']:.0f} "
        f"p95={r['check p95']:.0f}"
    )
    print(
        f"around the check (save latency minus its check, per save): p50={r['around p50']:.0f} ms; "
        f"the check's share of save time={r['check share']:.0%}"
    )


def compare(rev: str, rounds: int, clients: int, seconds: float) -> None:
    """This tree beside REV's code, alternating runs, each on a fresh SQLite database."""
    runs: dict[str, list[dict[str, float]]] = {baseline.THIS: [], "baseline": []}
    print(f"before: {baseline.load()}")
    with baseline.checkout(rev) as tree:
        for side, root in baseline.rounds(rounds, tree):
            r = run(root, clients, seconds, None)
            runs[side].append(r)
            print(
                f"  {side:9} saves/s={r['saves/s']:6.1f} reads/s={r['reads/s']:6.1f} "
                f"save p50/p95={r['save p50']:4.0f}/{r['save p95']:4.0f} ms "
                f"read p50/p95/mean={r['read p50']:3.0f}/{r['read p95']:3.0f}/{r['read mean']:3.0f} ms "
                f"solo read p50={r['solo read p50']:4.1f} ms "
                f"read fairness={r['read fairness']:.2f} "
                f"check p50={r['check p50']:3.0f} ms around p50={r['around p50']:4.0f} ms "
                f"check share={r['check share']:.0%} errors={r['errors']}",
                flush=True,
            )
    print(f"after:  {baseline.load()}")
    print(f"medians of {rounds} alternating runs per side, {clients} clients; baseline = {rev}")
    for key, higher in [
        ("saves/s", True),
        ("reads/s", True),
        ("save p50", False),
        ("save p95", False),
        ("save mean", False),
        ("read p50", False),
        ("read p95", False),
        ("read mean", False),
        ("solo read p50", False),
        ("read fairness", True),
        ("check p50", False),
        ("around p50", False),
        ("check share", False),
    ]:
        this = baseline.median([r[key] for r in runs[baseline.THIS]])
        base = baseline.median([r[key] for r in runs["baseline"]])
        print(
            f"{key:13} this {this:7.1f}  baseline {base:7.1f}  this / baseline "
            f"{baseline.verdict(this, base, higher_is_better=higher)}"
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--baseline", metavar="REV", help="also serve REV's code, alternating")
    ap.add_argument("--rounds", type=int, default=3, help="runs per side with --baseline")
    args = ap.parse_args()
    if args.baseline:
        if args.database_url:
            ap.error("--baseline runs each side on a fresh SQLite file; leave out --database-url")
        compare(args.baseline, args.rounds, args.clients, args.seconds)
        return 0
    r = run(ROOT, args.clients, args.seconds, args.database_url)
    url = args.database_url or "sqlite:"
    report(r, args.clients, url.split(":", 1)[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
