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

from collections import Counter

import pytest
from support.letter_corpus import (
    PARTS,
    corpus_data,
    corpus_labels,
    macro_f1_interval,
    outcomes,
    part,
    print_tables,
    print_totals,
    score,
    tabulate,
    totals,
)

from app.checks.legal import detect_all
from app.checks.text import segment

TARGET = 0.9


def test_detection_precision_and_recall(rulebook) -> None:  # type: ignore[no-untyped-def]
    labels = corpus_labels()
    if len(labels) < 10:
        pytest.skip(f"the fixture corpus has only {len(labels)} labelled letters")
    tables, all_misses = {}, []
    for origin in ("ours", "elsewhere"):
        tables[origin], misses = score(rulebook, origin)
        all_misses += misses
    # which held-out letter missed what would point a tuner at it: totals only
    held_out = outcomes(rulebook, "held-out")
    tables["held-out"] = tabulate(held_out)
    sizes = Counter(part(d) for d in corpus_data().values())
    print(f"\n{len(labels)} letters (" + ", ".join(f"{sizes[p]} {p}" for p in PARTS) + ")")
    print_tables({p: tables[p] for p in PARTS if p != "held-out"})
    print_totals("held-out", tables["held-out"])
    low, high = macro_f1_interval(held_out)
    print(
        f"held-out macro-F1, 90% bootstrap interval over its {len(held_out)} letters: {low:.3f}-{high:.3f}"
    )
    print("\n".join(all_misses))
    for origin in ("ours", "elsewhere"):  # the parts the detectors were developed on
        precision, recall, _ = totals(tables[origin])
        assert precision >= TARGET, f"{origin}: precision {precision:.3f} < {TARGET}"
        assert recall >= TARGET, f"{origin}: recall {recall:.3f} < {TARGET}"


HELD_OUT_TARGET = 0.95


@pytest.mark.xfail(
    strict=True,
    reason="issue 13's target (macro-F1 >= 0.95 on held-out letters) is not met: the detectors "
    "score about 0.72 on letters they were not tuned on (eighth held-out set, 76 notices; two people agree at 0.92 on it) (docs/checks.md); strict, so this "
    "fails loudly once the target is reached and the mark must go",
)
def test_held_out_letters_meet_the_issue_target(rulebook) -> None:  # type: ignore[no-untyped-def]
    """Macro-F1 over the held-out letters (labelled before any detector ran on them)."""
    table, _ = score(rulebook, "held-out")
    assert sum(c["tp"] + c["fn"] for c in table.values()) > 0, "no held-out letters"
    _, _, macro_f1 = totals(table)
    assert macro_f1 >= HELD_OUT_TARGET, f"held-out macro-F1 {macro_f1:.3f} < {HELD_OUT_TARGET}"


def test_macro_f1_interval_brackets_the_figure() -> None:
    """The bootstrap interval: a point for a perfect detector, around the figure otherwise."""
    perfect = [
        (f"l{i}", [("a", i % 2 == 0, i % 2 == 0), ("b", i % 3 == 0, i % 3 == 0)]) for i in range(30)
    ]
    assert macro_f1_interval(perfect) == (1.0, 1.0)
    mixed = [
        (f"l{i}", [("a", i % 2 == 0, i % 4 != 1), ("b", i % 5 == 0, i % 3 == 0)]) for i in range(40)
    ]
    low, high = macro_f1_interval(mixed)
    point = totals(tabulate(mixed))[2]
    assert low < point < high
    # seeded: the same letters give the same interval
    assert macro_f1_interval(mixed) == (low, high)


def test_elsewhere_letters_cite_their_source() -> None:
    for letter, d in corpus_data().items():
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
