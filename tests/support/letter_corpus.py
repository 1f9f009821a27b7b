"""The labelled letter corpus (tests/fixtures/letters/) and how detection is scored on it.

Shared by the corpus test (tests/checks/test_detection_corpus.py) and the labelling-agreement test
(tests/checks/test_label_agreement.py): which letters are labelled, which part of the corpus each
is in, and per-element tp/fp/fn counts with their precision, recall and macro-F1.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import yaml

from app.checks.context import CheckContext
from app.checks.engine import run_rule
from app.checks.legal import detect_all
from app.checks.text import segment
from app.core.config import PROJECT_ROOT

CORPUS = PROJECT_ROOT / "tests" / "fixtures" / "letters"
APOLOGY = "apology (regret)"


def corpus_data() -> dict[Path, dict]:
    out = {}
    for p in sorted(CORPUS.glob("*.labels.yml")):
        letter = p.with_name(p.name.replace(".labels.yml", ".md"))
        data = yaml.safe_load(p.read_text()) or {}
        if (
            letter.exists() and "elements" in data
        ):  # only letters labelled for elements are evaluated
            out[letter] = data
    return out


def corpus_labels() -> dict[Path, set[str]]:
    return {letter: set(d["elements"] or []) for letter, d in corpus_data().items()}


def evaluated_ids(labels: dict[Path, set[str]]) -> list[str]:
    readme = CORPUS / "README.md"
    ids = re.findall(r"^\| `([a-z_]+)` \|", readme.read_text(), re.M) if readme.exists() else []
    return sorted(set(ids)) or sorted(set().union(*labels.values()))


def apology_detected(text: str, rulebook) -> bool:  # type: ignore[no-untyped-def]
    ctx = CheckContext(doc=segment(text), rulebook=rulebook)
    run_rule("empathy.regret", rulebook.rules["empathy.regret"], ctx)
    return any(c.component == "regret" and c.detected for c in ctx.empathy)


def part(data: dict) -> str:
    """Which part of the corpus a letter's labels put it in: ours, elsewhere or held-out."""
    if data.get("origin", "ours") != "elsewhere":
        return "ours"
    return "held-out" if data.get("heldout") else "elsewhere"


PARTS = ("ours", "elsewhere", "held-out")


def score(rulebook, origin: str | None = None) -> tuple[dict[str, Counter], list[str]]:  # type: ignore[no-untyped-def]
    """Per-element tp/fp/fn/tn on the letters of one part ("ours", "elsewhere", "held-out") or all."""
    data = corpus_data()
    evaluated = evaluated_ids(corpus_labels())
    table: dict[str, Counter] = {e: Counter() for e in [*evaluated, APOLOGY]}
    misses = []
    for letter, d in data.items():
        if origin is not None and part(d) != origin:
            continue
        truth = set(d["elements"] or [])
        text = letter.read_text()
        found = detect_all(segment(text), rulebook.elements, set(evaluated))
        pairs = [(e, found[e] is not None, e in truth) for e in evaluated]
        if "apology" in d:
            pairs.append((APOLOGY, apology_detected(text, rulebook), d["apology"] == "full"))
        for e, pred, real in pairs:
            table[e]["tp" if pred and real else "fp" if pred else "fn" if real else "tn"] += 1
            if pred != real:
                misses.append(f"{'FP' if pred else 'FN'} {e} in {letter.name}")
    return table, misses


def totals(table: dict[str, Counter]) -> tuple[float, float, float]:
    tp = sum(c["tp"] for c in table.values())
    fp = sum(c["fp"] for c in table.values())
    fn = sum(c["fn"] for c in table.values())
    precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    f1s = [
        2 * c["tp"] / max(2 * c["tp"] + c["fp"] + c["fn"], 1)
        for c in table.values()
        if c["tp"] + c["fn"] + c["fp"]
    ]
    return precision, recall, sum(f1s) / max(len(f1s), 1)


def print_tables(tables: dict[str, dict[str, Counter]]) -> None:
    names = list(tables)
    print("\n" + f"{'element':32}" + "".join(f" | {n:^26}" for n in names))
    print(f"{'':32}" + " | tp  fp  fn  prec  recall" * len(names))
    for e in next(iter(tables.values())):
        row = f"{e:32}"
        for n in names:
            c = tables[n][e]
            p, r = c["tp"] / max(c["tp"] + c["fp"], 1), c["tp"] / max(c["tp"] + c["fn"], 1)
            row += f" | {c['tp']:3} {c['fp']:3} {c['fn']:3} {p:5.2f} {r:6.2f}"
        print(row)
    for n in names:
        print_totals(n, tables[n])


def print_totals(name: str, table: dict[str, Counter]) -> None:
    p, r, f1 = totals(table)
    print(f"OVERALL {name:10}: precision {p:.3f}  recall {r:.3f}  macro-F1 {f1:.3f}")
