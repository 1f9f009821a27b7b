"""Element detection on the labelled letter corpus (tests/fixtures/letters/): precision and recall.

Each letter's `.labels.yml` lists exactly the evaluated elements it contains; the evaluated
elements are the ids in the corpus README's labelling table. For every letter and element,
"detected" is compared with "labelled". The per-element table is printed (run with -s to see
it); overall precision and recall must both reach 0.9.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from app.checks.legal import detect_all
from app.checks.text import segment
from app.core.config import PROJECT_ROOT

CORPUS = PROJECT_ROOT / "tests" / "fixtures" / "letters"
TARGET = 0.9


def _labels() -> dict[Path, set[str]]:
    out = {}
    for p in sorted(CORPUS.glob("*.labels.yml")):
        letter = p.with_name(p.name.replace(".labels.yml", ".md"))
        data = yaml.safe_load(p.read_text()) or {}
        if letter.exists() and "elements" in data:  # only letters labelled for elements are evaluated
            out[letter] = set(data["elements"] or [])
    return out


def _evaluated(labels: dict[Path, set[str]]) -> list[str]:
    readme = CORPUS / "README.md"
    ids = re.findall(r"^\| `([a-z_]+)` \|", readme.read_text(), re.M) if readme.exists() else []
    return sorted(set(ids)) or sorted(set().union(*labels.values()))


def score(rulebook) -> tuple[dict[str, Counter], list[str]]:  # type: ignore[no-untyped-def]
    labels = _labels()
    evaluated = _evaluated(labels)
    table = {e: Counter() for e in evaluated}
    misses = []
    for letter, truth in labels.items():
        found = detect_all(segment(letter.read_text()), rulebook.elements, set(evaluated))
        for e in evaluated:
            pred, real = found[e] is not None, e in truth
            table[e]["tp" if pred and real else "fp" if pred else "fn" if real else "tn"] += 1
            if pred != real:
                misses.append(f"{'FP' if pred else 'FN'} {e} in {letter.name}")
    return table, misses


def test_detection_precision_and_recall(rulebook) -> None:  # type: ignore[no-untyped-def]
    labels = _labels()
    if len(labels) < 10:
        pytest.skip(f"the fixture corpus has only {len(labels)} labelled letters")
    table, misses = score(rulebook)
    tp = sum(c["tp"] for c in table.values())
    fp = sum(c["fp"] for c in table.values())
    fn = sum(c["fn"] for c in table.values())
    precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    print(f"\n{len(labels)} letters, {len(table)} elements")
    print(f"{'element':32} {'tp':>4} {'fp':>4} {'fn':>4} {'prec':>6} {'recall':>6}")
    for e, c in table.items():
        p = c["tp"] / max(c["tp"] + c["fp"], 1)
        r = c["tp"] / max(c["tp"] + c["fn"], 1)
        print(f"{e:32} {c['tp']:4} {c['fp']:4} {c['fn']:4} {p:6.2f} {r:6.2f}")
    print(f"{'OVERALL':32} {tp:4} {fp:4} {fn:4} {precision:6.3f} {recall:6.3f}")
    print("\n".join(misses))
    assert precision >= TARGET, f"precision {precision:.3f} < {TARGET}"
    assert recall >= TARGET, f"recall {recall:.3f} < {TARGET}"


def test_bare_keywords_do_not_count(rulebook) -> None:  # type: ignore[no-untyped-def]
    """Mentioning fraud, a freeze or a credit report is not explaining it."""
    text = "Watch for fraud. You could consider a credit freeze. Review your credit report."
    found = detect_all(segment(text), rulebook.elements, {"fraud_alert_info", "credit_freeze_info", "free_credit_report_info"})
    assert all(v is None for v in found.values()), found


def test_free_wording_is_read(rulebook) -> None:  # type: ignore[no-untyped-def]
    text = "On March 3 we learned that someone had opened an employee's mailbox."
    found = detect_all(segment(text), rulebook.elements, {"what_happened", "discovery_date"})
    assert found["what_happened"] is not None and found["discovery_date"] is not None
    assert found["what_happened"].start == 0 and found["what_happened"].end == len(text)
