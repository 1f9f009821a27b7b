"""Downplaying families on letters written by others: per-family precision and recall.

Labels: a fixture letter's `.labels.yml` with a `downplaying:` key lists every downplaying
phrase in it as `{family, phrase}` (tests/fixtures/letters/README.md says how to label). A
labelled phrase is found when a finding of its family overlaps it; a finding that overlaps no
labelled phrase of its family is a false positive. Candor's own drafted letters
(tests/golden/letters) carry no downplaying, so any finding there is a false positive.

Groups: `templates` (Candor's golden letters), `elsewhere` (`origin: elsewhere`: real notices
others published) and `fixtures` (other labelled hand-written letters). The table is printed
(run with -s); `elsewhere` must reach precision and recall of 0.9 and `templates` must have no
finding at all.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
import yaml

from app.checks.text import segment
from app.core.config import PROJECT_ROOT
from app.corpus.families import family_findings, family_rules

CORPUS = PROJECT_ROOT / "tests" / "fixtures" / "letters"
GOLDEN = PROJECT_ROOT / "tests" / "golden" / "letters"
TARGET = 0.9


def locate(text: str, phrase: str) -> list[tuple[int, int]]:
    """Every occurrence of a labelled phrase (case and line breaks ignored), in text order."""
    pattern = r"\s+".join(re.escape(w) for w in phrase.split())
    return [(m.start(), m.end()) for m in re.finditer(pattern, text, re.IGNORECASE)]


def label_spans(text: str, labels: list[dict], name: str) -> dict[str, list[tuple[int, int, str]]]:
    """Family → labelled spans; the k-th label with the same phrase is its k-th occurrence."""
    seen: Counter = Counter()
    out: dict[str, list[tuple[int, int, str]]] = {}
    for item in labels:
        fam, phrase = item["family"], item["phrase"]
        spots = locate(text, phrase)
        k = seen[(fam, phrase.lower())]
        assert k < len(spots), (
            f"{name}: labelled phrase not in the letter (or labelled too often): {phrase!r}"
        )
        seen[(fam, phrase.lower())] += 1
        s, e = spots[k]
        out.setdefault(fam, []).append((s, e, phrase))
    return out


def letters() -> list[tuple[str, str, str, list[dict]]]:
    """(group, name, text, labels) for every evaluated letter."""
    out = []
    for p in sorted(CORPUS.glob("*.labels.yml")):
        data = yaml.safe_load(p.read_text()) or {}
        if "downplaying" not in data:
            continue
        letter = p.with_name(p.name.replace(".labels.yml", ".md"))
        group = "elsewhere" if data.get("origin") == "elsewhere" else "fixtures"
        out.append((group, letter.name, letter.read_text(), data["downplaying"] or []))
    for p in sorted(GOLDEN.glob("*.md")):
        out.append(("templates", p.name, p.read_text(), []))
    return out


def score(rulebook) -> tuple[dict[tuple[str, str], Counter], list[str]]:  # type: ignore[no-untyped-def]
    """(group, family) → Counter(tp, fp, fn), and a line per miss."""
    table: dict[tuple[str, str], Counter] = {}
    misses = []
    families = list(family_rules(rulebook))
    for group, name, text, labels in letters():
        spans = label_spans(text, labels, name)
        unknown = set(spans) - set(families)
        assert not unknown, f"{name}: unknown families {sorted(unknown)}; known: {families}"
        found = family_findings(segment(text), rulebook)
        for fam in families:
            c = table.setdefault((group, fam), Counter())
            hits = [(f.start, f.end) for f in found[fam]]
            for s, e, phrase in spans.get(fam, []):
                if any(fs < e and s < fe for fs, fe in hits):
                    c["tp"] += 1
                else:
                    c["fn"] += 1
                    misses.append(f"FN {group:9} {fam:11} {name}: {phrase!r}")
            for fs, fe in hits:
                if not any(fs < e and s < fe for s, e, _ in spans.get(fam, [])):
                    c["fp"] += 1
                    misses.append(
                        f"FP {group:9} {fam:11} {name}: {' '.join(text[fs:fe].split())!r}"
                    )
    return table, misses


def _pr(c: Counter) -> tuple[float, float]:
    return c["tp"] / max(c["tp"] + c["fp"], 1), c["tp"] / max(c["tp"] + c["fn"], 1)


def test_downplaying_precision_and_recall(rulebook) -> None:  # type: ignore[no-untyped-def]
    table, misses = score(rulebook)
    groups = sorted({g for g, _ in table})
    assert "elsewhere" in groups, "no letter with origin: elsewhere is labelled for downplaying"
    totals = {g: Counter() for g in groups}
    print(f"\n{'group':10} {'family':12} {'tp':>4} {'fp':>4} {'fn':>4} {'prec':>6} {'recall':>6}")
    for (g, fam), c in sorted(table.items()):
        totals[g].update(c)
        p, r = _pr(c)
        print(f"{g:10} {fam:12} {c['tp']:4} {c['fp']:4} {c['fn']:4} {p:6.2f} {r:6.2f}")
    for g, c in totals.items():
        p, r = _pr(c)
        print(f"{g:10} {'ALL':12} {c['tp']:4} {c['fp']:4} {c['fn']:4} {p:6.3f} {r:6.3f}")
    print("\n".join(misses))
    p, r = _pr(totals["elsewhere"])
    assert p >= TARGET, f"elsewhere: precision {p:.3f} < {TARGET}"
    assert r >= TARGET, f"elsewhere: recall {r:.3f} < {TARGET}"
    assert totals.get("templates", Counter())["fp"] == 0, (
        "a downplaying rule flags Candor's own drafted letters"
    )


def test_every_family_has_labelled_examples_elsewhere(rulebook) -> None:  # type: ignore[no-untyped-def]
    table, _ = score(rulebook)
    thin = [
        fam
        for fam in family_rules(rulebook)
        if table[("elsewhere", fam)]["tp"] + table[("elsewhere", fam)]["fn"] < 1
    ]
    assert not thin, f"families with no labelled phrase in real notices: {thin}"


@pytest.mark.parametrize("phrase", ["may have been accessed", "no evidence"])
def test_locate_ignores_case_and_line_breaks(phrase: str) -> None:
    text = "It MAY HAVE BEEN\naccessed. There is no\nevidence."
    assert locate(text, phrase)


def test_label_typos_fail_loudly() -> None:
    with pytest.raises(AssertionError, match="not in the letter"):
        label_spans("Nothing here.", [{"family": "hedge", "phrase": "may have"}], "probe")
