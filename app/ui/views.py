"""Pure helpers for the pages: readability targets per tone, the checklist rows and the mail-merge
job rows. No I/O, so they are unit-tested directly.
"""

from __future__ import annotations

import re
from typing import Any

from app.checks.base import Report
from app.export.checklist import readability_targets, with_plain_language
from app.rulebook.loader import Rulebook

STATE_LABELS = {
    "draft": "draft",
    "in_review": "in review",
    "changes_requested": "changes requested",
    "approved": "approved",
    "signed_off": "signed off",
    "stale": "stale: facts changed",
}

# Who a deadline says to tell, in the words a CMO uses (the obligation codes of app.domain.obligations).
OBLIGATION_LABELS = {
    "individuals": "Tell the people affected",
    "regulator": "Tell the regulator",
    "cra": "Tell the credit bureaus",
    "media": "Tell the media",
    "covered_entity": "Tell the covered entity (your client)",
}


# What each channel's artifact is called on the pages (app.domain.channels names the channels).
ARTIFACT_NAMES = {
    "letter": "letter",
    "email": "e-mail",
    "website": "website notice",
    "faq": "FAQ and call script",
    "regulator": "regulator notice",
    "press": "press statement",
}
LANGUAGE_WORDS = {"en": "English", "es": "Spanish"}


def artifact_label(channel: str, language: str) -> str:
    """What an artifact is, in words: 'letter', 'e-mail (Spanish)', 'regulator notice'."""
    name = ARTIFACT_NAMES.get(channel, channel)
    return name if language == "en" else f"{name} ({LANGUAGE_WORDS.get(language, language)})"


def obligation_label(code: str) -> str:
    """A deadline's plain label ('cra' -> 'Tell the credit bureaus'); unknown codes in words."""
    return OBLIGATION_LABELS.get(code, "Tell the " + code.replace("_", " "))


# ---- Readability targets: app.export.checklist.readability_targets (shared with the checklist export)

# The gauge's scale per metric: what the editor shows first (the grade for English, INFLESZ for Spanish).
GAUGE_METRICS = {
    "flesch_kincaid_grade": ("Grade", "Flesch–Kincaid grade", 20),
    "szigriszt_pazos": ("Szigriszt-Pazos (INFLESZ)", "Szigriszt-Pazos, INFLESZ scale", 100),
    "flesch_reading_ease": ("reading ease", "Flesch reading ease", 100),
    "fernandez_huerta": ("Fernández-Huerta", "Fernández-Huerta", 100),
}


def gauge(targets: dict[str, Any]) -> dict[str, Any]:
    """What the editor's readability gauge shows for these targets: the main metric (its name, the
    meter's scale, the target and whether it is a ceiling or a floor) and a second one, if any."""
    parts = []
    for metric, (name, title, scale) in GAUGE_METRICS.items():
        bound = targets.get("metrics", {}).get(metric)
        if bound:
            op = "max" if "max" in bound else "min"
            parts.append(
                {
                    "metric": metric,
                    "name": name,
                    "title": title,
                    "scale": scale,
                    "op": op,
                    "target": bound[op],
                }
            )
    if not parts:  # no rule for this text: the plain-tone default (DESIGN.md)
        parts = [
            {
                "metric": "flesch_kincaid_grade",
                "name": "Grade",
                "title": "Flesch–Kincaid grade",
                "scale": 20,
                "op": "max",
                "target": targets.get("grade_max") or 8.0,
            }
        ]
    return {**parts[0], "second": parts[1] if len(parts) > 1 else None}


# ---- Checklist -----------------------------------------------------------------------------------


def _sentence_at(text: str, start: int | None, end: int | None) -> str | None:
    """The sentence (or line) containing [start, end), for evidence."""
    if start is None or end is None:
        return None
    left = max(
        text.rfind(". ", 0, start) + 2 if text.rfind(". ", 0, start) >= 0 else 0,
        text.rfind("\n", 0, start) + 1,
    )
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


def checklist_sections(
    report: Report,
    text: str,
    rulebook: Rulebook,
    codes: list[str],
    tone: str | None = None,
    artifact: tuple[str, str] = ("letter", "en"),
) -> list[dict[str, Any]]:
    """Per jurisdiction: each required element with its evidence sentence (or missing), each
    prohibited element confirmed absent (or the sentence that breaks the rule). With `tone`, the
    plain-language row shows the measured grade and ease against the targets of the tone and the
    `artifact`'s (channel, language).
    """
    sections = []
    for code in codes:
        rows = []
        for e in report.elements:
            if e.jurisdiction != code:
                continue
            label = e.label or (
                rulebook.elements[e.element].label
                if e.element in rulebook.elements and hasattr(rulebook.elements[e.element], "label")
                else e.element
            )
            evidence = (
                _heading_evidence(text, e.start, e.element) if e.detected else None
            ) or _clean(e.evidence or (_sentence_at(text, e.start, e.end) if e.detected else None))
            rows.append(
                {
                    "element": e.element,
                    "label": label,
                    "requirement": e.requirement,
                    "ok": e.ok,
                    "detected": e.detected,
                    "evidence": evidence,
                    "whole_letter": e.detected and evidence is None,
                    "citation": e.citation,
                    "conditional": e.conditional,
                }
            )
        if tone is not None:
            rows = with_plain_language(
                rows, report.readability, readability_targets(rulebook, tone, *artifact)
            )
        rows.sort(key=lambda r: (r["requirement"] != "required", r["ok"], r["label"]))
        try:
            rule = rulebook.jurisdiction(code)
        except KeyError:
            rule = None
        sections.append(
            {
                "code": code,
                "name": getattr(rule, "name", code),
                "rows": rows,
                # Provenance travels with the checklist: counsel sees what each answer rests on.
                "title": getattr(rule, "title", ""),
                "reviewed": str(getattr(rule, "reviewed", "") or ""),
                "unverified": list(getattr(rule, "unverified", []) or []),
            }
        )
    return sections


# ---- mail merge ------------------------------------------------------------------------------------

MERGE_STATE_LABELS = {
    "queued": "queued",
    "running": "running",
    "complete": "done",
    "failed": "failed",
    "interrupted": "interrupted",
}
MERGE_ACTIVE = frozenset({"queued", "running"})
MERGE_API = "/api/v1/exports/merges"


def _when(ts: Any) -> str:
    from datetime import UTC, datetime

    try:
        return datetime.fromtimestamp(float(ts), UTC).strftime("%Y-%m-%d %H:%M UTC")
    except (TypeError, ValueError, OverflowError, OSError):
        return ""


def merge_job_view(
    status: dict[str, Any], outputs: list[str] | None = None, more_outputs: int = 0
) -> dict[str, Any]:
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
    percent = (
        (100 if state == "complete" else int(100 * value / total))
        if total
        else (100 if state == "complete" else None)
    )
    job_id = str(status.get("id", ""))
    base = f"{MERGE_API}/{job_id}"
    finished = state in ("complete", "failed")
    return {
        "id": job_id,
        "state": state,
        "label": MERGE_STATE_LABELS.get(state, state),
        "active": state in MERGE_ACTIVE,
        "finished": finished,
        "done": done,
        "rejected": rejected,
        "total": total,
        "value": value,
        "percent": percent,
        "format": status.get("format"),
        "mode": status.get("mode"),
        "created_by": status.get("created_by") or "",
        "created_at": _when(status.get("created_at")),
        "error": status.get("error"),
        "resumable": bool(status.get("resumable")),
        "manifest_url": f"{base}/manifest" if state == "complete" else None,
        "rejects_url": f"{base}/rejects"
        if state in ("complete", "interrupted") or (state == "running" and rejected)
        else None,
        "summary_url": f"{base}/files/summary.json" if state == "complete" else None,
        "outputs": [{"path": p, "url": f"{base}/files/{p}"} for p in (outputs or [])],
        "more_outputs": more_outputs,
        "per_variant": dict((status.get("summary") or {}).get("per_variant") or {}),
        "reject_reasons": dict((status.get("summary") or {}).get("reject_reasons") or {}),
    }


def merge_polling(jobs: list[dict[str, Any]]) -> bool:
    """Whether the jobs panel should keep polling: while any job is queued or running."""
    return any(j["active"] for j in jobs)


def merge_letters(
    drafts: list[dict[str, Any]], approved_states: frozenset[str] | set[str]
) -> dict[str, Any]:
    """Split an incident's drafts into those a merge mails (approved/signed off) and the rest."""
    rows = [{**d, "mailable": d["state"] in approved_states} for d in drafts]
    return {
        "drafts": rows,
        "approved": [d for d in rows if d["mailable"]],
        "waiting": [d for d in rows if not d["mailable"]],
    }
