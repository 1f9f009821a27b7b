"""Scale benchmark of the sharded merge (issue 16): a report, not a test (medians, in-run baselines).

    .venv/bin/python bench/bench_scale.py text --sizes 100000 300000     # letters/s + peak RSS
    .venv/bin/python bench/bench_scale.py pdf --letters 400 --single 30  # bulk PDF vs WeasyPrint
    CANDOR_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:55432/postgres \\
        .venv/bin/python bench/bench_scale.py workers --n 60000          # 1 vs 2 worker processes

- text: the sharded merge (prepare + chunk tasks, the database recording every recipient under its
  unique constraints, SQLite in a temporary folder) run in a fresh subprocess per size, text format,
  per-recipient files; letters/s per core (one process, one core) and the process's peak RSS
  (ru_maxrss). Baseline in the same run: the single-process engine (``run_merge``) on the
  smallest size.
- pdf: the bulk PDF path (variant laid out once, recipients' words overlaid) vs WeasyPrint
  rendering the same letters one at a time (``render_pdf``), same process, same letters, medians
  of 3 runs each, after a warm-up of both.
- workers: on PostgreSQL, the same merge run by 1 and then 2 `candor worker` processes (each
  started fresh); seconds from queueing to complete, speed-up, and the projected time for 10M
  recipients on N workers from the measured per-worker rate (a calculation, not a measurement).
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
from pathlib import Path

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


def _sharded_text(n: int, tmp: Path) -> dict[str, float]:
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
    cpu, sys_cpu = time.process_time(), _sys_cpu()
    t = time.perf_counter()
    with db.sessions() as s:
        job = jobs.create_job(
            s,
            settings.EXPORT_DIR,
            plan=plan_for(STATES_12),
            upload=src,
            fmt="text",
            mode="per-recipient",
            incident_id=None,
            created_by=None,
            chunk_size=settings.MERGE_CHUNK_SIZE,
        )
        jobs.start(s, runner, job)
    runner.wait(job)
    secs, cpu, sys_cpu = time.perf_counter() - t, time.process_time() - cpu, _sys_cpu() - sys_cpu
    with db.reads() as s:
        st = jobs.view(s, job, runner)
    assert st["status"] == "complete" and st["done"] == n, st
    return {
        "n": n,
        "seconds": secs,
        "cpu": cpu,
        "sys": sys_cpu,
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _engine_text(n: int, tmp: Path) -> dict[str, float]:
    """Child: the single-process engine (baseline)."""
    from app.export.merge import run_merge

    src = tmp / "r.csv"
    write_recipients(src, n, STATES_12)
    cpu, sys_cpu = time.process_time(), _sys_cpu()
    t = time.perf_counter()
    run_merge(plan_for(STATES_12), src, tmp / "out", fmt="text")
    secs, cpu, sys_cpu = time.perf_counter() - t, time.process_time() - cpu, _sys_cpu() - sys_cpu
    return {
        "n": n,
        "seconds": secs,
        "cpu": cpu,
        "sys": sys_cpu,
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _child(kind: str, n: int) -> dict[str, float]:
    tmp = Path(tempfile.mkdtemp(prefix=f"bench-{kind}-"))
    try:
        proc = subprocess.run(
            [sys.executable, __file__, "child", kind, str(n), str(tmp)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def text(sizes: list[int]) -> None:
    base = _child("engine", sizes[0])
    print(
        f"{'text merge, one process':<40}{'recipients':>11}{'letters/s':>11}{'per CPU-s':>11}"
        f"{'system CPU':>12}{'peak RSS MB':>13}"
    )

    def row(label: str, r: dict[str, float]) -> None:
        print(
            f"{label:<40}{r['n']:>11,}{r['n'] / r['seconds']:>11,.0f}{r['n'] / r['cpu']:>11,.0f}"
            f"{r['sys'] / r['cpu']:>11.0%} {r['maxrss_mb']:>12.0f}"
        )

    row("baseline: run_merge (single process)", base)
    for n in sizes:
        row("sharded (chunks + database rows)", _child("sharded", n))


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


def workers(n: int) -> None:
    from support.storedb import _pg_database, _pg_drop, server_env

    from app.export import jobs
    from app.export.runner import (
        ProcrastinateRunner,
        ensure_schema,
    )
    from app.store.db import Database
    from app.store.migrate import upgrade

    admin = os.environ["CANDOR_TEST_POSTGRES_URL"]
    results = {}
    for count in (1, 2):
        tmp = Path(tempfile.mkdtemp(prefix="bench-workers-"))
        name, url = _pg_database(admin)
        procs = []
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
                    mode="per-recipient",
                    incident_id=None,
                    created_by=None,
                    chunk_size=2000,
                )
            procs = [
                subprocess.Popen(
                    [sys.executable, "-m", "app.cli", "worker"],
                    env=env,
                    cwd=ROOT,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                for _ in range(count)
            ]
            time.sleep(3)  # workers up (imports, connection) before the clock starts
            runner = ProcrastinateRunner(url)
            t = time.perf_counter()
            with db.sessions() as s:
                jobs.start(s, runner, job)
            while True:
                with db.reads() as s:
                    st = jobs.view(s, job)
                if st["status"] in ("complete", "failed"):
                    break
                time.sleep(0.2)
            results[count] = time.perf_counter() - t
            assert st["status"] == "complete" and st["done"] == n, st
            runner.shutdown()
            db.dispose()
        finally:
            for p in procs:
                p.terminate()
                p.wait(30)
            _pg_drop(admin, name)
            shutil.rmtree(tmp, ignore_errors=True)
    one, two = results[1], results[2]
    per_worker = n / one
    print(f"{'PostgreSQL, text merge of':<28}{n:,} recipients")
    print(f"{'1 worker':<28}{one:8.1f} s  {n / one:10,.0f} letters/s")
    print(f"{'2 workers':<28}{two:8.1f} s  {n / two:10,.0f} letters/s   speed-up {one / two:.2f}x")
    print(
        f"projected 10M recipients at {per_worker:,.0f} letters/s per worker (one core each, linear):"
    )
    for w in (1, 2, 8, 32):
        print(f"  {w:>3} workers: {10_000_000 / (per_worker * w) / 3600:6.2f} h")


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("text")
    t.add_argument("--sizes", type=int, nargs="+", default=[100_000, 300_000])
    p = sub.add_parser("pdf")
    p.add_argument("--letters", type=int, default=400)
    p.add_argument("--single", type=int, default=30)
    w = sub.add_parser("workers")
    w.add_argument("--n", type=int, default=60_000)
    c = sub.add_parser("child")
    c.add_argument("kind")
    c.add_argument("n", type=int)
    c.add_argument("tmp")
    args = ap.parse_args()
    if args.cmd == "child":
        fn = _sharded_text if args.kind == "sharded" else _engine_text
        print(json.dumps(fn(args.n, Path(args.tmp))))
    elif args.cmd == "text":
        text(args.sizes)
    elif args.cmd == "pdf":
        pdf(args.letters, args.single)
    else:
        workers(args.n)


if __name__ == "__main__":
    main()
