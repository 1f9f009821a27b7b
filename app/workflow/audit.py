"""The audit log: append-only, hash-chained, verifiable.

Each entry's hash is SHA-256 over its canonical JSON content plus the previous entry's hash, so
editing any past entry breaks its own hash and deleting one breaks the next entry's link. The
single `audit_head` row is locked while appending (serialising appends on PostgreSQL) and holds
the last seq and hash, so deleting the newest entries is detected too.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.store.models import AuditEntry, AuditHead, User, utcnow

GENESIS = "0" * 64


def entry_hash(fields: dict[str, Any], prev_hash: str) -> str:
    """SHA-256 of the canonical JSON of an entry's content and the previous hash."""
    payload = json.dumps({**fields, "prev_hash": prev_hash}, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _fields(e: AuditEntry) -> dict[str, Any]:
    return {"seq": e.seq, "at": e.at, "actor_id": e.actor_id, "actor": e.actor, "action": e.action,
            "entity": e.entity, "entity_id": e.entity_id, "version": e.version, "details": e.details}


def record(session: Session, actor: User | None, action: str, entity: str, entity_id: int | None,
           version: int | None = None, details: dict[str, Any] | None = None) -> AuditEntry:
    """Append one entry in the caller's transaction (commits with the state change it records)."""
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one()
    entry = AuditEntry(
        seq=head.seq + 1, at=utcnow().isoformat(), actor_id=actor.id if actor else None,
        actor=actor.email if actor else "system", action=action, entity=entity, entity_id=entity_id,
        version=version, details=details or {}, prev_hash=head.hash, hash="",
    )
    entry.hash = entry_hash(_fields(entry), head.hash)
    session.add(entry)
    head.seq, head.hash = entry.seq, entry.hash
    session.flush()
    return entry


@dataclass
class VerifyResult:
    """Outcome of a chain check: ok, how many entries, and the first broken one with why."""

    ok: bool
    entries: int
    broken_seq: int | None = None
    reason: str = ""


def verify(session: Session, batch: int = 1000) -> VerifyResult:
    """Walk the chain in order; report the first entry whose hash, link or number is wrong."""
    prev, expected, count, last = GENESIS, 1, 0, 0
    while True:
        rows = session.execute(select(AuditEntry).where(AuditEntry.seq >= expected)
                               .order_by(AuditEntry.seq).limit(batch)).scalars().all()
        if not rows:
            break
        for e in rows:
            if e.seq != expected:
                return VerifyResult(False, count, expected, f"entry {expected} is missing (next is {e.seq})")
            if e.prev_hash != prev:
                return VerifyResult(False, count, e.seq, "previous-hash link does not match the entry before it")
            if entry_hash(_fields(e), e.prev_hash) != e.hash:
                return VerifyResult(False, count, e.seq, "content does not match its hash (entry was edited)")
            prev, expected, count, last = e.hash, expected + 1, count + 1, e.seq
    head = session.get(AuditHead, 1)
    if head is None or head.seq != last or head.hash != prev:
        seq = (head.seq if head else last)
        return VerifyResult(False, count, last + 1 if head and head.seq > last else seq,
                            f"chain ends at {last} but the head records entry {seq} (entries were deleted)")
    return VerifyResult(True, count)
