"""Median time to draft one letter vs a bare Jinja render of the same template (the floor).

    .venv/bin/python bench/bench_render.py [--repeat 400]
    .venv/bin/python bench/bench_render.py --baseline 66dcdf6 [--rounds 5] [--clock cpu]

The draft, the floor and the fresh draft are timed alternately, one call of each per round, so the ratio holds on a
busy machine. The floor renders the same compiled template with a precomputed context, so the
difference is what Candor adds: building the LetterContext from facts and tidying the Markdown.

"fresh" drafts a different facts object every time (its organisation name, summary and each
remediation sentence carry a tag of their own), so no cache keyed by the facts or their text
can answer: the same-facts figure is what the editor's re-render and a mail merge see, the fresh
one what a new incident sees.

`--baseline REV` also measures REV's code in the same run (bench/baseline.py: a temporary git
worktree of REV, run with this interpreter): `--rounds` child processes per side, alternating,
each side with its own rules, templates and example facts. It prints each side's median draft
time per case and this tree's time over the baseline's. `--root DIR --json` is that child.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import baseline  # noqa: E402

CASES = [
    ("US-HIPAA", "plain"),
    ("US-CA", "empathetic"),
    ("US-MA", "formal"),
    ("EU-GDPR", "formal"),
]


CLOCKS = {"wall": time.perf_counter, "cpu": time.thread_time}
"""`cpu` counts only the time this thread ran: on a shared machine a draft that is preempted
half-way is not charged for the other processes' turn (caches they evict still are)."""
clock = CLOCKS["wall"]


def _medians_us(*calls, repeat: int) -> list[float]:
    """Median µs of each of `calls`, timed alternately (one of each per round), so a busy
    machine slows them alike and their ratios stay meaningful."""
    for _ in range(20):
        for call in calls:
            call()
    times: list[list[float]] = [[] for _ in calls]
    for _ in range(repeat):
        for call, spent in zip(calls, times, strict=True):
            t = clock()
            call()
            spent.append(clock() - t)
    return [statistics.median(spent) * 1e6 for spent in times]


def _tag(i: int) -> str:
    """`ba`, `bb`, ...: a distinct tag of letters only (a digit would make the summary date-like)."""
    out = ""
    while True:
        out = "abcdefghijklmnopqrstuvwxyz"[i % 26] + out
        i //= 26
        if not i:
            return "b" + out


def fresh_facts(facts, n: int) -> list:
    """`n` copies of `facts`, each with its own organisation name, summary and remediation text."""
    out = []
    for i in range(n):
        tag = _tag(i)
        out.append(
            facts.model_copy(
                update={
                    "organisation": facts.organisation.model_copy(
                        update={"name": f"{facts.organisation.name} {tag}"}
                    ),
                    "incident": facts.incident.model_copy(
                        update={"summary": f"{facts.incident.summary or ''} Ref {tag}."}
                    ),
                    "remediation": [f"{r} Ref {tag}." for r in facts.remediation],
                }
            )
        )
    return out


def measure(root: Path, repeat: int) -> dict[str, tuple[float, float, float]]:
    """Case → (draft µs, floor µs, fresh-facts draft µs) for the code, rules, templates and
    example under `root`."""
    sys.path.insert(0, str(root))
    from app.domain.facts import IncidentFacts
    from app.letters.context import build_context
    from app.letters.drafting import draft_letter
    from app.letters.render import context_vars, letter_environment, template_name
    from app.rulebook.loader import load_rulebook

    templates = root / "templates" / "letters"
    rb = load_rulebook(root / "rules")
    facts = IncidentFacts.model_validate(
        json.loads((root / "examples" / "hospital-ransomware.json").read_text())
    )
    env = letter_environment(str(templates))
    out = {}
    for jurisdiction, tone in CASES:
        if jurisdiction not in rb.jurisdictions:
            continue
        ctx = build_context(facts, rb, jurisdiction=jurisdiction, tone=tone)
        variables = context_vars(ctx)
        template = env.get_template(template_name(tone))
        new = iter(fresh_facts(facts, repeat + 20))
        full, floor, fresh = _medians_us(
            lambda t=tone, j=jurisdiction: draft_letter(
                facts, rb, templates, tone=t, jurisdiction=j
            ),
            lambda t=template, v=variables: t.render(v),
            lambda t=tone, j=jurisdiction, new=new: draft_letter(
                next(new), rb, templates, tone=t, jurisdiction=j
            ),
            repeat=repeat,
        )
        out[f"{jurisdiction} / {tone}"] = (full, floor, fresh)
    return out


def compare(rev: str, rounds: int, repeat: int, clock_name: str) -> None:
    """This tree beside REV: child processes alternating, medians over rounds per side."""
    results: dict[str, dict[str, list[tuple[float, ...]]]] = {baseline.THIS: {}, "baseline": {}}
    print(f"before: {baseline.load()}")
    with baseline.checkout(rev) as tree:
        for side, root in baseline.rounds(rounds, tree):
            out = subprocess.run(
                [
                    *(sys.executable, __file__, "--root", str(root), "--json"),
                    *("--repeat", str(repeat), "--clock", clock_name),
                ],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            for case, pair in json.loads(out).items():
                results[side].setdefault(case, []).append(tuple(pair))
    print(f"after:  {baseline.load()}")
    print(
        f"medians of {rounds} alternating runs per side, {repeat} drafts each, {clock_name} "
        f"time; baseline = {rev}"
    )
    print(
        "µs per draft (same facts each time | fresh facts each time); floor: the bare template render"
    )
    print(
        f"{'case':24} {'this':>7} {'fresh':>7} {'floor':>6} "
        f"{'base':>7} {'fresh':>7} {'floor':>6}  this / baseline (same | fresh facts)"
    )
    for case in results[baseline.THIS]:
        row = []
        for side in (baseline.THIS, "baseline"):
            runs = results[side].get(case, [])
            row.append(tuple(baseline.median([r[k] for r in runs]) for k in range(3)))
        (tf, tfl, tfr), (bf, bfl, bfr) = row
        print(
            f"{case:24} {tf:7.1f} {tfr:7.1f} {tfl:6.1f} {bf:7.1f} {bfr:7.1f} {bfl:6.1f}"
            f"  {baseline.verdict(tf, bf, higher_is_better=False)}"
            f" | {baseline.verdict(tfr, bfr, higher_is_better=False)}"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=400, help="drafts per case per run")
    ap.add_argument("--baseline", metavar="REV", help="also measure REV's code, alternating")
    ap.add_argument("--rounds", type=int, default=5, help="runs per side with --baseline")
    ap.add_argument(
        "--clock", choices=CLOCKS, default="wall", help="wall time, or this thread's CPU time"
    )
    ap.add_argument("--root", type=Path, default=baseline.ROOT, help=argparse.SUPPRESS)
    ap.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.baseline:
        compare(args.baseline, args.rounds, args.repeat, args.clock)
        return
    global clock
    clock = CLOCKS[args.clock]
    results = measure(args.root.resolve(), args.repeat)
    if args.json:
        print(json.dumps(results))
        return
    print(f"{'case':38} {'candor µs':>10} {'fresh µs':>10} {'floor µs':>10} {'ratio':>6}")
    for case, (full, floor, fresh) in results.items():
        print(f"{case:38} {full:10.1f} {fresh:10.1f} {floor:10.1f} {full / floor:6.2f}x")


if __name__ == "__main__":
    main()
