"""Benchmark: the embedded grammar engine (Harper) on an 800-word letter — start-up, a new letter,
and the warm per-edit cost (one paragraph changed, the others served from the paragraph cache).

Prints medians (no asserts; not part of pass/fail). In-run baselines: the same letter re-checked
unchanged (every paragraph cached) and the rest of the check (`run_checks` with grammar off).

    .venv/bin/python bench/bench_grammar.py [--runs 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.checks.engine import run_checks  # noqa: E402
from app.checks.harper_checker import HarperChecker  # noqa: E402
from app.core.config import Settings  # noqa: E402
from app.rulebook.loader import load_rulebook  # noqa: E402


def letter() -> str:
    words: list[str] = []
    for name in (
        "17_legalistic_law_firm_multistate.md",
        "31_maryland_file_transfer_vulnerability.md",
    ):
        words += (ROOT / "tests" / "fixtures" / "letters" / name).read_text().split(" ")
    return " ".join(words[:800])


def median_ms(fn, runs: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for i in range(runs):
        t0 = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()
    text = letter()
    paragraphs = text.split("\n\n")
    t0 = time.perf_counter()
    checker = HarperChecker()
    checker.check("Warm up.")
    startup = (time.perf_counter() - t0) * 1000

    def new_letter(i: int) -> None:
        checker.clear_cache()
        checker.check(text + f"\n\nReference {i}.")

    def edited(i: int) -> None:
        k = i % len(paragraphs)
        changed = (
            paragraphs[:k] + [paragraphs[k] + f" We added sentence {i}."] + paragraphs[k + 1 :]
        )
        checker.check("\n\n".join(changed))

    def unchanged(i: int) -> None:
        checker.check(text)

    settings = Settings()
    rulebook = load_rulebook(settings.RULES_DIR)

    def rest(i: int) -> None:
        run_checks(
            text + f"\n\nReference {i}.", rulebook=rulebook, settings=settings, grammar=False
        )

    checker.check(text)
    results = {
        "Harper start-up (build linter, first lint)": startup,
        "new letter (every paragraph linted)": median_ms(new_letter, args.runs),
        "one paragraph edited (warm, per edit)": median_ms(edited, args.runs),
        "unchanged letter (all cached; baseline)": median_ms(unchanged, args.runs),
        "rest of the check, grammar off (baseline)": median_ms(rest, args.runs),
    }
    print(
        f"letter: {len(text.split())} words, {len(paragraphs)} paragraphs; runs: {args.runs}; medians in ms"
    )
    for name, ms in results.items():
        print(f"  {name:45} {ms:9.2f}")


if __name__ == "__main__":
    main()
