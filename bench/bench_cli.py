"""Benchmark: `candor check` as a whole process vs proselint's CLI on the same 800-word letter.

Both commands run as fresh processes, alternating (candor, proselint, candor, ...), so load on
the machine hits both alike; prints each one's median wall time and median CPU time (user +
system of the child process, steadier than wall time on a busy machine) and both ratios
(aim: <= 1).
The caches a developer's machine keeps between runs (compiled rulebook, syllable table) are
warmed by one untimed run first, as after installing; `--cold-cache` points Candor at an empty
cache folder every time instead. proselint is a dev dependency, installed for this bench only.

    .venv/bin/python bench/bench_cli.py [--runs 15] [--grammar]
"""

from __future__ import annotations

import argparse
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
BIN = Path(sys.executable).parent


def letter(path: Path) -> None:
    """An 800-word letter: a fixture letter written by others, extended with a second one."""
    words = []
    for name in (
        "17_legalistic_law_firm_multistate.md",
        "31_maryland_file_transfer_vulnerability.md",
    ):
        words += (ROOT / "tests" / "fixtures" / "letters" / name).read_text().split(" ")
    path.write_text(" ".join(words[:800]))


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU milliseconds of one run of `cmd` as a fresh process."""
    c0, t0 = _cpu(), time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return (time.perf_counter() - t0) * 1000, (_cpu() - c0) * 1000


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument(
        "--grammar", action="store_true", help="Leave the grammar check on (the default engine)."
    )
    ap.add_argument(
        "--cold-cache", action="store_true", help="An empty cache folder for every Candor run."
    )
    args = ap.parse_args()
    proselint = shutil.which("proselint", path=str(BIN)) or shutil.which("proselint")
    if proselint is None:
        print("proselint is not installed (pip install -e '.[dev]'); nothing to compare with")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        text = Path(tmp) / "letter.md"
        letter(text)
        cache = Path(tmp) / "cache"
        env = {**os.environ, "CANDOR_CACHE_DIR": str(cache)}
        candor = [str(BIN / "candor"), "check", str(text)] + (
            [] if args.grammar else ["--no-grammar"]
        )
        lint = [proselint, "check", str(text)]
        timed(candor, env)  # build the caches once, as the first run after installing does
        timed(lint, env)
        ours, theirs = [], []
        for _ in range(args.runs):
            if args.cold_cache:
                shutil.rmtree(cache, ignore_errors=True)
            ours.append(timed(candor, env))
            theirs.append(timed(lint, env))
        a, b = statistics.median(w for w, _ in ours), statistics.median(w for w, _ in theirs)
        ca, cb = statistics.median(c for _, c in ours), statistics.median(c for _, c in theirs)
        mode = "grammar on" if args.grammar else "grammar off"
        print(
            f"letter: {len(text.read_text().split())} words; runs: {args.runs}, alternating; medians of whole processes"
        )
        label = f"candor check ({mode}{', cold cache' if args.cold_cache else ''})"
        print(f"  {label:34} {a:9.1f} ms wall {ca:9.1f} ms CPU")
        print(f"  {'proselint check':34} {b:9.1f} ms wall {cb:9.1f} ms CPU")
        print(f"  candor / proselint = {a / b:.2f}x wall, {ca / cb:.2f}x CPU (aim <= 1)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
