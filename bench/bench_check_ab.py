"""Benchmark: the full check of this checkout against another one, alternating one check at a time.

Why: on the shared machine one `bench_check.py` run's median moves by a third with the load,
more than most changes are worth. Two long-lived processes, one per checkout, that take turns
check by check (the order swapped every round) see the same load, so their CPU medians compare.
Each process imports its own checkout's `app` and builds `bench_check.py`'s letter; a cold check
clears every per-text cache first, a warm one re-checks with the closing sentence changed.

    .venv/bin/python bench/bench_check_ab.py OTHER_CHECKOUT [--checks 100] [--warm] [--same-letter]

(OTHER_CHECKOUT: e.g. `git worktree add /tmp/before main~3`, or a `git archive` unpacked.)
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def worker(warm: bool) -> None:
    """Check the bench letter once per line read (its number), print the CPU ms it took."""
    sys.path.insert(0, os.getcwd())  # the checkout this process measures
    from app.checks.engine import clear_caches, run_checks
    from app.core.config import Settings
    from app.rulebook.loader import load_rulebook
    from bench import bench_check

    settings = Settings()
    try:
        from app.checks import syllables
    except (
        ImportError
    ):  # checkouts before app/checks/syllables.py (e.g. 66dcdf6, 2026-11-27): textstat's tables
        bench_check.ensure_cmudict(settings.NLTK_DATA)  # type: ignore[attr-defined]
        import textstat

        textstat.flesch_kincaid_grade("Warm up the dictionary.")
        clear_all = bench_check.clear_candor_caches, bench_check.clear_textstat_caches  # type: ignore[attr-defined]
    else:
        syllables.configure(settings.cache_dir())
        syllables.table().index()
        clear_all = (clear_caches,)
    rulebook = load_rulebook(settings.RULES_DIR)
    base, facts = bench_check.letter_of_800_words(settings, rulebook)
    if os.environ.get("BENCH_LETTER"):  # --same-letter: this checkout's facts, the other's text
        base = Path(os.environ["BENCH_LETTER"]).read_text()

    def check(i: int) -> float:
        if not warm:
            for clear in clear_all:
                clear()
        text = base + f"\n\nReference number {i} for this letter is printed above."
        c0 = time.process_time()
        run_checks(
            text,
            rulebook=rulebook,
            settings=settings,
            facts=facts,
            jurisdictions=("US-CA", "US-MA", "US-HIPAA"),
            tone="formal",
            grammar=False,
        )
        return (time.process_time() - c0) * 1000

    for i in range(3):
        check(-1 - i)
    print("ready", flush=True)
    for line in sys.stdin:
        print(f"{check(int(line)):.4f}", flush=True)


def _this_letter() -> str:
    """This checkout's 800-word bench letter, written to a temporary file; returns its path."""
    import tempfile

    sys.path.insert(0, str(ROOT))
    from app.core.config import Settings
    from app.rulebook.loader import load_rulebook
    from bench.bench_check import letter_of_800_words

    settings = Settings()
    text, _ = letter_of_800_words(settings, load_rulebook(settings.RULES_DIR))
    with tempfile.NamedTemporaryFile("w", suffix=".md", delete=False) as f:
        f.write(text)
    return f.name


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("other", nargs="?", help="the other checkout's root")
    ap.add_argument("--checks", type=int, default=100)
    ap.add_argument("--warm", action="store_true")
    ap.add_argument(
        "--same-letter",
        action="store_true",
        help="both checkouts check this checkout's letter (by default each drafts its own)",
    )
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.warm)
        return
    if not args.other or not (Path(args.other) / "app").is_dir():
        ap.error("give the root of another checkout (a folder holding app/)")
    trees = {"other": Path(args.other).resolve(), "this": ROOT}
    command = [sys.executable, str(Path(__file__).resolve()), "--worker"] + (
        ["--warm"] if args.warm else []
    )
    env = dict(os.environ)
    if args.same_letter:
        env["BENCH_LETTER"] = _this_letter()
    procs = {
        name: subprocess.Popen(
            command, cwd=tree, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        for name, tree in trees.items()
    }
    for proc in procs.values():
        assert proc.stdin and proc.stdout and proc.stdout.readline().strip() == "ready"
    cpu: dict[str, list[float]] = {name: [] for name in procs}
    for i in range(args.checks):
        for name in list(procs)[:: 1 if i % 2 == 0 else -1]:
            proc = procs[name]
            proc.stdin.write(f"{i}\n")  # type: ignore[union-attr]
            proc.stdin.flush()  # type: ignore[union-attr]
            cpu[name].append(float(proc.stdout.readline()))  # type: ignore[union-attr]
    for proc in procs.values():
        proc.stdin.close()  # type: ignore[union-attr]
        proc.wait()
    kind = "warm, one sentence edited" if args.warm else "cold"
    letter = "the same letter (this checkout's)" if args.same_letter else "each its own letter"
    print(
        f"full check ({kind}), {letter}, {args.checks} checks each, CPU ms;"
        f" load {os.getloadavg()[0]:.1f}"
    )
    for name, values in cpu.items():
        q = statistics.quantiles(values, n=4)
        print(
            f"  {name:5} {trees[name]}: median {statistics.median(values):.2f}"
            f" (p25 {q[0]:.2f}, p75 {q[2]:.2f})"
        )
    ratio = statistics.median(cpu["this"]) / statistics.median(cpu["other"])
    print(f"  this / other = {ratio:.3f}")


if __name__ == "__main__":
    main()
