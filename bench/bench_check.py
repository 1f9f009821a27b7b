"""Benchmark: the full check (grammar off) of an 800-word letter, next to proselint (in-run baseline).

Prints medians of one run (no asserts; not part of the test pass/fail):

* full check   — `run_checks` with every rule, three jurisdictions, facts, grammar off;
* proselint    — proselint's full lint of the same text (a peer prose checker, the baseline).

Each iteration checks a fresh variant of the letter (a unique closing sentence) with every
per-text cache cleared (`engine.clear_caches()`), so "cold" numbers are what a new letter costs;
the "warm" line re-checks the same letter with one sentence edited, as the editor does while
typing. The letter is the same 800 words joined into one line (comparable with earlier sessions);
the "paragraphs kept" line checks those words with the text's own paragraph breaks, as a user's
letter has them, where paragraph-scope rules read a paragraph, not the whole letter. Target (issue 14): the cold full check <= 10 ms for 800 words.

    .venv/bin/python bench/bench_check.py [--runs 30]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.checks import syllables  # noqa: E402
from app.checks.engine import clear_caches, run_checks  # noqa: E402
from app.core.config import Settings  # noqa: E402
from app.domain.facts import IncidentFacts  # noqa: E402
from app.letters.drafting import draft_letter  # noqa: E402
from app.rulebook.loader import load_rulebook  # noqa: E402


def letter_of_800_words(
    settings: Settings, rulebook, keep_paragraphs: bool = False
) -> tuple[str, IncidentFacts]:  # type: ignore[no-untyped-def]
    """The drafted US-CA letter topped up from a corpus letter to 800 words. By default its words
    are joined by single spaces (one 5,000-character line: the figure kept comparable across
    sessions); `keep_paragraphs` cuts at the 800th word and keeps the text's own line and paragraph
    breaks, as a letter a user writes has them."""
    facts = IncidentFacts.model_validate(
        json.loads((ROOT / "examples" / "hospital-ransomware.json").read_text())
    )
    text = draft_letter(
        facts, rulebook, settings.TEMPLATES_DIR, tone="formal", jurisdiction="US-CA"
    ).text
    extra = (
        (ROOT / "tests" / "fixtures" / "letters" / "17_legalistic_law_firm_multistate.md")
        .read_text()
        .split("\n\n")
    )
    i = 0
    while len(text.split()) < 800 and i < len(extra):
        text += "\n\n" + extra[i]
        i += 1
    if keep_paragraphs:
        words = list(re.finditer(r"\S+", text))
        return (text[: words[799].end()] if len(words) > 800 else text), facts
    words = text.split()
    return " ".join(words[:800]) if len(words) > 800 else text, facts


CPU: dict[str, float] = {}
"""Median CPU time (this process) per measured line: steadier than wall time on a shared machine."""


def median_ms(fn, runs: int, name: str = "") -> float:  # type: ignore[no-untyped-def]
    times, cpu = [], []
    for i in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        fn(i)
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    CPU[name] = statistics.median(cpu)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=30)
    args = ap.parse_args()
    settings = Settings()
    syllables.configure(settings.cache_dir())
    syllables.table().index()  # as the server does at start-up
    rulebook = load_rulebook(settings.RULES_DIR)
    base, facts = letter_of_800_words(settings, rulebook)
    paragraphs, _ = letter_of_800_words(settings, rulebook, keep_paragraphs=True)

    def variant(letter: str, i: int) -> str:
        """`letter` with closing sentence `i`: a text no cache has seen."""
        return letter + f"\n\nReference number {i} for this letter is printed above."

    def check(letter: str, i: int) -> None:
        run_checks(
            variant(letter, i),
            rulebook=rulebook,
            settings=settings,
            facts=facts,
            jurisdictions=("US-CA", "US-MA", "US-HIPAA"),
            tone="formal",
            grammar=False,
        )

    def full(i: int) -> None:
        clear_caches()
        check(base, i)

    def warm(i: int) -> None:
        check(base, 1000 + i)

    def full_paragraphs(i: int) -> None:
        clear_caches()
        check(paragraphs, i)

    full(-1)
    cold_name, warm_name = "full check (cold)", "full check (warm, one sentence edited)"
    results = {cold_name: median_ms(full, args.runs, cold_name)}
    full_paragraphs(-1)
    para_name = "full check (cold, paragraphs kept)"
    results[para_name] = median_ms(full_paragraphs, args.runs, para_name)
    warm(-1)
    results[warm_name] = median_ms(warm, args.runs, warm_name)
    try:
        lint = _proselint()
        lint(base)
        results["proselint"] = median_ms(
            lambda i: lint(variant(base, 2000 + i)),
            max(5, args.runs // 3),
            "proselint",
        )
    except Exception as exc:
        results["proselint"] = float("nan")
        print(f"proselint not measured: {exc.__class__.__name__}: {exc}")
    print(
        f"letter: {len(base.split())} words, {len(base)} characters; runs: {args.runs}; medians in ms"
    )
    print(f"  {'':42} {'wall':>8} {'CPU':>8}")
    for name, ms in results.items():
        print(f"  {name:42} {ms:8.2f} {CPU.get(name, float('nan')):8.2f}")
    ratio = results[cold_name] / results["proselint"]
    cpu_ratio = CPU[cold_name] / CPU.get("proselint", float("nan"))
    print(
        f"  full (cold) / proselint = {ratio:.2f}x wall, {cpu_ratio:.2f}x CPU (aim < 1); "
        f"target: full check (cold) <= 10 ms"
    )


def _proselint():  # type: ignore[no-untyped-def]
    """proselint's lint function across its API versions."""
    try:
        from proselint.checks import __register__
        from proselint.registry import CheckRegistry
        from proselint.tools import DEFAULT, LintFile

        CheckRegistry().register_many(__register__)  # what proselint's command line does first
        return lambda t: LintFile("<bench>", t).lint(DEFAULT)
    except ImportError:
        from proselint.tools import lint

        return lambda t: lint(t)


if __name__ == "__main__":
    main()
