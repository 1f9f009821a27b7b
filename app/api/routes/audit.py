"""Reading and verifying the audit log (admin and compliance)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.api.deps import SessionDep, SettingsDep
from app.api.schemas import AuditEntryPublic, AuditVerifyPublic
from app.auth.policy import allow
from app.core.errors import ConfigError
from app.store import repositories as repo
from app.workflow import audit

router = APIRouter(prefix="/audit", tags=["audit"], dependencies=[allow("admin", "compliance")])


@router.get("", response_model=list[AuditEntryPublic])
def list_entries(
    session: SessionDep,
    after: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    entity: Annotated[str | None, Query(max_length=40)] = None,
    entity_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> list[AuditEntryPublic]:
    """Entries in order after `after`; filter by entity (`draft`, `incident`, `user`) and id."""
    rows = repo.audit_entries(session, after=after, limit=limit, entity=entity, entity_id=entity_id)
    return [AuditEntryPublic.model_validate(e, from_attributes=True) for e in rows]


@router.get("/verify", response_model=AuditVerifyPublic)
def verify(session: SessionDep, settings: SettingsDep) -> AuditVerifyPublic:
    """Check the keyed hash chain and the signed checkpoints (CANDOR_AUDIT_CHECKPOINTS); names the first broken entry."""
    try:
        marks = audit.checkpoints_from_file(settings.AUDIT_CHECKPOINTS)
    except ValueError as exc:
        raise ConfigError(f"The audit checkpoint file is unreadable: {exc}") from None
    r = audit.verify(session, marks)
    return AuditVerifyPublic(
        ok=r.ok,
        entries=r.entries,
        broken_seq=r.broken_seq,
        reason=r.reason,
        checkpoints=r.checkpoints,
    )
