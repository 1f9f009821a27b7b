"""Compliance checklist export (CSV and PDF): the record compliance signs off and files.

Why: compliance must show, per jurisdiction, that every required element is in the letter (with
the sentence that satisfies it), every forbidden element is absent, and any waiver has a reason —
tied to the exact letter version (``version_hash``) and rulebook (``rulebook_hash``) that were
checked, with who approved and who signed off.

CSV: one header line, then one row per element. The incident, draft, version, both hashes, the
approvals and the sign-off are repeated on every row, so each row stands alone in a spreadsheet or
a database import. Cells that a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-``, ``@``, tab or CR) are prefixed with ``'`` (OWASP "CSV injection"): evidence is letter text,
and letter text is user input.

PDF: a printable landscape table with the same data (see :func:`checklist_pdf`).

The "plain language" element some laws require (GDPR Art. 34, California, HIPAA, ...) is not a
sentence: its row shows the measured Flesch–Kincaid grade and reading ease against the tone's
targets (:func:`with_plain_language`), and is ok only when both meet them.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.export.csvcells import SafeWriter
from app.export.pdf import html_to_pdf
from app.letters.markup import escape_html

CSV_COLUMNS = [
    "incident",
    "draft_id",
    "version",
    "version_hash",
    "rulebook_hash",
    "approvals",
    "signed_off_by",
    "jurisdiction",
    "element",
    "label",
    "requirement",
    "status",
    "ok",
    "evidence",
    "waived_reason",
    "citation",
    "unverified",
]
"""Columns of the CSV export, in order."""


PLAIN_LANGUAGE = "plain_language"


def readability_targets(
    rulebook: Any, tone: str, channel: str = "letter", language: str = "en"
) -> dict[str, Any]:
    """The document-level targets for `tone` (and the artifact's channel and language) from the
    readability rules: `grade_max` and `ease_min` (Flesch–Kincaid), and `metrics`, every document
    threshold that applies (`{metric: {"min": x} or {"max": y}}`: Spanish texts have
    Szigriszt-Pazos and Fernández-Huerta floors instead).

    Only the rules whose tones, channels and languages admit the text count (a regulator notice's
    grade 12 is not the plain letter's 8). Falls back to DESIGN.md's plain-tone targets (grade 8,
    ease 60) for an English text no rule sets them for.
    """
    from app.rulebook.basics import applies

    metrics: dict[str, dict[str, float]] = {}
    for rule in rulebook.of_kind("readability").values():
        if getattr(rule, "scope", "document") != "document":
            continue
        if not applies(rule, tone=tone, jurisdictions=[], channel=channel, language=language):
            continue
        for metric, t in rule.thresholds.items():
            bound = {k: v for k, v in (("min", t.min), ("max", t.max)) if v is not None}
            metrics.setdefault(metric, {}).update(bound)
    grade = metrics.get("flesch_kincaid_grade", {}).get("max")
    ease = metrics.get("flesch_reading_ease", {}).get("min")
    english = language == "en"
    return {
        "grade_max": grade if grade is not None else (8.0 if english else None),
        "ease_min": ease if ease is not None else (60.0 if english else None),
        "metrics": metrics,
    }


# How the checklist names each readability metric, and how many decimals it shows.
METRIC_WORDS = {
    "flesch_kincaid_grade": ("Flesch–Kincaid grade", ".1f"),
    "flesch_reading_ease": ("reading ease", ".0f"),
    "szigriszt_pazos": ("Szigriszt-Pazos (INFLESZ)", ".0f"),
    "fernandez_huerta": ("Fernández-Huerta", ".0f"),
}


def plain_language(
    readability: Mapping[str, float], targets: Mapping[str, Any]
) -> tuple[str, bool]:
    """The measured metrics against the targets (`readability_targets`: the grade and ease for
    English, the Spanish formulas for Spanish), as one sentence, and whether all are met."""
    metrics = targets.get("metrics") or {
        "flesch_kincaid_grade": {"max": targets["grade_max"]},
        "flesch_reading_ease": {"min": targets["ease_min"]},
    }
    parts, ok = [], True
    for metric, bound in metrics.items():
        value = readability.get(metric)
        if value is None:
            return "not measured (the letter is empty)", False
        name, fmt = METRIC_WORDS.get(metric, (metric.replace("_", " "), ".1f"))
        op, limit = ("≤", bound["max"]) if "max" in bound else ("≥", bound["min"])
        ok = ok and (value <= limit if op == "≤" else value >= limit)
        parts.append(f"{name} {value:{fmt}} (target {op} {limit:g})")
    return "; ".join(parts), ok


def with_plain_language(
    rows: Sequence[Mapping[str, Any]],
    readability: Mapping[str, float],
    targets: Mapping[str, float],
) -> list[dict[str, Any]]:
    """Rows with every `plain_language` row's evidence and status replaced by the measurement."""
    text, ok = plain_language(readability, targets)
    return [
        {**row, "evidence": text, "ok": ok, "detected": ok, "measured": True}
        if row.get("element") == PLAIN_LANGUAGE and row.get("requirement") == "required"
        else dict(row)
        for row in rows
    ]


@dataclass(frozen=True)
class ChecklistExport:
    """A checklist ready to export.

    ``rows``: mappings with ``jurisdiction, element, label, requirement (required|prohibited),
    ok (bool), evidence (str|None), waived_reason (str|None), citation, unverified (bool)``.
    ``approvals``: mappings with ``user, role, at`` (``at`` already formatted, or a datetime).
    """

    incident_name: str
    draft_id: str
    version_number: int | str
    version_hash: str
    rulebook_hash: str
    rows: Sequence[Mapping[str, Any]] = field(default_factory=list)
    approvals: Sequence[Mapping[str, Any]] = field(default_factory=list)
    signed_off_by: str | None = None


def row_status(row: Mapping[str, Any]) -> str:
    """Classify a row: ``satisfied``/``absent`` (ok), ``waived``, ``missing`` or ``present``."""
    prohibited = row.get("requirement") == "prohibited"
    if row.get("ok"):
        return "absent" if prohibited else "satisfied"
    if row.get("waived_reason"):
        return "waived"
    return "present" if prohibited else "missing"


def approvals_text(approvals: Sequence[Mapping[str, Any]]) -> str:
    """``user (role) at; ...`` in one cell."""
    return "; ".join(
        f"{a.get('user', '')} ({a.get('role', '')}) {a.get('at', '')}".strip() for a in approvals
    )


def checklist_csv(checklist: ChecklistExport) -> str:
    """Render the checklist as CSV text: a header line, then one row per element (CRLF ends)."""
    out = io.StringIO()
    writer = SafeWriter(out)  # formula cells neutralised (app/export/csvcells.py)
    writer.writerow(CSV_COLUMNS)
    common = [
        checklist.incident_name,
        checklist.draft_id,
        checklist.version_number,
        checklist.version_hash,
        checklist.rulebook_hash,
        approvals_text(checklist.approvals),
        checklist.signed_off_by,
    ]
    for row in checklist.rows:
        writer.writerow(
            [
                *common,
                row.get("jurisdiction"),
                row.get("element"),
                row.get("label"),
                row.get("requirement"),
                row_status(row),
                bool(row.get("ok")),
                row.get("evidence"),
                row.get("waived_reason"),
                row.get("citation"),
                bool(row.get("unverified")),
            ]
        )
    return out.getvalue()


CHECKLIST_CSS = """
@page { size: A4 landscape; margin: 14mm 12mm 16mm 12mm;
  @bottom-center { content: "Page " counter(page) " of " counter(pages); font-size: 8pt; }
}
html { font-family: "DejaVu Sans", "Liberation Sans", sans-serif; font-size: 8.5pt; color: #111; }
h1 { font-size: 14pt; margin: 0 0 3mm 0; }
dl.meta { margin: 0 0 4mm 0; display: block; }
dl.meta div { margin: 0.4mm 0; }
dl.meta dt { display: inline; font-weight: bold; }
dl.meta dd { display: inline; margin: 0; font-family: "DejaVu Sans Mono", monospace; }
.unsigned { color: #b00000; font-weight: bold; }
table { border-collapse: collapse; width: 100%; }
thead { display: table-header-group; }
th, td { border: 0.5pt solid #777; padding: 1.2mm 1.5mm; vertical-align: top; text-align: left;
  overflow-wrap: anywhere; }
th { background: #e8e8e8; }
tr { break-inside: avoid; }
td.status-missing, td.status-present { color: #b00000; font-weight: bold; }
td.status-waived { color: #8a5a00; font-weight: bold; }
td.evidence { width: 32%; }
"""


def checklist_html(checklist: ChecklistExport) -> str:
    """Build the HTML document the checklist PDF is made from."""
    e = escape_html
    meta = [
        ("Incident", checklist.incident_name),
        ("Draft", checklist.draft_id),
        ("Version", str(checklist.version_number)),
        ("Version hash", checklist.version_hash),
        ("Rulebook hash", checklist.rulebook_hash),
        ("Approvals", approvals_text(checklist.approvals) or "none"),
    ]
    signed = (
        f"<dd>{e(checklist.signed_off_by)}</dd>"
        if checklist.signed_off_by
        else '<dd class="unsigned">NOT SIGNED OFF</dd>'
    )
    rows = []
    for row in checklist.rows:
        status = row_status(row)
        note = " (unverified)" if row.get("unverified") else ""
        waived = row.get("waived_reason")
        evidence = e(str(row.get("evidence") or ""))
        if waived:
            evidence += f"<br><em>Waived: {e(str(waived))}</em>"
        rows.append(
            "<tr>"
            f"<td>{e(str(row.get('jurisdiction', '')))}</td>"
            f"<td>{e(str(row.get('label') or row.get('element', '')))}<br>"
            f"<small>{e(str(row.get('element', '')))}</small></td>"
            f"<td>{e(str(row.get('requirement', '')))}</td>"
            f'<td class="status-{status}">{e(status)}{e(note)}</td>'
            f'<td class="evidence">{evidence}</td>'
            f"<td>{e(str(row.get('citation') or ''))}</td>"
            "</tr>"
        )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Compliance checklist — {e(checklist.incident_name)}</title></head><body>"
        f"<h1>Compliance checklist — {e(checklist.incident_name)}</h1>"
        '<dl class="meta">'
        + "".join(f"<div><dt>{e(k)}:</dt> <dd>{e(v)}</dd></div>" for k, v in meta)
        + f"<div><dt>Signed off by:</dt> {signed}</div></dl>"
        "<table><thead><tr><th>Jurisdiction</th><th>Element</th><th>Requirement</th>"
        "<th>Status</th><th>Evidence</th><th>Citation</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></body></html>"
    )


def checklist_pdf(checklist: ChecklistExport) -> bytes:
    """Render the checklist as a printable PDF (A4 landscape table, page numbers)."""
    return html_to_pdf(checklist_html(checklist), CHECKLIST_CSS, key="checklist")
