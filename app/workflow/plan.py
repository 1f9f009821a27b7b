"""The tracked notification plan: each computed obligation stored as an item that keeps its history.

`sync_plan` is called when an incident is created and whenever its facts change (and lazily when a
plan is read for an incident stored before plans existed). It matches the freshly computed
obligations (app.domain.obligations) to the stored items by their key — jurisdiction, obligation
and recipient — and never loses recorded progress:

- a new obligation becomes a new `open` item (`plan.item_added`);
- an item whose obligation no longer applies is marked `applicable = False` with the facts version
  that withdrew it (`plan.item_withdrawn`); its status and proof stay as they were — a notice already
  sent stays sent — and it comes back as it was if a later facts change brings the obligation back
  (`plan.item_reinstated`);
- a moved deadline keeps the value it had before in `previous_due` / `previous_due_at` and counts
  `due_revision` up (`plan.due_changed`); reminders are keyed by the deadline moment, so a moved
  deadline gets its own reminders, and the calendar event keeps its UID with a higher SEQUENCE.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.facts import IncidentFacts
from app.domain.obligations import Obligation, obligations_report
from app.store.models import Incident, User, utcnow
from app.store.plan_models import PlanAttachment, PlanItem
from app.workflow import audit
from app.workflow.context import WorkflowContext

STATUSES = ("open", "in_progress", "done", "not_required")
OPEN_STATUSES = ("open", "in_progress")


@dataclass
class PlanChanges:
    """What one sync did, by item id."""

    added: list[int] = field(default_factory=list)
    withdrawn: list[int] = field(default_factory=list)
    reinstated: list[int] = field(default_factory=list)
    moved: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[int]]:
        """JSON-ready summary."""
        return {
            "added": self.added,
            "withdrawn": self.withdrawn,
            "reinstated": self.reinstated,
            "moved": self.moved,
        }


def item_key(o: Obligation) -> str:
    """The identity an obligation keeps across facts changes."""
    return f"{o.jurisdiction}|{o.obligation}|{o.recipient}"


def items(session: Session, incident_id: int) -> list[PlanItem]:
    """Every item of the incident's plan (withdrawn ones too), by id."""
    return list(
        session.execute(
            select(PlanItem).where(PlanItem.incident_id == incident_id).order_by(PlanItem.id)
        ).scalars()
    )


def attachments(session: Session, item_ids: list[int]) -> dict[int, list[PlanAttachment]]:
    """Proof files per item id (metadata and content)."""
    out: dict[int, list[PlanAttachment]] = {i: [] for i in item_ids}
    if not item_ids:
        return out
    rows = session.execute(
        select(PlanAttachment)
        .where(PlanAttachment.item_id.in_(item_ids))
        .order_by(PlanAttachment.id)
    ).scalars()
    for a in rows:
        out[a.item_id].append(a)
    return out


def utc(moment: datetime | None) -> datetime | None:
    """A moment in UTC; a naive one (SQLite gives stored moments back without offset) is UTC already."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _same_moment(a: datetime | None, b: datetime | None) -> bool:
    return utc(a) == utc(b)


def _moved(item: PlanItem, o: Obligation) -> bool:
    return item.due != o.due or not _same_moment(item.due_at, o.due_at)


def _due_text(due: Any, due_at: datetime | None) -> str | None:
    if due_at is not None:
        return utc(due_at).isoformat()  # type: ignore[union-attr]
    return due.isoformat() if due else None


def _new_item(incident: Incident, key: str, o: Obligation, now: datetime) -> PlanItem:
    return PlanItem(
        incident_id=incident.id,
        key=key,
        jurisdiction=o.jurisdiction,
        obligation=o.obligation,
        recipient=o.recipient[:300],
        due=o.due,
        due_at=utc(o.due_at),
        due_revision=0,
        deadline=o.deadline,
        basis=o.basis,
        citation=o.citation,
        unverified=o.unverified,
        affected=o.affected,
        applicable=True,
        facts_version=incident.facts_version,
        status="open",
        version=1,
        created_at=now,
        updated_at=now,
    )


def _refresh(item: PlanItem, o: Obligation, incident: Incident) -> None:
    item.deadline, item.basis, item.citation = o.deadline, o.basis, o.citation
    item.unverified, item.affected = o.unverified, o.affected
    item.facts_version = incident.facts_version


def sync_plan(
    session: Session,
    ctx: WorkflowContext,
    actor: User | None,
    incident: Incident,
    facts: IncidentFacts,
) -> PlanChanges:
    """Bring the stored plan in line with `facts` (the incident's current facts). Flushes; the caller commits."""
    report = obligations_report(facts, ctx.rulebook, ctx.now())
    stored = {i.key: i for i in items(session, incident.id)}
    changes = PlanChanges()
    now = utcnow()
    seen: set[str] = set()
    for o in report.obligations:
        key = item_key(o)
        n = 2
        while key in seen:  # the same notice owed twice under one law: keep both, in order
            key, n = f"{item_key(o)}#{n}", n + 1
        seen.add(key)
        item = stored.get(key)
        if item is None:
            item = _new_item(incident, key, o, now)
            session.add(item)
            session.flush()
            changes.added.append(item.id)
            _audit(session, actor, "plan.item_added", item, {"due": _due_text(o.due, o.due_at)})
            continue
        _refresh(item, o, incident)
        touched = False
        if _moved(item, o):
            old = _due_text(item.due, item.due_at)
            item.previous_due, item.previous_due_at = item.due, item.due_at
            item.due, item.due_at = o.due, utc(o.due_at)
            item.due_revision += 1
            touched = True
            changes.moved.append(item.id)
            _audit(
                session,
                actor,
                "plan.due_changed",
                item,
                {"from": old, "to": _due_text(o.due, o.due_at), "status": item.status},
            )
        if not item.applicable:
            item.applicable, item.withdrawn_in = True, None
            touched = True
            changes.reinstated.append(item.id)
            _audit(session, actor, "plan.item_reinstated", item, {"status": item.status})
        if touched:
            item.version += 1
            item.updated_at = now
    for key, item in stored.items():
        if key not in seen and item.applicable:
            item.applicable, item.withdrawn_in = False, incident.facts_version
            item.version += 1
            item.updated_at = now
            changes.withdrawn.append(item.id)
            _audit(
                session,
                actor,
                "plan.item_withdrawn",
                item,
                {"facts_version": incident.facts_version, "status": item.status},
            )
    session.flush()
    return changes


def needs_sync(session: Session, incident: Incident) -> bool:
    """True when the stored plan was computed from older facts (or never)."""
    versions = {i.facts_version for i in items(session, incident.id)}
    return not versions or max(versions) < incident.facts_version


def _audit(
    session: Session, actor: User | None, action: str, item: PlanItem, details: dict[str, Any]
) -> None:
    audit.record(
        session,
        actor,
        action,
        "plan_item",
        item.id,
        item.version,
        {
            "incident_id": item.incident_id,
            "jurisdiction": item.jurisdiction,
            "obligation": item.obligation,
            "recipient": item.recipient,
            **details,
        },
    )
