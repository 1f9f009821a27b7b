"""What the API, the pages, the CLI, the calendar and the evidence bundle show of a plan.

Rows are sorted by their deadline moment (no fixed date last), carry the time left counted from
the workflow's clock (hours when fewer than 72 remain, for day clocks too: a day clock ends at
24:00 UTC of its last day) and whether they are overdue. Only open and in-progress items that still
apply can be overdue; a done item shows when it was sent instead.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from app.domain.obligations import (
    HOURS_SHOWN_BELOW,
    Obligation,
    clock_left,
    deadline_moment,
    is_overdue,
    time_left,
)
from app.store import repositories as repo
from app.store.models import Incident, User
from app.store.plan_models import PlanAttachment, PlanItem
from app.workflow.context import WorkflowContext
from app.workflow.plan import OPEN_STATUSES, attachments, items, needs_sync, sync_plan


def ensure_plan(
    session: Session, ctx: WorkflowContext, actor: User | None, incident: Incident
) -> None:
    """Compute the stored plan when it is older than the facts (incidents from before plans). Commits if it did."""
    if needs_sync(session, incident):
        sync_plan(session, ctx, actor, incident, repo.current_facts(session, incident.id))
        session.commit()


def _as_obligation(item: PlanItem, now: datetime) -> Obligation:
    """The item as an Obligation whose time left reads in hours within 72 hours of the deadline
    (either side of it), in days otherwise."""
    hours, days = clock_left(item.due, item.due_at, now)
    if hours is not None and abs(hours) >= HOURS_SHOWN_BELOW:
        hours = None
    return Obligation(
        jurisdiction=item.jurisdiction,
        obligation=item.obligation,
        recipient=item.recipient,
        due=item.due,
        due_at=item.due_at,
        hours_left=hours,
        days_left=days,
        deadline=item.deadline,
        basis=item.basis,
        citation=item.citation,
        unverified=item.unverified,
        affected=item.affected,
    )


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat()


def attachment_row(a: PlanAttachment) -> dict[str, Any]:
    """An attachment's metadata (never its content)."""
    return {
        "id": a.id,
        "filename": a.filename,
        "content_type": a.content_type,
        "size": a.size,
        "sha256": a.sha256,
        "created_at": _iso(a.created_at),
    }


def item_row(item: PlanItem, now: datetime, files: list[PlanAttachment]) -> dict[str, Any]:
    """One item as JSON-ready data, with time left and overdue counted from `now`."""
    o = _as_obligation(item, now)
    live = item.applicable and item.status in OPEN_STATUSES
    moment = deadline_moment(item.due, item.due_at)
    return {
        "id": item.id,
        "incident_id": item.incident_id,
        "version": item.version,
        "jurisdiction": item.jurisdiction,
        "obligation": item.obligation,
        "recipient": item.recipient,
        "due": _iso(item.due),
        "due_at": _iso(item.due_at),
        "deadline_moment": _iso(moment),
        "previous_due": _iso(item.previous_due),
        "previous_due_at": _iso(item.previous_due_at),
        "due_revision": item.due_revision,
        "hours_left": o.hours_left if live else None,
        "days_left": o.days_left if live else None,
        "time_left": time_left(o) if live else "",
        "overdue": live and is_overdue(o),
        "deadline": item.deadline,
        "basis": item.basis,
        "citation": item.citation,
        "unverified": item.unverified,
        "affected": item.affected,
        "applicable": item.applicable,
        "withdrawn_in": item.withdrawn_in,
        "status": item.status,
        "sent_at": _iso(item.sent_at),
        "method": item.method,
        "sent_by": item.sent_by,
        "reference": item.reference,
        "reason": item.reason,
        "note": item.note,
        "decided_by": item.decided_by,
        "proof": {
            "draft_id": item.proof_draft_id,
            "version": item.proof_version,
            "merge": item.proof_merge,
        },
        "attachments": [attachment_row(a) for a in files],
        "updated_at": _iso(item.updated_at),
    }


def _sort_key(row: dict[str, Any]) -> tuple[Any, ...]:
    """Items that apply first; then by deadline moment (none last), law, kind and recipient."""
    moment = row["deadline_moment"]
    return (
        not row["applicable"],
        moment is None,
        datetime.fromisoformat(moment) if moment else datetime.max.replace(tzinfo=UTC),
        row["jurisdiction"],
        row["obligation"],
        row["recipient"],
    )


def plan_rows(
    session: Session,
    incident_id: int,
    now: datetime,
    *,
    status: str | None = None,
    jurisdiction: str | None = None,
) -> list[dict[str, Any]]:
    """The incident's items, sorted by deadline (withdrawn ones last), optionally filtered."""
    stored = items(session, incident_id)
    files = attachments(session, [i.id for i in stored])
    rows = [item_row(i, now, files[i.id]) for i in stored]
    if status:
        rows = [r for r in rows if r["status"] == status]
    if jurisdiction:
        rows = [r for r in rows if r["jurisdiction"] == jurisdiction.upper()]
    return sorted(rows, key=_sort_key)


def plan_summary(rows: list[dict[str, Any]]) -> dict[str, int]:
    """Counts per status among items that still apply, and how many are overdue."""
    live = [r for r in rows if r["applicable"]]
    out = {
        s: sum(1 for r in live if r["status"] == s)
        for s in ("open", "in_progress", "done", "not_required")
    }
    out["overdue"] = sum(1 for r in live if r["overdue"])
    out["withdrawn"] = len(rows) - len(live)
    return out
