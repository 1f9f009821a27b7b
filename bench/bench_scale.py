"""Scale benchmark of the sharded merge (issue 16): a report, not a test (medians, in-run baselines).

    .venv/bin/python bench/bench_scale.py text --sizes 100000 300000 --dir /var/tmp  # letters/s, RSS
    .venv/bin/python bench/bench_scale.py pdf --letters 400 --single 30  # bulk PDF vs WeasyPrint
    CANDOR_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:55432/postgres \\
        .venv/bin/python bench/bench_scale.py workers --n 60000 [--mode per-recipient]  # 1 vs 2

- text: the sharded merge (prepare + chunk tasks, the database recording every recipient under its
  unique constraints, SQLite) run in a fresh subprocess per size and run, text format, in
  per-recipient mode (one file per letter) and per-variant mode (chunk files, bound per
  variant); letters/s and letters per CPU-second (one process, one core), the kernel's share of
  that CPU (file creation) and the process's peak RSS (ru_maxrss); the median of ``--runs``.
  Baseline in the same run: the single-process engine (``run_merge``) on the smallest size, in
  each mode, alternating with what `candor merge` runs (``run_local_merge``: the merge job in
  the CLI's process). ``--dir`` picks the file system the merges write to (printed with its type: tmpfs
  and a disk differ several-fold in per-recipient mode).
- pdf: the bulk PDF path (variant laid out once, recipients' words overlaid) vs WeasyPrint
  rendering the same letters one at a time (``render_pdf``), same process, same letters, medians
  of 3 runs each, after a warm-up of both.
- workers: on PostgreSQL, the same merge run by 1 and then 2 `candor worker` processes (started
  fresh, the clock started once each logged that it takes tasks); seconds from queueing to
  complete, the phases (cut, chunks, finish), how the chunks spread over the workers (chunks and
  busy seconds per worker, and the tail: how long the first worker to run out waited for the
  last chunk), each worker's, the PostgreSQL backends' and this benchmark's own CPU seconds
  (from /proc), the load averages, the speed-up (medians of ``--runs``) beside the machine's
  2-process ceiling measured before each pair (the same pure-Python work in 1 process, then
  twice it in 2 at once: 2.0x on two idle cores; a speed-up is only as good as its window's
  ceiling), and the projected time for 10M recipients on N workers from the measured per-worker
  rate (a calculation, not a measurement).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from support.recipients import STATES_12, plan_for, write_recipients  # noqa: E402


def _settings(db_url: str, tmp: Path, **extra: object):  # type: ignore[no-untyped-def]
    from app.core.config import Settings

    return Settings(
        ENVIRONMENT="test",
        DATABASE_URL=db_url,
        DEMO_DATA=False,
        EXPORT_DIR=tmp / "exports",
        AUDIT_KEY="bench-audit-key-0123456789abcdef0123456789",
        **extra,  # type: ignore[arg-type]
    )


def _sys_cpu() -> float:
    """System CPU seconds of this process: the kernel's share (file creation, mostly)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_stime


def _measured(n: int, merge: Callable[[], object]) -> dict[str, float]:
    """Wall, process CPU and kernel CPU of one merge, with the process's peak RSS."""
    cpu, sys_cpu = time.process_time(), _sys_cpu()
    t = time.perf_counter()
    merge()
    secs, cpu, sys_cpu = time.perf_counter() - t, time.process_time() - cpu, _sys_cpu() - sys_cpu
    return {
        "n": n,
        "seconds": secs,
        "cpu": cpu,
        "sys": sys_cpu,
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _fs_type(path: Path) -> str:
    """The file system type of ``path`` (longest mount point in /proc/mounts): tmpfs, ext4…"""
    best, kind = "", "?"
    try:
        with open("/proc/mounts", encoding="utf-8") as fh:
            for line in fh:
                _, mount, fstype, *_ = line.split()
                if str(path).startswith(mount) and len(mount) > len(best):
                    best, kind = mount, fstype
    except OSError:
        pass
    return kind


def _sharded_text(n: int, tmp: Path, mode: str = "per-recipient") -> dict[str, float]:
    """Child: one sharded text merge of n recipients on SQLite; seconds and peak RSS."""
    from app.export import jobs
    from app.export.runner import InProcessRunner
    from app.store.db import Database
    from app.store.migrate import upgrade

    src = tmp / "r.csv"
    write_recipients(src, n, STATES_12)
    url = f"sqlite:///{tmp}/bench.db"
    db = Database.from_url(url)
    upgrade(db.engine)
    settings = _settings(url, tmp)
    runner = InProcessRunner(db, settings)

    def merge() -> None:
        with db.sessions() as s:
            job = jobs.create_job(
                s,
                settings.EXPORT_DIR,
                plan=plan_for(STATES_12),
                upload=src,
                fmt="text",
                mode=mode,
                incident_id=None,
                created_by=None,
                chunk_size=settings.MERGE_CHUNK_SIZE,
            )
            jobs.start(s, runner, job)
        runner.wait(job)
        with db.reads() as s:
            st = jobs.view(s, job, runner)
        assert st["status"] == "complete" and st["done"] == n, st

    return _measured(n, merge)


def _engine_text(n: int, tmp: Path, mode: str = "per-recipient") -> dict[str, float]:
    """Child: the single-process engine (baseline)."""
    from app.export.merge import run_merge

    src = tmp / "r.csv"
    write_recipients(src, n, STATES_12)
    return _measured(
        n,
        lambda: run_merge(plan_for(STATES_12), src, tmp / "out", fmt="text", mode=mode),  # type: ignore[arg-type]
    )


def _cli_text(n: int, tmp: Path, mode: str = "per-recipient") -> dict[str, float]:
    """Child: what `candor merge` runs (app.export.local_merge: a merge job in this process, on
    its own SQLite in the output folder, outputs moved into place)."""
    from app.export.local_merge import run_local_merge

    src = tmp / "r.csv"
    write_recipients(src, n, STATES_12)
    settings = _settings(f"sqlite:///{tmp}/unused.db", tmp)
    return _measured(
        n,
        lambda: run_local_merge(
            plan_for(STATES_12), src, tmp / "out", settings=settings, mode=mode
        ),
    )


def _child(kind: str, n: int, mode: str, base: Path | None) -> dict[str, float]:
    tmp = Path(tempfile.mkdtemp(prefix=f"bench-{kind}-", dir=base))
    try:
        proc = subprocess.run(
            [sys.executable, __file__, "child", kind, str(n), str(tmp), "--mode", mode],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _median_of(runs: list[dict[str, float]]) -> dict[str, float]:
    """The run with the median letters per CPU-second (its other figures come with it)."""
    ranked = sorted(runs, key=lambda r: r["n"] / r["cpu"])
    return ranked[len(ranked) // 2]


def text(
    sizes: list[int],
    runs: int,
    base: Path | None,
    modes: tuple[str, ...] = ("per-recipient", "per-variant"),
) -> None:
    where = Path(base or tempfile.gettempdir()).resolve()
    print(f"export folder under {where} ({_fs_type(where)}); load {os.getloadavg()[0]:.2f}")
    print(
        f"{'text merge, one process':<44}{'recipients':>11}{'letters/s':>11}{'per CPU-s':>11}"
        f"{'system CPU':>12}{'peak RSS MB':>13}   per CPU-s of each run"
    )

    def row(label: str, results: list[dict[str, float]]) -> None:
        r = _median_of(results)
        each = [round(x["n"] / x["cpu"]) for x in results]
        print(
            f"{label:<44}{r['n']:>11,}{r['n'] / r['seconds']:>11,.0f}{r['n'] / r['cpu']:>11,.0f}"
            f"{r['sys'] / r['cpu']:>11.0%} {r['maxrss_mb']:>12.0f}   {each}"
        )

    for mode in modes:
        base_runs, cli_runs = [], []
        for _ in range(runs):  # alternating, so both see the same load
            base_runs.append(_child("engine", sizes[0], mode, base))
            cli_runs.append(_child("cli", sizes[0], mode, base))
        row(f"baseline: run_merge, {mode}", base_runs)
        row(f"candor merge (local job), {mode}", cli_runs)
        for n in sizes:
            row(f"sharded, {mode}", [_child("sharded", n, mode, base) for _ in range(runs)])


def pdf(letters: int, single: int) -> None:
    from support.recipients import letter_text

    from app.export.merge import VariantLetter
    from app.export.merge.bulkpdf import BulkPdf
    from app.export.merge.rows import Filler
    from app.export.pdf import render_pdf

    filler = Filler(
        VariantLetter(
            "us-ca",
            letter_text("us-ca"),
            True,
            "h" * 40,
            organisation="Example Co.",
            enroll_by="March 1, 2027",
        )
    )
    rows = [
        (
            filler,
            f"Person {i} Example",
            [f"{100 + i % 900} Oak Ave", "Austin, TX 73301"],
            f"AC-{i:07d}",
        )
        for i in range(letters)
    ]
    render_pdf(
        filler.document(*rows[0][1:]), page_size="Letter"
    )  # warm-up: WeasyPrint import, fonts
    BulkPdf("Letter").render(rows[:5])  # warm-up: typst, pikepdf
    bulk_rates, single_rates = [], []
    for _ in range(
        3
    ):  # CPU time of this process (all threads): letters per core, whatever the load
        t = time.process_time()
        for f, n, a, c in rows[:single]:
            render_pdf(f.document(n, a, c), page_size="Letter")
        single_rates.append(single / (time.process_time() - t))
        bulk = BulkPdf("Letter")  # a fresh cache each run: layouts are part of the cost
        t = time.process_time()
        for i in range(0, letters, 100):
            bulk.render(rows[i : i + 100])
        bulk_rates.append(letters / (time.process_time() - t))
    b, s = statistics.median(bulk_rates), statistics.median(single_rates)
    print(f"{'PDF, one process':<46}{'letters':>8}{'per CPU-s (median)':>20}   runs")
    print(
        f"{'baseline: WeasyPrint one by one (render_pdf)':<46}{single:>8}{s:>20.1f}   {[round(r, 1) for r in single_rates]}"
    )
    print(
        f"{'bulk: layout once + Typst/pikepdf overlays':<46}{letters:>8}{b:>20.1f}   {[round(r, 1) for r in bulk_rates]}"
    )
    print(f"bulk / one-by-one: {b / s:.1f}x")


def _proc_cpu(pid: int) -> tuple[float, float]:
    """(user, system) CPU seconds of a process so far, from /proc (0, 0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0, 0.0
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def _backends(url: str, name: str) -> list[int]:
    """Process ids of the PostgreSQL server processes serving database ``name``."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as c:
            return list(
                c.execute(
                    text(
                        "SELECT pid FROM pg_stat_activity WHERE datname = :d AND pid <> pg_backend_pid()"
                    ),
                    {"d": name},
                ).scalars()
            )
    finally:
        engine.dispose()


def _phases(db, job_id: str, t0: float) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Seconds of prepare (queued → first chunk started), chunks, finish (last chunk → complete),
    and how the chunks spread over the workers: per worker the chunks it ran, its busy seconds
    (sum of its chunks' durations) and when it finished its last chunk; ``tail`` is the time the
    first worker to run out of chunks waited for the last chunk (the chunk-tail imbalance)."""
    from sqlalchemy import func, select

    from app.store.merge_models import MergeChunk, MergeJob

    with db.reads() as s:
        first, last = s.execute(
            select(func.min(MergeChunk.started_at), func.max(MergeChunk.finished_at)).where(
                MergeChunk.job_id == job_id
            )
        ).one()
        end = s.scalar(select(MergeJob.finished_at).where(MergeJob.id == job_id))
        chunks = s.execute(
            select(MergeChunk.worker, MergeChunk.started_at, MergeChunk.finished_at).where(
                MergeChunk.job_id == job_id
            )
        ).all()
    per: dict[str, dict[str, float]] = {}
    for worker, start, stop in chunks:
        w = per.setdefault(worker or "?", {"chunks": 0, "busy": 0.0, "last": 0.0})
        w["chunks"] += 1
        w["busy"] += (stop - start).total_seconds()
        w["last"] = max(w["last"], (stop - first).total_seconds())
    lasts = [w["last"] for w in per.values()]
    return {
        "prepare": first.timestamp() - t0,
        "chunks": (last - first).total_seconds(),
        "finish": (end - last).total_seconds(),
        "tail": max(lasts) - min(lasts) if len(lasts) > 1 else 0.0,
        "spread": sorted(
            (int(w["chunks"]), round(w["busy"], 2)) for w in per.values()
        ),  # (chunks, busy s) per worker
    }


def _spin(n: int = 4_000_000) -> int:
    """Pure-Python CPU work (no I/O, no allocation growth): one process's share of the ceiling."""
    s = 0
    for i in range(n):
        s += i * i % 7
    return s


def _ceiling() -> dict[str, float]:
    """The machine's own 2-process ceiling right now: the same pure-Python work in 1 process, then
    twice the work in 2 processes at once; throughput ratio = 2 × t1 / t2 (2.0 on two idle cores).
    Children are forked (no import cost in the timing); their CPU-seconds say whether they got a
    core each (a ratio below 2 with CPU ≈ wall per process means other load took the cores)."""
    import multiprocessing as mp

    ctx = mp.get_context("fork")

    def run(k: int) -> tuple[float, float]:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        procs = [ctx.Process(target=_spin) for _ in range(k)]
        for p in procs:
            p.start()
        for p in procs:
            p.join()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        return time.perf_counter() - t, cpu

    (t1, c1), (t2, c2) = run(1), run(2)
    return {"one": t1, "two": t2, "ratio": 2 * t1 / t2, "cpu_one": c1, "cpu_two": c2}


def workers(n: int, mode: str, runs: int) -> None:
    admin = os.environ["CANDOR_TEST_POSTGRES_URL"]
    results: dict[int, list[dict[str, Any]]] = {1: [], 2: []}
    ceilings: list[dict[str, float]] = []
    print(
        f"PostgreSQL, text merge of {n:,} recipients, {mode}, {runs} run(s) of 1 then 2 workers, "
        f"each pair after a ceiling measurement; load {_load()}"
    )
    for _ in range(runs):
        ceilings.append(_ceiling())
        for count in (1, 2):
            results[count].append(_workers_run(n, mode, count, admin))
    print(
        f"{'':<10}{'seconds':>8}{'letters/s':>10}{'workers CPU-s (user+sys) each':>33}"
        f"{'per worker CPU-s':>18}{'PG CPU-s':>9}{'bench CPU-s':>12}"
        f"   prepare/chunks/finish s  tail s  (chunks, busy s) per worker   load"
    )
    for count in (1, 2):
        for r in results[count]:
            each = " ".join(f"{u + y:.1f}({u:.1f}+{y:.1f})" for u, y in r["each"])
            wcpu = r["w_user"] + r["w_sys"]
            print(
                f"{count} worker{'s' if count > 1 else ' '}{r['seconds']:>9.2f}"
                f"{n / r['seconds']:>10,.0f}{each:>33}{n / wcpu:>18,.0f}{r['pg']:>9.2f}"
                f"{r['bench']:>12.2f}   {r['prepare']:.2f} / {r['chunks']:.2f} / {r['finish']:.2f}"
                f"{r['tail']:>10.2f}  {r['spread']}   {r['load']}"
            )
    for c in ceilings:
        print(
            f"ceiling: pure-Python work, 1 process {c['one']:.2f} s (CPU {c['cpu_one']:.2f}), "
            f"2 processes × the same work {c['two']:.2f} s (CPU {c['cpu_two']:.2f}): "
            f"throughput x{c['ratio']:.2f}"
        )
    one = statistics.median(r["seconds"] for r in results[1])
    two = statistics.median(r["seconds"] for r in results[2])
    ceiling = statistics.median(c["ratio"] for c in ceilings)
    cpu1 = statistics.median(r["w_user"] + r["w_sys"] + r["pg"] for r in results[1])
    serial1 = statistics.median(r["prepare"] + r["finish"] for r in results[1])
    print(
        f"medians: 1 worker {one:.2f} s, 2 workers {two:.2f} s, speed-up {one / two:.2f}x; "
        f"the machine's 2-process ceiling in the same window x{ceiling:.2f} "
        f"(speed-up / ceiling = {one / two / ceiling:.0%})"
    )
    print(
        f"1 worker: {cpu1:.2f} CPU-s of worker + PostgreSQL for {one:.2f} s wall; "
        f"prepare + finish phases {serial1:.2f} s (with one worker the prepare phase is the "
        "whole cut; with two, only the first chunk's cut and the finish are serial)"
    )
    per_worker = n / one
    print(
        f"projected 10M recipients at {per_worker:,.0f} letters/s per worker (one core each, linear):"
    )
    for w in (1, 2, 8, 32):
        print(f"  {w:>3} workers: {10_000_000 / (per_worker * w) / 3600:6.2f} h")


def _load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def _wait_ready(logs: list[Path], timeout: float = 180.0) -> None:
    """Wait until each worker logged that it takes tasks (a loaded machine needs more than a
    fixed pause: a worker still importing would be measured as part of the merge)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all("taking tasks from queue" in log.read_text(errors="replace") for log in logs):
            time.sleep(1.0)  # its procrastinate connection and first fetch
            return
        time.sleep(0.2)
    raise RuntimeError(f"workers not ready after {timeout:.0f} s: {[str(p) for p in logs]}")


def _workers_run(n: int, mode: str, count: int, admin: str) -> dict[str, Any]:
    """One merge by ``count`` fresh `candor worker` processes; seconds, phases and CPU."""
    from sqlalchemy import select
    from support.storedb import _pg_database, _pg_drop, server_env

    from app.export import jobs
    from app.export.runner import ProcrastinateRunner, ensure_schema
    from app.store.db import Database
    from app.store.merge_models import MergeJob
    from app.store.migrate import upgrade

    tmp = Path(tempfile.mkdtemp(prefix="bench-workers-"))
    name, url = _pg_database(admin)
    procs: list[subprocess.Popen] = []  # type: ignore[type-arg]
    try:
        db = Database.from_url(url)
        upgrade(db.engine)
        ensure_schema(url)
        env = server_env(url, tmp, CANDOR_JOBS="workers")
        src = tmp / "r.csv"
        write_recipients(src, n, STATES_12)
        with db.sessions() as s:
            job = jobs.create_job(
                s,
                Path(env["CANDOR_EXPORT_DIR"]),
                plan=plan_for(STATES_12),
                upload=src,
                fmt="text",
                mode=mode,
                incident_id=None,
                created_by=None,
                chunk_size=2000,
            )
        logs = [tmp / f"worker{i}.log" for i in range(count)]
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "app.cli", "worker"],
                env=env,
                cwd=ROOT,
                stdout=open(log, "wb"),
                stderr=subprocess.STDOUT,
            )
            for log in logs
        ]
        _wait_ready(logs)  # every worker imported and connected before the clock starts
        runner = ProcrastinateRunner(url)
        before = [_proc_cpu(p.pid) for p in procs]
        pg_before = {pid: _proc_cpu(pid) for pid in _backends(admin, name)}
        bench_cpu = time.process_time()
        t0, t = time.time(), time.perf_counter()
        with db.sessions() as s:
            jobs.start(s, runner, job)
        status = select(MergeJob.status).where(MergeJob.id == job)
        while True:  # one indexed read per 0.2 s: the benchmark's own load stays small
            with db.reads() as s:
                if s.scalar(status) in ("complete", "failed"):
                    break
            time.sleep(0.2)
        secs = time.perf_counter() - t
        bench_cpu = time.process_time() - bench_cpu
        with db.reads() as s:
            st = jobs.view(s, job)
        assert st["status"] == "complete" and st["done"] == n, st
        after = [_proc_cpu(p.pid) for p in procs]
        pg = sum(
            sum(_proc_cpu(pid)) - sum(pg_before.get(pid, (0.0, 0.0)))
            for pid in _backends(admin, name)
        )
        phases = _phases(db, job, t0)
        runner.shutdown()
        db.dispose()
        return {
            "seconds": secs,
            "w_user": sum(a[0] - b[0] for a, b in zip(after, before, strict=True)),
            "w_sys": sum(a[1] - b[1] for a, b in zip(after, before, strict=True)),
            "each": [(a[0] - b[0], a[1] - b[1]) for a, b in zip(after, before, strict=True)],
            "pg": pg,
            "bench": bench_cpu,
            "load": _load(),
            **phases,
        }
    finally:
        for p in procs:
            p.terminate()
            p.wait(30)
        _pg_drop(admin, name)
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("text")
    t.add_argument("--sizes", type=int, nargs="+", default=[100_000, 300_000])
    t.add_argument("--runs", type=int, default=3, help="runs per size (the median is printed)")
    t.add_argument(
        "--dir", type=Path, default=None, help="where the merges write (default: the temp folder)"
    )
    t.add_argument(
        "--modes", nargs="+", default=["per-recipient", "per-variant"], help="merge modes to run"
    )
    p = sub.add_parser("pdf")
    p.add_argument("--letters", type=int, default=400)
    p.add_argument("--single", type=int, default=30)
    w = sub.add_parser("workers")
    w.add_argument("--n", type=int, default=60_000)
    w.add_argument("--mode", default="per-variant", choices=("per-recipient", "per-variant"))
    w.add_argument("--runs", type=int, default=1, help="runs of each (the median is printed)")
    c = sub.add_parser("child")
    c.add_argument("kind")
    c.add_argument("n", type=int)
    c.add_argument("tmp")
    c.add_argument("--mode", default="per-recipient")
    args = ap.parse_args()
    if args.cmd == "child":
        fn = {"sharded": _sharded_text, "cli": _cli_text}.get(args.kind, _engine_text)
        print(json.dumps(fn(args.n, Path(args.tmp), args.mode)))
    elif args.cmd == "text":
        text(args.sizes, args.runs, args.dir, tuple(args.modes))
    elif args.cmd == "pdf":
        pdf(args.letters, args.single)
    else:
        workers(args.n, args.mode, args.runs)


if __name__ == "__main__":
    main()
