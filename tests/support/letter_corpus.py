"""The labelled letter corpus (tests/fixtures/letters/) and how detection is scored on it.

Shared by the corpus test (tests/checks/test_detection_corpus.py) and the labelling-agreement test
(tests/checks/test_label_agreement.py): which letters are labelled, which part of the corpus each
is in, and per-element tp/fp/fn counts with their precision, recall and macro-F1.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Sequence
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


def outcomes(rulebook, origin: str | None = None) -> list[tuple[str, list[tuple[str, bool, bool]]]]:  # type: ignore[no-untyped-def]
    """Per letter of one part (or all): its name and (element, detected, labelled) for each element."""
    data = corpus_data()
    evaluated = evaluated_ids(corpus_labels())
    rows = []
    for letter, d in data.items():
        if origin is not None and part(d) != origin:
            continue
        rows.append((letter.name, judged(letter, rulebook, evaluated, d)))
    return rows


def judged(
    letter: Path, rulebook, evaluated: list[str], labels: dict
) -> list[tuple[str, bool, bool]]:  # type: ignore[no-untyped-def]
    """(element, detected, labelled) for one letter against one labelling (`elements:`, `apology:`)."""
    text = letter.read_text()
    truth = set(labels["elements"] or [])
    found = detect_all(segment(text), rulebook.elements, set(evaluated))
    pairs = [(e, found[e] is not None, e in truth) for e in evaluated]
    if labels.get("apology") is not None:
        pairs.append((APOLOGY, apology_detected(text, rulebook), labels["apology"] == "full"))
    return pairs


def tabulate(
    rows: list[tuple[str, list[tuple[str, bool, bool]]]], elements: Sequence[str] = ()
) -> dict[str, Counter]:
    """Per-element tp/fp/fn/tn over letters' outcomes (`elements` first, each with a row even when empty)."""
    table: dict[str, Counter] = {e: Counter() for e in elements}
    for _, pairs in rows:
        for e, pred, real in pairs:
            table.setdefault(e, Counter())[
                "tp" if pred and real else "fp" if pred else "fn" if real else "tn"
            ] += 1
    return table


def score(rulebook, origin: str | None = None) -> tuple[dict[str, Counter], list[str]]:  # type: ignore[no-untyped-def]
    """Per-element tp/fp/fn/tn on the letters of one part ("ours", "elsewhere", "held-out") or all."""
    rows = outcomes(rulebook, origin)
    misses = [
        f"{'FP' if pred else 'FN'} {e} in {name}"
        for name, pairs in rows
        for e, pred, real in pairs
        if pred != real
    ]
    return tabulate(rows, [*evaluated_ids(corpus_labels()), APOLOGY]), misses


def macro_f1_interval(
    rows: list[tuple[str, list[tuple[str, bool, bool]]]],
    resamples: int = 1000,
    level: float = 0.9,
    seed: int = 0,
) -> tuple[float, float]:
    """A bootstrap interval for macro-F1: letters drawn with replacement, the central `level` of the
    resampled macro-F1s. A small held-out set's single figure hides how much it would move with a
    different draw of letters (an element present in one notice weighs as much as one in twenty)."""
    if not rows:
        return (0.0, 0.0)
    rng = random.Random(seed)
    f1s = sorted(totals(tabulate([rng.choice(rows) for _ in rows]))[2] for _ in range(resamples))
    cut = int(resamples * (1 - level) / 2)
    return f1s[cut], f1s[resamples - 1 - cut]


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
