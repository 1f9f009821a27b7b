"""Text and CSV renderings of the corpus report (JSON is the CorpusReport model itself).

Text: the corpus table (each figure beside the published one where there is one), then one
line per letter. CSV: one row per letter, one column per measure (families, apology
components and `JURISDICTION:element` columns), for a spreadsheet; the table is in the JSON.
"""

from __future__ import annotations

import csv
import io

from app.corpus.scan import COMPONENTS
from app.corpus.summary import CorpusReport


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{v * 100:.0f}%"


def _num(v: float | None) -> str:
    return "-" if v is None else f"{v:.1f}"


def format_text(report: CorpusReport) -> str:
    """The table and the per-letter lines."""
    s, pub = report.summary, report.published
    rd = s.readability
    lines = [
        f"{s.letters} letters in {report.folder} (rulebook {report.rulebook})"
        + (f"; {len(report.skipped)} skipped" if report.skipped else ""),
        "",
        f"{'measure':46} {'this corpus':>12} {'Zou et al. 2019':>16}",
        f"{'letters':46} {s.letters:>12} {pub.letters:>16}",
        f"{'Flesch-Kincaid grade, median':46} {_num(rd.flesch_kincaid_grade.median):>12} {_num(pub.median_flesch_kincaid_grade):>16}",
        f"{'Flesch-Kincaid grade, range':46} {_num(rd.flesch_kincaid_grade.min) + '-' + _num(rd.flesch_kincaid_grade.max):>12} "
        f"{_num(pub.flesch_kincaid_grade_range[0]) + '-' + _num(pub.flesch_kincaid_grade_range[1]):>16}",
        f"{'Flesch Reading Ease, median':46} {_num(rd.flesch_reading_ease.median):>12} {'-':>16}",
        f"{'fairly difficult or harder (FRE < 60)':46} {_pct(rd.share_fairly_difficult_or_harder):>12} {_pct(pub.share_difficult_or_fairly_difficult):>16}",
        f"{'difficult or harder (FRE < 50)':46} {_pct(rd.share_difficult_or_harder):>12} {'-':>16}",
        f"{'above grade 8':46} {_pct(rd.share_above_grade_8):>12} {'-':>16}",
    ]
    published = {"hedge": pub.share_hedge, "no_evidence": pub.share_no_evidence}
    for fam, share in s.downplaying.items():
        ref = f"~{_pct(published[fam])}" if fam in published else "-"
        lines.append(f"{'downplaying: ' + fam:46} {_pct(share):>12} {ref:>16}")
    lines.append(f"{'downplaying: any family':46} {_pct(s.any_downplaying):>12} {'-':>16}")
    lines.append(f"{'apology (says sorry)':46} {_pct(s.apology):>12} {'-':>16}")
    for c, share in s.apology_components.items():
        lines.append(f"{'  component: ' + c:46} {_pct(share):>12} {'-':>16}")
    lines.append(
        f"{'first step for the reader in the first third':46} {_pct(s.first_action_in_first_third):>12} {'-':>16}"
    )
    lines.append(f"{'no step for the reader':46} {_pct(s.no_action):>12} {'-':>16}")
    for j, shares in s.elements.items():
        lines.append(f"required elements, {j} ({s.letters_per_jurisdiction[j]} letters):")
        for e, share in shares.items():
            lines.append(f"{'  ' + e:46} {_pct(share):>12}")
    lines += ["", f"{'letter':44} {'FK':>5} {'FRE':>5} {'sorry':>5} {'1st/3':>5}  downplaying"]
    for r in report.rows:
        found = ", ".join(f"{f}×{n}" for f, n in r.downplaying.items() if n) or "-"
        lines.append(
            f"{r.file[:44]:44} {_num(r.flesch_kincaid_grade):>5} {_num(r.flesch_reading_ease):>5} "
            f"{'yes' if r.apology else 'no':>5} {'yes' if r.first_action_in_first_third else 'no':>5}  {found}"
        )
    for sk in report.skipped:
        lines.append(f"skipped {sk.file}: {sk.reason}")
    return "\n".join(lines)


def _text_cell(text: str) -> str:
    """A file name a spreadsheet would run as a formula (`=`, `+`, `-`, `@`) is quoted with `'`."""
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


def format_csv(report: CorpusReport) -> str:
    """One row per measured letter."""
    families = list(report.summary.downplaying)
    element_cols = sorted(
        {f"{j}:{e}" for r in report.rows for j, es in r.elements.items() for e in es}
    )
    header = (
        [
            "file",
            "words",
            "sentences",
            "flesch_kincaid_grade",
            "flesch_reading_ease",
            "reading_ease_band",
        ]
        + [f"downplaying_{f}" for f in families]
        + ["apology"]
        + [f"component_{c}" for c in COMPONENTS]
        + ["first_action_at", "first_action_in_first_third", "jurisdictions"]
        + element_cols
    )
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    for r in report.rows:
        present = {f"{j}:{e}": int(v) for j, es in r.elements.items() for e, v in es.items()}
        w.writerow(
            [
                _text_cell(r.file),
                r.words,
                r.sentences,
                r.flesch_kincaid_grade,
                r.flesch_reading_ease,
                r.reading_ease_band,
            ]
            + [r.downplaying.get(f, 0) for f in families]
            + [int(r.apology)]
            + [int(r.apology_components.get(c, False)) for c in COMPONENTS]
            + [r.first_action_at, int(r.first_action_in_first_third), " ".join(r.jurisdictions)]
            + [present.get(col, "") for col in element_cols]
        )
    return out.getvalue()
