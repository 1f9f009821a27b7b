"""Element detection on the labelled letter corpus (tests/fixtures/letters/): precision and recall.

A letter is evaluated when its `.labels.yml` has an `elements:` key: exactly the evaluated
elements it contains (the ids in the corpus README's labelling table). For every letter and
element, "detected" is compared with "labelled". An `apology: full|half|none` key evaluates the
apology detector too: the `regret` component (a real apology) must be detected exactly when the
letter says sorry; a half-apology ("we regret any inconvenience") is not an apology.

The table is printed per element, split into "ours" (letters written for this corpus in the
project), "elsewhere" (`origin: elsewhere`: real notices published by organisations and
attorneys general, cited in `source:`, that the detectors were developed against) and
"held-out" (`origin: elsewhere` with `heldout: true`: published notices labelled by hand before
any detector ran on them and never used to tune one; their figures estimate how the detectors
do on letters nobody here has seen). Run with `-s` to see it; the misses are listed letter by
letter for "ours" and "elsewhere" only, and the held-out part is printed as totals only, never
per element or per letter (a list of which held-out letter or element missed what would point
whoever tunes a detector at it). Overall precision and recall must both reach 0.9 on the first
two parts; the issue's target for held-out letters is macro-F1 >= 0.95.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from app.checks.context import CheckContext
from app.checks.engine import run_rule
from app.checks.legal import detect_all
from app.checks.text import segment
from app.core.config import PROJECT_ROOT

CORPUS = PROJECT_ROOT / "tests" / "fixtures" / "letters"
TARGET = 0.9
APOLOGY = "apology (regret)"


def _data() -> dict[Path, dict]:
    out = {}
    for p in sorted(CORPUS.glob("*.labels.yml")):
        letter = p.with_name(p.name.replace(".labels.yml", ".md"))
        data = yaml.safe_load(p.read_text()) or {}
        if (
            letter.exists() and "elements" in data
        ):  # only letters labelled for elements are evaluated
            out[letter] = data
    return out


def _labels() -> dict[Path, set[str]]:
    return {letter: set(d["elements"] or []) for letter, d in _data().items()}


def _evaluated(labels: dict[Path, set[str]]) -> list[str]:
    readme = CORPUS / "README.md"
    ids = re.findall(r"^\| `([a-z_]+)` \|", readme.read_text(), re.M) if readme.exists() else []
    return sorted(set(ids)) or sorted(set().union(*labels.values()))


def _apology_detected(text: str, rulebook) -> bool:  # type: ignore[no-untyped-def]
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
    data = _data()
    evaluated = _evaluated(_labels())
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
            pairs.append((APOLOGY, _apology_detected(text, rulebook), d["apology"] == "full"))
        for e, pred, real in pairs:
            table[e]["tp" if pred and real else "fp" if pred else "fn" if real else "tn"] += 1
            if pred != real:
                misses.append(f"{'FP' if pred else 'FN'} {e} in {letter.name}")
    return table, misses


def _totals(table: dict[str, Counter]) -> tuple[float, float, float]:
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


def _print(tables: dict[str, dict[str, Counter]]) -> None:
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
        _print_totals(n, tables[n])


def _print_totals(name: str, table: dict[str, Counter]) -> None:
    p, r, f1 = _totals(table)
    print(f"OVERALL {name:10}: precision {p:.3f}  recall {r:.3f}  macro-F1 {f1:.3f}")


def test_detection_precision_and_recall(rulebook) -> None:  # type: ignore[no-untyped-def]
    labels = _labels()
    if len(labels) < 10:
        pytest.skip(f"the fixture corpus has only {len(labels)} labelled letters")
    tables, all_misses = {}, []
    for origin in PARTS:
        tables[origin], misses = score(rulebook, origin)
        if origin != "held-out":  # which held-out letter missed what would point a tuner at it
            all_misses += misses
    sizes = Counter(part(d) for d in _data().values())
    print(f"\n{len(labels)} letters (" + ", ".join(f"{sizes[p]} {p}" for p in PARTS) + ")")
    _print({p: tables[p] for p in PARTS if p != "held-out"})
    _print_totals("held-out", tables["held-out"])
    print("\n".join(all_misses))
    for origin in ("ours", "elsewhere"):  # the parts the detectors were developed on
        precision, recall, _ = _totals(tables[origin])
        assert precision >= TARGET, f"{origin}: precision {precision:.3f} < {TARGET}"
        assert recall >= TARGET, f"{origin}: recall {recall:.3f} < {TARGET}"


HELD_OUT_TARGET = 0.95


@pytest.mark.xfail(
    strict=True,
    reason="issue 13's target (macro-F1 >= 0.95 on held-out letters) is not met: the detectors "
    "score about 0.77 on letters they were not tuned on (sixth held-out set, 68 notices) (docs/checks.md); strict, so this "
    "fails loudly once the target is reached and the mark must go",
)
def test_held_out_letters_meet_the_issue_target(rulebook) -> None:  # type: ignore[no-untyped-def]
    """Macro-F1 over the held-out letters (labelled before any detector ran on them)."""
    table, _ = score(rulebook, "held-out")
    assert sum(c["tp"] + c["fn"] for c in table.values()) > 0, "no held-out letters"
    _, _, macro_f1 = _totals(table)
    assert macro_f1 >= HELD_OUT_TARGET, f"held-out macro-F1 {macro_f1:.3f} < {HELD_OUT_TARGET}"


def test_elsewhere_letters_cite_their_source() -> None:
    for letter, d in _data().items():
        if letter.name.startswith("x_"):
            assert d.get("origin") == "elsewhere" and d.get("source"), (
                f"{letter.name}: needs origin: elsewhere and source:"
            )


def test_bare_keywords_do_not_count(rulebook) -> None:  # type: ignore[no-untyped-def]
    """Mentioning fraud, a freeze or a credit report is not explaining it."""
    text = "Watch for fraud. You could consider a credit freeze. Review your credit report."
    found = detect_all(
        segment(text),
        rulebook.elements,
        {"fraud_alert_info", "credit_freeze_info", "free_credit_report_info"},
    )
    assert all(v is None for v in found.values()), found


def test_free_wording_is_read(rulebook) -> None:  # type: ignore[no-untyped-def]
    text = "On March 3 we learned that someone had opened an employee's mailbox."
    found = detect_all(segment(text), rulebook.elements, {"what_happened", "discovery_date"})
    assert found["what_happened"] is not None and found["discovery_date"] is not None
    assert found["what_happened"].start == 0 and found["what_happened"].end == len(text)
