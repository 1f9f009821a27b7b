"""The evidence bundle: everything a regulator or a court asks for about one incident, in one zip.

Contents (docs/obligations.md lists every file): the facts versions; each approved letter as a PDF
with its version hash; approvals and sign-offs; waivers with reasons; the compliance checklists;
the tracked plan with status, proof files and the reminders sent; the incident's audit entries
with the verification of the whole chain and a signed checkpoint; the rulebook hash and the legal
sources of every jurisdiction at the time; a manifest with the SHA-256 of every file, and
`manifest.sig` — the manifest's SHA-256 and its HMAC with the audit key — so
`candor evidence verify` notices any changed byte in any file (app.export.evidence_verify).

No recipient list or recipient personal data is included unless asked for (`include_recipients`:
the mail-merge manifests and reject lists of the incident's merge jobs still kept).
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.export import jobs
from app.export.assemble import (
    checklist_export,
    checklist_stem,
    letter_document,
    letter_stem,
    load_version,
    render_checklist,
    render_letter,
    version_hash,
)
from app.store import repositories as repo
from app.store.models import User
from app.workflow import audit
from app.workflow.plan import attachments, items
from app.workflow.plan_view import plan_rows
from app.workflow.reminders import deliveries

FORMAT = "candor-evidence/1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
APPROVER_ROLES = ("cmo", "security")


@dataclass
class Bundle:
    """Files by path (bytes), in the order they are written."""

    files: dict[str, bytes] = field(default_factory=dict)

    def add_json(self, path: str, data: Any) -> None:
        """Add pretty, key-sorted JSON."""
        self.files[path] = (json.dumps(data, indent=2, sort_keys=True, default=str) + "\n").encode()

    def add(self, path: str, data: bytes) -> None:
        """Add raw bytes."""
        self.files[path] = data


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9.+_-]+", "_", name)


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _email(session: Any, user_id: int | None, cache: dict[int, str]) -> str | None:
    if user_id is None:
        return None
    if user_id not in cache:
        cache[user_id] = repo.get_user(session, user_id).email
    return cache[user_id]


def _facts(session: Any, bundle: Bundle, incident_id: int, emails: dict[int, str]) -> None:
    for fv in repo.facts_versions(session, incident_id):
        bundle.add_json(
            f"facts/facts-v{fv.number}.json",
            {
                "number": fv.number,
                "created_at": _iso(fv.created_at),
                "created_by": _email(session, fv.created_by, emails),
                "facts": fv.facts,
            },
        )


def _reviews(session: Any, version: Any, emails: dict[int, str]) -> list[dict[str, Any]]:
    return [
        {
            "user": _email(session, r.user_id, emails),
            "role": r.role,
            "decision": r.decision,
            "comment": r.comment,
            "at": _iso(r.created_at),
        }
        for r in repo.reviews_for(session, version.id)
    ]


def _letters(
    session: Any, ctx: Any, bundle: Bundle, incident_id: int, emails: dict[int, str]
) -> set[str]:
    """Approved letters (PDF), approvals, sign-offs, waivers, checklists; returns the rulebook hashes used."""
    index, reviews, waivers, hashes = [], [], [], set()
    for draft in repo.list_drafts(session, incident_id):
        for version in repo.list_versions(session, draft.id):
            hashes.add(version.rulebook_hash)
            rv = _reviews(session, version, emails)
            sign = repo.sign_off_for(session, version.id)
            where = {
                "draft_id": draft.id,
                "variant": draft.variant,
                "tone": draft.tone,
                "version": version.number,
            }
            reviews += [where | r for r in rv]
            if sign:
                reviews.append(
                    where
                    | {
                        "user": _email(session, sign.user_id, emails),
                        "role": "compliance",
                        "decision": "signed_off",
                        "comment": sign.comment,
                        "at": _iso(sign.created_at),
                    }
                )
            waivers += [
                where
                | {
                    "finding": w.finding_id,
                    "rule": w.rule,
                    "reason": w.reason,
                    "by": _email(session, w.created_by, emails),
                    "at": _iso(w.created_at),
                }
                for w in repo.waivers_for(session, version.id)
            ]
            approved_by = {r["role"] for r in rv if r["decision"] in ("approved", "approve")}
            if not set(APPROVER_ROLES) <= approved_by:
                continue
            d, ver, facts, current = load_version(session, draft.id, version.number)
            stem = letter_stem(d, ver.number, current)
            pdf = render_letter(
                letter_document(ver.text, facts, current, ctx.settings.LETTERHEAD), "pdf", "A4"
            )
            bundle.add(f"letters/{stem}.pdf", pdf)
            checklist = checklist_export(session, d, ver, ctx.rulebook)
            bundle.add(
                f"checklists/{checklist_stem(d, ver.number)}.csv",
                render_checklist(checklist, "csv"),
            )
            index.append(
                where
                | {
                    "jurisdictions": list(d.jurisdictions),
                    "state": d.state,
                    "current_version": d.current_version,
                    "version_hash": version_hash(ver.text),
                    "rulebook_hash": ver.rulebook_hash,
                    "facts_version": ver.facts_version,
                    "file": f"letters/{stem}.pdf",
                    "checklist": f"checklists/{checklist_stem(d, ver.number)}.csv",
                    "signed_off": sign is not None,
                }
            )
    bundle.add_json("letters/index.json", index)
    bundle.add_json("approvals.json", reviews)
    bundle.add_json("waivers.json", waivers)
    return hashes


def _plan(session: Any, ctx: Any, bundle: Bundle, incident_id: int) -> None:
    rows = plan_rows(session, incident_id, ctx.now())
    ids = [r["id"] for r in rows]
    for item_id, files in attachments(session, ids).items():
        for a in files:
            path = f"plan/proof/item-{item_id}/{a.id}-{_safe(a.filename)}"
            bundle.add(path, a.data)
            for r in rows:
                for meta in r["attachments"] if r["id"] == item_id else []:
                    if meta["id"] == a.id:
                        meta["file"] = path
    bundle.add_json("plan/plan.json", rows)
    bundle.add_json(
        "plan/reminders.json",
        [
            {
                "item_id": d.item_id,
                "threshold": d.threshold,
                "channel": d.channel,
                "deadline_moment": _iso(d.due_moment),
                "status": d.status,
                "attempts": d.attempts,
                "error": d.last_error,
                "sent_at": _iso(d.sent_at),
            }
            for d in deliveries(session, ids)
        ],
    )


def _audit(session: Any, bundle: Bundle, incident_id: int) -> None:
    drafts = {d.id for d in repo.list_drafts(session, incident_id)}
    plan_ids = {i.id for i in items(session, incident_id)}
    mine = []
    after = 0
    while True:
        batch = repo.audit_entries(session, after=after, limit=1000)
        if not batch:
            break
        for e in batch:
            details = e.details or {}
            if (
                (e.entity == "incident" and e.entity_id == incident_id)
                or (e.entity == "draft" and e.entity_id in drafts)
                or (e.entity == "plan_item" and e.entity_id in plan_ids)
                or details.get("incident_id") == incident_id
            ):
                mine.append(repo.as_dict(e))
        after = batch[-1].seq
    bundle.add(
        "audit/entries.jsonl",
        "".join(json.dumps(e, sort_keys=True, default=str) + "\n" for e in mine).encode(),
    )
    result = audit.verify(session)
    bundle.add_json(
        "audit/verification.json",
        {
            "chain_ok": result.ok,
            "entries_verified": result.entries,
            "broken_seq": result.broken_seq,
            "reason": result.reason,
            "checkpoint": audit.checkpoint(session),
            "incident_entries": len(mine),
        },
    )


def _rulebook(ctx: Any, bundle: Bundle, used: set[str]) -> None:
    rb = ctx.rulebook
    bundle.add_json(
        "rulebook/sources.json",
        {
            "rulebook_hash": rb.hash,
            "hashes_letters_were_checked_with": sorted(used),
            "same_as_letters": used <= {rb.hash},
            "jurisdictions": [
                {
                    "code": code,
                    "name": r.name,
                    "title": r.title,
                    "source": r.source,
                    "reviewed": r.reviewed.isoformat(),
                    "status": r.status,
                    "unverified": list(r.unverified),
                    "sources": [s.model_dump(mode="json") for s in r.sources],
                    "deadline_citations": sorted({d.citation for d in r.deadlines if d.citation}),
                }
                for code, r in sorted(rb.jurisdictions.items())
            ],
            "rules": [
                {"id": rid, "kind": rule.kind, "source": getattr(rule, "source", "") or ""}
                for rid, rule in sorted(rb.rules.items())
                if rule.kind != "legal_elements"
            ],
        },
    )


def _recipients(session: Any, ctx: Any, bundle: Bundle, incident_id: int) -> None:
    """The merge manifests and reject lists (recipient ids) of the incident's jobs still on disk."""
    export_dir = Path(ctx.settings.EXPORT_DIR)
    for status in jobs.list_jobs(session, incident_id=incident_id):
        out = jobs.job_dir(export_dir, str(status["id"])) / jobs.OUT
        for path in (out / "manifest.csv", out / "_work" / "manifest.csv", out / "rejects.csv"):
            if path.is_file():
                bundle.add(f"recipients/merge-{status['id']}/{path.name}", path.read_bytes())


def build_bundle(
    session: Any,
    ctx: Any,
    actor: User | None,
    incident_id: int,
    *,
    include_recipients: bool = False,
) -> bytes:
    """The zip for one incident (audited as `evidence.exported`; the caller commits)."""
    incident = repo.get_incident(session, incident_id)
    now = datetime.now(UTC)
    emails: dict[int, str] = {}
    bundle = Bundle()
    _facts(session, bundle, incident_id, emails)
    used = _letters(session, ctx, bundle, incident_id, emails)
    _plan(session, ctx, bundle, incident_id)
    if include_recipients:
        _recipients(session, ctx, bundle, incident_id)
    _rulebook(ctx, bundle, used)
    audit.record(
        session,
        actor,
        "evidence.exported",
        "incident",
        incident_id,
        incident.facts_version,
        {"include_recipients": include_recipients},
    )
    _audit(session, bundle, incident_id)
    bundle.add_json(
        "incident.json",
        {
            "id": incident.id,
            "title": incident.title,
            "created_at": _iso(incident.created_at),
            "facts_version": incident.facts_version,
            "generated_at": now.isoformat(),
            "generated_by": actor.email if actor else "system",
            "includes_recipient_data": include_recipients,
        },
    )
    return _zip(bundle, audit.session_key(session), now, incident_id)


def manifest_for(files: dict[str, bytes], incident_id: int, now: datetime) -> bytes:
    """The manifest: format, incident, time and every file's SHA-256 and size."""
    body = {
        "format": FORMAT,
        "incident_id": incident_id,
        "generated_at": now.isoformat(),
        "files": [
            {"path": p, "sha256": hashlib.sha256(d).hexdigest(), "bytes": len(d)}
            for p, d in sorted(files.items())
        ],
    }
    return (json.dumps(body, indent=2, sort_keys=True) + "\n").encode()


def signature_for(manifest: bytes, key: bytes) -> bytes:
    """manifest.sig: the manifest's SHA-256 (checks without the key) and its HMAC-SHA256 with the audit key."""
    return (
        json.dumps(
            {
                "manifest_sha256": hashlib.sha256(manifest).hexdigest(),
                "hmac_sha256": hmac.new(key, manifest, hashlib.sha256).hexdigest(),
            },
            indent=2,
            sort_keys=True,
        )
        + "\n"
    ).encode()


def _zip(bundle: Bundle, key: bytes, now: datetime, incident_id: int) -> bytes:
    manifest = manifest_for(bundle.files, incident_id, now)
    stamp = now.timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for path, data in [
            *bundle.files.items(),
            (MANIFEST, manifest),
            (SIGNATURE, signature_for(manifest, key)),
        ]:
            info = zipfile.ZipInfo(path, date_time=stamp)  # type: ignore[arg-type]
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return out.getvalue()
