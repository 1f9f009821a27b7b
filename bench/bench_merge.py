"""Mail-merge benchmark: letters per second (text, PDF) and peak memory at 10k vs 100k recipients.

    .venv/bin/python bench/bench_merge.py            # full run (~2-3 minutes on 2 cores)
    .venv/bin/python bench/bench_merge.py --quick    # smaller sizes, for a smoke run

What it measures (median of a few runs each, no asserts — a report, not a test):

- floor: the least any merge must do per recipient — read the CSV row, fill the letter with
  ``str.replace``, write one file — with no rendering, no manifest, no resume bookkeeping;
- text: :func:`app.export.merge.run_merge` in text format, per-recipient files;
- pdf: the same in PDF (WeasyPrint), on a few hundred recipients (first letter's warm-up excluded);
- memory: the text merge of 10k and of 100k recipients, each in a fresh subprocess, reporting the
  tracemalloc peak (Python allocations) and ru_maxrss (whole process, incl. SQLite and C libraries).
  A flat engine shows a ratio near 1.0 although the list is 10x longer.

Recipients are synthetic (tests/support/recipients.py), 12 states, one variant per state.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from support.recipients import STATES_12, letter_text, plan_for, write_recipients  # noqa: E402

from app.export.merge import run_merge  # noqa: E402


def floor_run(src: Path, out: Path) -> float:
    """Read rows, fill with str.replace, write one file per row: the floor for any merge."""
    out.mkdir(parents=True)
    templates = {s: letter_text(s.lower()) for s in STATES_12}
    t = time.perf_counter()
    with open(src, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            text = (
                templates["US-" + row["region"]]
                .replace("[[recipient: name]]", row["name"])
                .replace("[[recipient: activation_code]]", row["activation_code"])
            )
            with open(out / f"{row['recipient_id']}.txt", "w", encoding="utf-8") as f:
                f.write(text)
    return time.perf_counter() - t


def engine_run(src: Path, out: Path, fmt: str) -> float:
    t = time.perf_counter()
    run_merge(plan_for(STATES_12), src, out, fmt=fmt)  # type: ignore[arg-type]
    return time.perf_counter() - t


def median_rate(fn, n: int, runs: int, tmp: Path, label: str) -> tuple[float, list[float]]:  # type: ignore[no-untyped-def]
    rates = []
    for i in range(runs):
        out = tmp / f"{label}-{i}"
        secs = fn(out)
        rates.append(n / secs)
        shutil.rmtree(out, ignore_errors=True)
    return statistics.median(rates), rates


def child(n: int, src: str, out: str) -> None:
    """Subprocess: one text merge under tracemalloc; print peak memory as JSON."""
    import app.export.text  # noqa: F401 - imports are not the merge's memory

    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    t = time.perf_counter()
    run_merge(plan_for(STATES_12), Path(src), Path(out), fmt="text")
    secs = time.perf_counter() - t
    _, peak = tracemalloc.get_traced_memory()
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "n": n,
                "tracemalloc_peak_mb": (peak - base) / 2**20,
                "maxrss_mb": rss_kb / 1024,
                "seconds": secs,
            }
        )
    )


def memory(n: int, tmp: Path) -> dict:  # type: ignore[type-arg]
    src = tmp / f"mem-{n}.csv"
    write_recipients(src, n, STATES_12)
    out = tmp / f"mem-{n}-out"
    proc = subprocess.run(
        [sys.executable, __file__, "--child", str(n), str(src), str(out)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    shutil.rmtree(out, ignore_errors=True)
    src.unlink()
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--child", nargs=3)
    args = ap.parse_args()
    if args.child:
        child(int(args.child[0]), args.child[1], args.child[2])
        return
    n_text, n_pdf, runs = (2000, 40, 3) if args.quick else (10_000, 200, 3)
    sizes = (2_000, 20_000) if args.quick else (10_000, 100_000)
    tmp = Path(tempfile.mkdtemp(prefix="bench-merge-"))
    try:
        src = tmp / "r.csv"
        write_recipients(src, n_text, STATES_12)
        pdf_src = tmp / "p.csv"
        write_recipients(pdf_src, n_pdf, STATES_12)
        warm = tmp / "w.csv"
        write_recipients(warm, 1, STATES_12)
        engine_run(
            warm, tmp / "warm", "pdf"
        )  # WeasyPrint import + fonts: once per process, not per letter
        floor, fr = median_rate(lambda o: floor_run(src, o), n_text, runs, tmp, "floor")
        text, tr = median_rate(lambda o: engine_run(src, o, "text"), n_text, runs, tmp, "text")
        pdf, pr = median_rate(lambda o: engine_run(pdf_src, o, "pdf"), n_pdf, 2, tmp, "pdf")
        print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
        print(f"{'run':<44}{'letters/s (median)':>20}   runs")
        print(
            f"{'floor: csv row + str.replace + file write':<44}{floor:>20,.0f}   "
            f"{[round(r) for r in fr]}  ({n_text} rows)"
        )
        print(
            f"{'merge text (per-recipient files)':<44}{text:>20,.0f}   "
            f"{[round(r) for r in tr]}  ({n_text} rows)"
        )
        print(
            f"{'merge pdf (per-recipient files)':<44}{pdf:>20,.1f}   "
            f"{[round(r, 1) for r in pr]}  ({n_pdf} rows)"
        )
        print(f"text merge / floor: {text / floor:.2f}x the floor's rate")
        small, big = (memory(n, tmp) for n in sizes)
        print()
        print(f"{'text merge memory':<26}{sizes[0]:>12,}{sizes[1]:>12,}{'ratio':>8}")
        for key, label in (
            ("tracemalloc_peak_mb", "tracemalloc peak (MB)"),
            ("maxrss_mb", "max RSS (MB)"),
            ("seconds", "seconds"),
        ):
            ratio = big[key] / small[key] if small[key] else float("nan")
            print(f"{label:<26}{small[key]:>12.2f}{big[key]:>12.2f}{ratio:>8.2f}")
        print(
            f"{'letters/s':<26}{sizes[0] / small['seconds']:>12,.0f}"
            f"{sizes[1] / big['seconds']:>12,.0f}"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
