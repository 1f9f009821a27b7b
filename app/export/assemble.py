"""Document assembly for exports: a draft version as an ExportDocument rendered to PDF, DOCX, text or
e-mail, and a version's compliance checklist, with the file names they are downloaded under.

The API's export routes stay thin (access, audit, HTTP response); everything about what goes into
the document lives here so the CLI and pages can produce the same files.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from app.core.timestamps import iso
from app.domain.channels import artifact_kind
from app.export.checklist import (
    ChecklistExport,
    checklist_csv,
    checklist_pdf,
    readability_targets,
    with_plain_language,
)
from app.export.document import ExportDocument
from app.export.proof import Proof, prove_all
from app.store import repositories as repo
from app.store.enums import ReviewDecision
from app.workflow.states import released

SUBJECT = re.compile(r"^(?:Subject|Asunto):[ \t]*(.+)$", re.MULTILINE | re.IGNORECASE)


def version_hash(text: str) -> str:
    """Content hash of a version's text (SHA-256): printed on exports, checked by the merge."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def letter_title(text: str) -> str:
    """The letter's title: its first `# ` heading, else 'Notice of Data Breach'."""
    m = re.match(r"\s*#\s+(.+)", text)
    return m.group(1).strip() if m else "Notice of Data Breach"


def load_version(session: Any, draft_id: int, number: int | None) -> tuple[Any, Any, Any, bool]:
    """Draft, version (default: current), the facts it was drafted from, and whether it is the
    released one (approved; a regulator notice also signed off: app.workflow.states.released)."""
    draft = repo.get_draft(session, draft_id)
    version = repo.get_version(session, draft_id, number)
    approved = released(draft.state, draft.channel) and version.number == draft.current_version
    facts = repo.facts_version(session, draft.incident_id, version.facts_version).facts
    return draft, version, facts, approved


def export_proof(session: Any, ctx: Any, draft: Any, version: Any) -> list[Proof]:
    """The per-recipient proof of an approved version for every residence its draft covers, with the
    current facts (app.export.proof); a version written on facts that changed its letter fails as
    `stale_facts`. An export is released (no DRAFT watermark) only when every proof passes."""
    from types import SimpleNamespace

    from app.workflow.staleness import outdated

    why = outdated(session, ctx, draft, version)
    if why:
        return [Proof("*", draft.variant, tuple(draft.jurisdictions), "stale_facts", " ".join(why))]
    if draft.channel != "letter":
        # Not mailed to residences: the e-mail, posting, FAQ, press statement and regulator notice
        # were checked with their own channel's rules at every save and approved on that report.
        return []
    facts = repo.current_facts(session, draft.incident_id)
    letter = SimpleNamespace(variant_id=draft.variant, text=version.text, language=draft.language)
    proofs = prove_all(
        {r: letter for r in draft.residences or []},
        rulebook=ctx.rulebook,
        settings=ctx.settings,
        facts=facts,
        tones={draft.variant: draft.tone},
    )
    return list(proofs.values())


def letter_document(
    text: str, facts: dict[str, Any], approved: bool, letterhead: str, channel: str = "letter"
) -> ExportDocument:
    """The export document of one version: title from its heading (an e-mail's: its subject),
    organisation from the facts."""
    org = ((facts.get("organisation") or {}).get("name")) or ""
    subject = SUBJECT.search(text) if channel == "email" else None
    return ExportDocument(
        text=text,
        title=subject.group(1).strip() if subject else letter_title(text),
        organisation=org,
        letterhead=letterhead or org,
        approved=approved,
        version_hash=version_hash(text),
    )


def letter_stem(draft: Any, number: int, approved: bool) -> str:
    """Download file name (without extension); an artifact other than an English letter names its
    channel and language (`-email`, `-letter-es`); unapproved versions end in -DRAFT."""
    kind = getattr(draft, "channel", "letter"), getattr(draft, "language", "en")
    suffix = (
        ""
        if kind == ("letter", "en")
        else f"-{kind[0]}" + ("" if kind[1] == "en" else f"-{kind[1]}")
    )
    stem = f"incident{draft.incident_id}-{draft.variant}-{draft.tone}{suffix}-v{number}" + (
        "" if approved else "-DRAFT"
    )
    return re.sub(r"[^A-Za-z0-9.+_-]+", "_", stem)


def export_formats(channel: str) -> tuple[str, ...]:
    """The formats an artifact exports as: every one as PDF, DOCX and text; letters and e-mails
    also as an e-mail message (.eml)."""
    return (
        ("pdf", "docx", "txt", "eml") if channel in ("letter", "email") else ("pdf", "docx", "txt")
    )


def render_artifact(doc: ExportDocument, fmt: str, page_size: str, channel: str) -> bytes:
    """`render_letter`, except that an e-mail artifact's .eml takes its From/Subject lines as headers."""
    if fmt == "eml" and channel == "email":
        from app.export.email import to_bytes
        from app.export.email_artifact import email_message

        return to_bytes(email_message(doc.text, doc.organisation, approved=doc.approved))
    return render_letter(doc, fmt, page_size)


def render_letter(doc: ExportDocument, fmt: str, page_size: str) -> bytes:
    """The letter as pdf, docx, txt or eml bytes (renderers imported on use: WeasyPrint is slow to import)."""
    if fmt == "pdf":
        from app.export.pdf import render_pdf

        return render_pdf(doc, page_size=page_size)  # type: ignore[arg-type]
    if fmt == "docx":
        from app.export.docx import render_docx

        return render_docx(doc, page_size=page_size)  # type: ignore[arg-type]
    if fmt == "txt":
        from app.export.text import render_text

        return render_text(doc).encode("utf-8")
    from app.export.email import build_email, to_bytes

    return to_bytes(build_email(doc))


def checklist_export(session: Any, draft: Any, ver: Any, rulebook: Any = None) -> ChecklistExport:
    """The checklist of a version: the signed-off rows when signed off, else the stored report's elements.

    With the rulebook, the "plain language" row shows the measured grade and ease against the
    tone's targets instead of a sentence.
    """
    incident = repo.get_incident(session, draft.incident_id)
    sign_off = repo.sign_off_for(session, ver.id)
    report = repo.report_for(session, ver)
    rows = sign_off.checklist if sign_off else [e.model_dump(mode="json") for e in report.elements]
    if rulebook is not None:
        rows = with_plain_language(
            rows,
            report.readability,
            readability_targets(rulebook, draft.tone, draft.channel, draft.language),
        )
    approvals = []
    for r in repo.reviews_for(session, ver.id):
        if r.decision == ReviewDecision.APPROVED:
            approvals.append({"user": r.user.email, "role": r.role, "at": iso(r.created_at)})
    signer = None
    if sign_off:
        signer = f"{sign_off.user.email} {iso(sign_off.created_at)}"
    return ChecklistExport(
        incident_name=incident.title,
        draft_id=f"{draft.id} ({draft.variant}, {draft.tone}{_kind(draft)})",
        version_number=ver.number,
        version_hash=version_hash(ver.text),
        rulebook_hash=ver.rulebook_hash,
        rows=rows,
        approvals=approvals,
        signed_off_by=signer,
    )


def _kind(draft: Any) -> str:
    """', email', ', letter:es' — nothing for an English letter (checklists name the artifact)."""
    kind = artifact_kind(draft.channel, draft.language)
    return "" if kind == "letter" else f", {kind}"


def checklist_stem(draft: Any, number: int) -> str:
    """Download file name of a checklist (without extension)."""
    return re.sub(
        r"[^A-Za-z0-9.+_-]+",
        "_",
        f"checklist-incident{draft.incident_id}-{draft.variant}-v{number}",
    )


def render_checklist(export: ChecklistExport, fmt: str) -> bytes:
    """The checklist as csv or pdf bytes."""
    if fmt == "csv":
        return checklist_csv(export).encode("utf-8")
    return checklist_pdf(export)
