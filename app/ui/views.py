"""Pure helpers for the pages: the redline diff, the new-incident form <-> IncidentFacts mapping,
readability targets per tone, the checklist rows and the mail-merge job rows. No I/O, so they are unit-tested directly.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from app.checks.base import Report
from app.domain.datatypes import LABELS, DataType
from app.domain.facts import CauseCategory, IncidentFacts
from app.rulebook.loader import Rulebook
from app.workflow.redline import redline  # noqa: F401 - the pages' import until they take it from there

STATE_LABELS = {
    "draft": "draft", "in_review": "in review", "changes_requested": "changes requested",
    "approved": "approved", "signed_off": "signed off",
}

# ---- New-incident form ------------------------------------------------------------------------

FORM_LABELS = {
    "title": "Incident title", "org_name": "Organisation name", "summary": "What happened", "cause": "Cause",
    "breach_start": "Breach start", "breach_end": "Breach end", "discovery_date": "Discovered on",
    "notice_date": "Letter date", "data_types": "Exposed data", "data_types_other": "Other data",
    "affected": "Affected people", "toll_free": "Toll-free number", "toll_free_hours": "Call centre hours",
    "contact_email": "Email for questions", "contact_website": "Incident web page",
    "cm_provider": "Credit monitoring provider", "cm_months": "Months free", "cm_url": "Enrollment URL",
    "cm_enroll_by": "Enroll by", "remediation": "What you did", "signatory_name": "Signed by",
    "signatory_title": "Their title", "tone": "Tone",
}

# IncidentFacts error locations -> the form field that shows the message.
_LOC_TO_FIELD = {
    ("organisation", "name"): "org_name", ("incident", "summary"): "summary", ("incident", "cause"): "cause",
    ("incident", "breach_start"): "breach_start", ("incident", "breach_end"): "breach_end",
    ("incident", "discovery_date"): "discovery_date", ("notice_date",): "notice_date", ("data_types",): "data_types",
    ("data_types_other",): "data_types_other", ("affected",): "affected",
    ("contacts", "toll_free", "number"): "toll_free", ("contacts", "toll_free", "hours"): "toll_free_hours",
    ("contacts", "email"): "contact_email", ("contacts", "website"): "contact_website",
    ("services", "credit_monitoring", "provider"): "cm_provider", ("services", "credit_monitoring", "months"): "cm_months",
    ("services", "credit_monitoring", "enrollment_url"): "cm_url",
    ("services", "credit_monitoring", "enroll_by"): "cm_enroll_by", ("remediation",): "remediation",
    ("signatory", "name"): "signatory_name", ("signatory", "title"): "signatory_title",
}
# Cross-field validators name the field in their message: "breach_end: must be ...".
_MSG_PREFIX_TO_FIELD = {
    "breach_end": "breach_end", "discovery_date": "discovery_date", "containment_date": "discovery_date",
    "notice_date": "notice_date", "data_types_other": "data_types_other",
    "services.credit_monitoring.enroll_by": "cm_enroll_by",
}


def form_choices() -> dict[str, Any]:
    """Options for the form's selects and checkboxes."""
    return {
        "data_types": [(d.value, _cap(LABELS.get(d, d.value.replace("_", " ")))) for d in DataType],
        "causes": [(c.value, c.value.replace("_", " ").capitalize()) for c in CauseCategory],
    }


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def facts_from_form(values: dict[str, Any]) -> tuple[IncidentFacts | None, dict[str, str]]:
    """Build IncidentFacts from the form; on failure return field name -> message (first per field)."""
    errors: dict[str, str] = {}
    v = {k: (val.strip() if isinstance(val, str) else val) for k, val in values.items()}
    if not v.get("title"):
        errors["title"] = "Give the incident a name so colleagues can find it."
    affected: dict[str, Any] = {}
    for line in _lines(v.get("affected", "")):
        parts = line.replace(",", "").replace(":", " ").split()
        if len(parts) != 2 or not parts[1].isdigit():
            errors["affected"] = f"Write each line as a residence code and a number, e.g. 'US-CA 1200' (not '{line}')."
            break
        affected[parts[0].upper()] = int(parts[1])
    if not affected and "affected" not in errors:
        errors["affected"] = "Add at least one residence and count, e.g. 'US-CA 1200': it decides which laws apply."
    raw: dict[str, Any] = {
        "organisation": {"name": v.get("org_name", "")},
        "incident": {k: v[k] for k in ("summary", "cause", "breach_start", "breach_end", "discovery_date") if v.get(k)},
        "data_types": list(values.get("data_types", [])),
        "affected": affected,
        "remediation": _lines(v.get("remediation", "")),
        "contacts": {},
        "services": {},
    }
    if v.get("data_types_other"):
        raw["data_types_other"] = v["data_types_other"]
    if v.get("notice_date"):
        raw["notice_date"] = v["notice_date"]
    if v.get("toll_free"):
        raw["contacts"]["toll_free"] = {"number": v["toll_free"], **({"hours": v["toll_free_hours"]} if v.get("toll_free_hours") else {})}
    if v.get("contact_email"):
        raw["contacts"]["email"] = v["contact_email"]
    if v.get("contact_website"):
        raw["contacts"]["website"] = v["contact_website"]
    if any(v.get(k) for k in ("cm_provider", "cm_months", "cm_url", "cm_enroll_by")):
        cm: dict[str, Any] = {"provider": v.get("cm_provider", ""), "months": v.get("cm_months") or None,
                              "enrollment_url": v.get("cm_url") or None}
        if v.get("cm_enroll_by"):
            cm["enroll_by"] = v["cm_enroll_by"]
        raw["services"]["credit_monitoring"] = cm
    if v.get("signatory_name") or v.get("signatory_title"):
        raw["signatory"] = {"name": v.get("signatory_name", ""), "title": v.get("signatory_title", "")}
    try:
        facts = IncidentFacts.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(str(p) for p in err["loc"])
            field = None
            for n in range(len(loc), 0, -1):
                field = _LOC_TO_FIELD.get(loc[:n])
                if field:
                    break
            msg = err["msg"].removeprefix("Value error, ")
            if field is None:
                head = msg.split(":", 1)[0]
                field = _MSG_PREFIX_TO_FIELD.get(head)
                if field:
                    msg = msg.split(":", 1)[1].strip()
            if field is None and loc and loc[0] == "affected":
                field = "affected"
            errors.setdefault(field or "title", _friendly(msg))
        return None, errors
    if errors:
        return None, errors
    return facts, {}


def _friendly(msg: str) -> str:
    msg = msg[0].upper() + msg[1:] if msg else msg
    return msg if msg.endswith(".") else msg + "."


# ---- Readability targets -------------------------------------------------------------------------

def readability_targets(rulebook: Rulebook, tone: str) -> dict[str, float | None]:
    """The document-level grade ceiling and reading-ease floor for `tone` from the readability rules.

    Falls back to DESIGN.md's plain-tone targets (grade 8, ease 60) when no rule sets them.
    """
    grade_max: float | None = None
    ease_min: float | None = None
    for rule in rulebook.of_kind("readability").values():
        if getattr(rule, "scope", "document") != "document":
            continue
        if rule.tones and tone not in rule.tones:
            continue
        t = rule.thresholds
        if "flesch_kincaid_grade" in t and t["flesch_kincaid_grade"].max is not None:
            grade_max = t["flesch_kincaid_grade"].max
        if "flesch_reading_ease" in t and t["flesch_reading_ease"].min is not None:
            ease_min = t["flesch_reading_ease"].min
    return {"grade_max": grade_max if grade_max is not None else 8.0, "ease_min": ease_min if ease_min is not None else 60.0}


# ---- Checklist -----------------------------------------------------------------------------------

def _sentence_at(text: str, start: int | None, end: int | None) -> str | None:
    """The sentence (or line) containing [start, end), for evidence."""
    if start is None or end is None:
        return None
    left = max(text.rfind(". ", 0, start) + 2 if text.rfind(". ", 0, start) >= 0 else 0, text.rfind("\n", 0, start) + 1)
    cands = [i for i in (text.find(". ", end), text.find("\n", end)) if i >= 0]
    right = min(cands) + 1 if cands else len(text)
    return text[left:right].strip() or text[start:end]


_MARKUP = re.compile(r"^\s*(?:#+|[-*]|\d+\.)\s+|\*\*")


def _heading_evidence(text: str, start: int | None, element: str) -> str | None:
    """When a section heading marks the element, the first sentence under it is the real evidence.

    Compliance signs off on sentences, not headings; format rules (the CA headings and title)
    are satisfied by the heading itself and keep it.
    """
    if start is None or element in ("headings_ca", "title_notice_of_data_breach"):
        return None
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    if not text[line_start:].lstrip(" ").startswith("#") or line_end < 0:
        return None
    heading = _MARKUP.sub("", text[line_start:line_end]).strip()
    body_start = len(text) - len(text[line_end:].lstrip())
    if body_start >= len(text) or text[body_start] == "#":
        return None
    sentence = _sentence_at(text, body_start, body_start + 1)
    return f"{heading}: {_clean(sentence)}" if sentence and _clean(sentence) else None


def _clean(evidence: str | None) -> str | None:
    """Evidence as a reader sees it: Markdown markers dropped; None when nothing readable is left."""
    if evidence is None:
        return None
    cleaned = _MARKUP.sub("", evidence.strip()).strip()
    return cleaned if sum(ch.isalnum() for ch in cleaned) >= 2 else None


def checklist_sections(report: Report, text: str, rulebook: Rulebook, codes: list[str]) -> list[dict[str, Any]]:
    """Per jurisdiction: each required element with its evidence sentence (or missing), each
    prohibited element confirmed absent (or the sentence that breaks the rule).
    """
    sections = []
    for code in codes:
        rows = []
        for e in report.elements:
            if e.jurisdiction != code:
                continue
            label = e.label or (rulebook.elements[e.element].label if e.element in rulebook.elements
                                and hasattr(rulebook.elements[e.element], "label") else e.element)
            evidence = (_heading_evidence(text, e.start, e.element) if e.detected else None) or \
                _clean(e.evidence or (_sentence_at(text, e.start, e.end) if e.detected else None))
            rows.append({"element": e.element, "label": label, "requirement": e.requirement, "ok": e.ok,
                         "detected": e.detected, "evidence": evidence,
                         "whole_letter": e.detected and evidence is None, "citation": e.citation,
                         "conditional": e.conditional})
        rows.sort(key=lambda r: (r["requirement"] != "required", r["ok"], r["label"]))
        try:
            rule = rulebook.jurisdiction(code)
        except KeyError:
            rule = None
        sections.append({
            "code": code, "name": getattr(rule, "name", code), "rows": rows,
            # Provenance travels with the checklist: counsel sees what each answer rests on.
            "title": getattr(rule, "title", ""), "reviewed": str(getattr(rule, "reviewed", "") or ""),
            "unverified": list(getattr(rule, "unverified", []) or []),
        })
    return sections


# ---- mail merge ------------------------------------------------------------------------------------

MERGE_STATE_LABELS = {
    "queued": "queued", "running": "running", "complete": "done", "failed": "failed", "interrupted": "interrupted",
}
MERGE_ACTIVE = frozenset({"queued", "running"})
MERGE_API = "/api/v1/exports/merges"


def _when(ts: Any) -> str:
    from datetime import UTC, datetime

    try:
        return datetime.fromtimestamp(float(ts), UTC).strftime("%Y-%m-%d %H:%M UTC")
    except (TypeError, ValueError, OverflowError, OSError):
        return ""


def merge_job_view(status: dict[str, Any], outputs: list[str] | None = None, more_outputs: int = 0) -> dict[str, Any]:
    """One merge job (the `job.json` status of app.export.jobs.view) as a row of the jobs panel.

    Counts and ids only: the status never holds recipient data, and neither does this row.
    `outputs` are output paths (relative to the job's out/ folder) to link; `more_outputs` how many
    more there are (listed in the manifest). Download links go to the API's file routes.
    """
    state = str(status.get("status") or "queued")
    done, rejected = int(status.get("done") or 0), int(status.get("rejected") or 0)
    total = status.get("total")
    total = int(total) if isinstance(total, int | float) and total >= 0 else None
    processed = done + rejected
    if state == "complete":
        total = processed if total is None else max(total, processed)
    value = min(processed, total) if total is not None else None
    percent = (100 if state == "complete" else int(100 * value / total)) if total else (100 if state == "complete" else None)
    job_id = str(status.get("id", ""))
    base = f"{MERGE_API}/{job_id}"
    finished = state in ("complete", "failed")
    return {
        "id": job_id, "state": state, "label": MERGE_STATE_LABELS.get(state, state),
        "active": state in MERGE_ACTIVE, "finished": finished,
        "done": done, "rejected": rejected, "total": total, "value": value, "percent": percent,
        "format": status.get("format"), "mode": status.get("mode"), "created_by": status.get("created_by") or "",
        "created_at": _when(status.get("created_at")), "error": status.get("error"),
        "resumable": bool(status.get("resumable")),
        "manifest_url": f"{base}/manifest" if state == "complete" else None,
        "rejects_url": f"{base}/rejects" if state in ("complete", "interrupted") or (state == "running" and rejected) else None,
        "summary_url": f"{base}/files/summary.json" if state == "complete" else None,
        "outputs": [{"path": p, "url": f"{base}/files/{p}"} for p in (outputs or [])],
        "more_outputs": more_outputs,
        "per_variant": dict((status.get("summary") or {}).get("per_variant") or {}),
        "reject_reasons": dict((status.get("summary") or {}).get("reject_reasons") or {}),
    }


def merge_polling(jobs: list[dict[str, Any]]) -> bool:
    """Whether the jobs panel should keep polling: while any job is queued or running."""
    return any(j["active"] for j in jobs)


def merge_letters(drafts: list[dict[str, Any]], approved_states: frozenset[str] | set[str]) -> dict[str, Any]:
    """Split an incident's drafts into those a merge mails (approved/signed off) and the rest."""
    rows = [{**d, "mailable": d["state"] in approved_states} for d in drafts]
    return {"drafts": rows, "approved": [d for d in rows if d["mailable"]],
            "waiting": [d for d in rows if not d["mailable"]]}
