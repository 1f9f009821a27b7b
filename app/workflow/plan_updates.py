"""Recording what was done about one notice: status, how and when it was sent, proof, or why not.

Every change names the item version it was made on (optimistic locking, as drafts and facts do;
409 naming the current version when another change came first) and is audited. Status moves
open → in progress → done, or to not required; a done or not-required item can be reopened.
`done` needs the moment it was sent and the method; `not_required` needs the reason (the decider
is the user who records it). A letter version of the incident can be linked as the proof of an
"individuals" item it fulfils; a merge run is linked by its job id.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.errors import Conflict, InvalidInput, NotFound
from app.store import repositories as repo
from app.store.merge_models import MergeJob
from app.store.models import User, utcnow
from app.store.plan_models import PlanAttachment, PlanItem
from app.workflow import audit
from app.workflow.plan import STATUSES, utc

METHODS = ("mail", "email", "portal", "substitute_notice", "phone", "fax", "in_person", "other")
MAX_ATTACHMENT_BYTES = 10_000_000
UNSET: Any = object()


@dataclass
class ItemChange:
    """The fields a user may change; UNSET leaves a field as it is."""

    status: str = UNSET
    sent_at: datetime | None = UNSET
    method: str | None = UNSET
    sent_by: str | None = UNSET
    reference: str | None = UNSET
    reason: str | None = UNSET
    note: str | None = UNSET
    proof_draft_id: int | None = UNSET
    proof_version: int | None = UNSET
    proof_merge: str | None = UNSET

    def given(self) -> dict[str, Any]:
        """Only the fields the caller set."""
        return {k: v for k, v in self.__dict__.items() if v is not UNSET}


def get_item(session: Session, incident_id: int, item_id: int, *, lock: bool = False) -> PlanItem:
    """The item of this incident; NotFound naming where to look otherwise."""
    stmt = select(PlanItem).where(PlanItem.id == item_id, PlanItem.incident_id == incident_id)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    item = session.execute(stmt).scalar_one_or_none()
    if item is None:
        raise NotFound(
            f"Incident {incident_id} has no plan item {item_id}. "
            f"List them with GET /api/v1/incidents/{incident_id}/plan."
        )
    return item


def _bad(field: str, message: str) -> InvalidInput:
    return InvalidInput(f"{field}: {message}", details=[{"field": field, "message": message}])


def _check_values(values: dict[str, Any]) -> None:
    if "status" in values and values["status"] not in STATUSES:
        raise _bad("status", f"use one of {', '.join(STATUSES)}")
    if values.get("method") is not None and values["method"] not in METHODS:
        raise _bad("method", f"use one of {', '.join(METHODS)}")
    sent_at = values.get("sent_at")
    if sent_at is not None and sent_at.tzinfo is None:
        raise _bad("sent_at", "give the UTC offset, e.g. 2026-10-02T14:30:00+00:00")
    for name, limit in (("reference", 200), ("sent_by", 254), ("proof_merge", 100)):
        value = values.get(name)
        if value is not None and len(value) > limit:
            raise _bad(name, f"at most {limit} characters")


def _check_proof(session: Session, item: PlanItem, values: dict[str, Any]) -> None:
    draft_id = values.get("proof_draft_id", item.proof_draft_id)
    number = values.get("proof_version", item.proof_version)
    if ("proof_draft_id" in values or "proof_version" in values) and draft_id is not None:
        if item.obligation != "individuals":
            raise _bad(
                "proof_draft_id",
                "a letter is proof only for an 'individuals' item; attach a file instead",
            )
        try:
            draft = repo.get_draft(session, draft_id)
        except NotFound:
            draft = None
        if draft is None or draft.incident_id != item.incident_id:
            raise _bad("proof_draft_id", f"incident {item.incident_id} has no draft {draft_id}")
        if item.jurisdiction not in draft.jurisdictions:
            raise _bad(
                "proof_draft_id",
                f"draft {draft_id} ({draft.variant}) is not a letter under {item.jurisdiction}",
            )
        if number is None:
            raise _bad("proof_version", "name the letter version that was sent")
        try:
            repo.get_version(session, draft_id, number)
        except NotFound:
            raise _bad("proof_version", f"draft {draft_id} has no version {number}") from None
    merge = values.get("proof_merge")
    if merge is not None and not re.fullmatch(r"[A-Za-z0-9._-]{1,100}", merge):
        raise _bad("proof_merge", "a merge job id (letters, digits, '.', '_', '-')")
    if merge is not None:
        job = session.get(MergeJob, merge)
        if job is None or job.incident_id != item.incident_id:
            raise _bad(
                "proof_merge",
                f"incident {item.incident_id} has no merge job {merge}; "
                "list merge jobs with GET /api/v1/exports/merges",
            )


def _check_status(item: PlanItem, after: dict[str, Any]) -> None:
    if after["status"] == "done":
        if after["sent_at"] is None:
            raise _bad("sent_at", "say when the notice was sent (date and time with offset)")
        if after["method"] is None:
            raise _bad("method", f"say how it was sent: {', '.join(METHODS)}")
    if after["status"] == "not_required" and not (after["reason"] or "").strip():
        raise _bad(
            "reason", "say why this notice is not required (e.g. the documented no-harm finding)"
        )


def update_item(
    session: Session,
    actor: User,
    incident_id: int,
    item_id: int,
    change: ItemChange,
    base_version: int,
    *,
    commit: bool = True,
) -> PlanItem:
    """Apply `change` if `base_version` is current; 409 naming the current version otherwise.
    Commits unless `commit=False` (a caller saving a proof file with it commits both at once)."""
    item = get_item(session, incident_id, item_id, lock=True)
    if base_version != item.version:
        raise Conflict(
            f"Plan item {item_id} is at version {item.version}, not {base_version}: someone changed it. "
            f"Reload it, reapply your change and send base_version {item.version}.",
            details={"item_id": item_id, "current_version": item.version},
        )
    values = change.given()
    _check_values(values)
    fields = (
        "status",
        "sent_at",
        "method",
        "sent_by",
        "reference",
        "reason",
        "note",
        "proof_draft_id",
        "proof_version",
        "proof_merge",
    )
    before = {f: getattr(item, f) for f in fields}
    before["sent_at"] = utc(before["sent_at"])
    after = {**before, **values}
    if after["status"] == "done" and not after.get("sent_by"):
        after["sent_by"] = actor.email
    _check_status(item, after)
    _check_proof(session, item, values)
    if after["sent_at"] is not None:
        after["sent_at"] = utc(after["sent_at"])
    changed = {f: after[f] for f in fields if after[f] != before[f]}
    if not changed:
        if commit:
            session.commit()
        return item
    for f, v in changed.items():
        setattr(item, f, v)
    if "status" in changed and changed["status"] == "not_required":
        item.decided_by = actor.id
    item.version += 1
    item.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        "plan.item_updated",
        "plan_item",
        item.id,
        item.version,
        {
            "incident_id": incident_id,
            "jurisdiction": item.jurisdiction,
            "recipient": item.recipient,
            "from_status": before["status"],
            "changed": {k: _jsonable(v) for k, v in changed.items() if k != "note"}
            | ({"note": "(changed)"} if "note" in changed else {}),
        },
    )
    if commit:
        session.commit()
    return item


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


SAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")


def clean_filename(name: str) -> str:
    """A file name safe for a download header and a zip entry: no folders, no odd characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = SAFE_NAME.sub("_", base).strip(" .")
    return base[:200] or "attachment"


def add_attachment(
    session: Session,
    actor: User,
    incident_id: int,
    item_id: int,
    filename: str,
    content_type: str,
    data: bytes,
    *,
    commit: bool = True,
) -> PlanAttachment:
    """Store one proof file on the item (SHA-256 recorded and audited). Commits unless `commit=False`."""
    item = get_item(session, incident_id, item_id, lock=True)
    if not data:
        raise _bad("file", "the file is empty")
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise _bad("file", f"at most {MAX_ATTACHMENT_BYTES // 1_000_000} MB per file")
    att = PlanAttachment(
        item_id=item.id,
        filename=clean_filename(filename),
        content_type=(content_type or "application/octet-stream")[:100],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        uploaded_by=actor.id,
        created_at=utcnow(),
    )
    session.add(att)
    item.version += 1
    item.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        "plan.attachment_added",
        "plan_item",
        item.id,
        item.version,
        {
            "incident_id": incident_id,
            "attachment_id": att.id,
            "filename": att.filename,
            "sha256": att.sha256,
            "size": att.size,
        },
    )
    if commit:
        session.commit()
    return att


def get_attachment(
    session: Session, incident_id: int, item_id: int, attachment_id: int
) -> PlanAttachment:
    """One proof file of the item."""
    get_item(session, incident_id, item_id)
    att = session.get(PlanAttachment, attachment_id)
    if att is None or att.item_id != item_id:
        raise NotFound(f"Plan item {item_id} has no attachment {attachment_id}.")
    return att
