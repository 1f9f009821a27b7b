"""Benchmark: `candor corpus` throughput (letters per second, grammar off) next to the bare check.

Prints medians of several rounds (no asserts; not part of the test pass/fail). Each round
measures a fresh copy of the fixture corpus (tests/fixtures/letters, every letter given a
unique closing line so no per-text cache helps) with every per-text cache cleared first:

* corpus scan  — `app.corpus.scan.measure` per letter (what `candor corpus` does per file);
* bare check   — `run_checks` per letter, every rule, grammar off (the in-run baseline: what
                 `candor check --no-grammar` costs per letter);
* table        — `summarise` over the rows (the corpus table itself).

One warm-up round is not counted: the rules' literal scanner grows while the first letters are
checked and then stays, so a large folder runs at the steady-state rate measured here.

The target (issue #21) is ≥ 50 letters/s for the corpus scan on this machine. The machine is
shared (2 cores, several engineers' test runs), so the wall-clock rate moves with the load;
the CPU-time rate of this process is printed beside it, and the bare check of the same round
is the baseline to compare with.

    .venv/bin/python bench/bench_corpus.py [--rounds 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.checks.engine import clear_caches, run_checks  # noqa: E402
from app.core.config import Settings  # noqa: E402
from app.corpus.scan import families, letter_files, measure  # noqa: E402
from app.corpus.summary import summarise  # noqa: E402
from app.rulebook.loader import load_rulebook  # noqa: E402


def corpus(round_no: int) -> list[tuple[str, str]]:
    folder = ROOT / "tests" / "fixtures" / "letters"
    return [
        (p.name, p.read_text() + f"\n\nReference {round_no}-{i}: please keep this letter.\n")
        for i, p in enumerate(letter_files(folder))
    ]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()
    settings = Settings()
    rb = load_rulebook(ROOT / "rules")
    fams = families(rb)
    for name, text in corpus(-1):  # warm-up round, not counted: imports, compiled regexes, the
        measure(
            name, text, rb, settings, ()
        )  # literal scanner (it grows as rules ask for literals,
        run_checks(
            text, rulebook=rb, settings=settings, grammar=False
        )  # then stays: a big folder is steady state)
    rates: dict[str, list[float]] = {"scan": [], "scan_cpu": [], "check": [], "check_cpu": []}
    table_ms: list[float] = []
    n = 0
    for r in range(args.rounds):
        letters = corpus(2 * r)
        n = len(letters)
        clear_caches()
        t0, c0 = time.perf_counter(), time.process_time()
        rows = [measure(name, text, rb, settings, ()) for name, text in letters]
        rates["scan"].append(n / (time.perf_counter() - t0))
        rates["scan_cpu"].append(n / (time.process_time() - c0))
        t0 = time.perf_counter()
        summarise(rows, fams)
        table_ms.append((time.perf_counter() - t0) * 1000)
        letters = corpus(2 * r + 1)
        clear_caches()
        t0, c0 = time.perf_counter(), time.process_time()
        for _, text in letters:
            run_checks(text, rulebook=rb, settings=settings, grammar=False)
        rates["check"].append(n / (time.perf_counter() - t0))
        rates["check_cpu"].append(n / (time.process_time() - c0))
    med = {k: statistics.median(v) for k, v in rates.items()}
    print(
        f"{n} letters per round, {args.rounds} rounds, medians (wall clock; CPU time of this process):"
    )
    print(f"  corpus scan   {med['scan']:7.1f} letters/s   ({med['scan_cpu']:6.1f} letters/CPU-s)")
    print(
        f"  bare check    {med['check']:7.1f} letters/s   ({med['check_cpu']:6.1f} letters/CPU-s)  run_checks, every rule, grammar off"
    )
    print(f"  table         {statistics.median(table_ms):7.2f} ms for the summary of {n} rows")
    print(
        f"  scan / check  {med['scan'] / med['check']:7.2f}x wall, {med['scan_cpu'] / med['check_cpu']:.2f}x CPU"
    )


if __name__ == "__main__":
    main()
