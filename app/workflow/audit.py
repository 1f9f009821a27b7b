"""The audit log: append-only, hash-chained with a key kept outside the database, verifiable.

Each entry's hash is an HMAC-SHA256, keyed with the audit key (app.core.audit_key), over its
canonical JSON content plus the previous entry's hash: editing a past entry breaks its own hash,
deleting one breaks the next link, and without the key nobody can recompute a valid chain. The
single `audit_head` row is locked while appending (serialising appends on PostgreSQL) and holds
the last seq and hash. Cutting off the newest entries and moving the head back leaves a valid
shorter chain, so `checkpoint()` exports signed (seq, hash) marks to a place the database admin
cannot write, and `verify(checkpoints=...)` fails when the chain no longer reaches or matches them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.timestamps import iso, utcnow
from app.store.models import AuditEntry, AuditHead, User

GENESIS = "0" * 64


class AuditKeyMissing(RuntimeError):
    """The session was opened without the audit key (use Database.for_settings)."""


def session_key(session: Session) -> bytes:
    """The audit key the session's Database was opened with."""
    key = session.info.get("audit_key")
    if not key:
        raise AuditKeyMissing(
            "this store was opened without the audit key; open it with Database.for_settings(settings)"
        )
    return key  # type: ignore[no-any-return]


def _mac(key: bytes, payload: dict[str, Any]) -> str:
    data = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode("utf-8")
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def entry_hash(key: bytes, fields: dict[str, Any], prev_hash: str) -> str:
    """HMAC-SHA256 (audit key) of the canonical JSON of an entry's content and the previous hash."""
    return _mac(key, {**fields, "prev_hash": prev_hash})


def entry_fields(e: AuditEntry) -> dict[str, Any]:
    """The content an entry's hash covers (with `at` as the ISO 8601 text that was signed)."""
    return {
        "seq": e.seq,
        "at": iso(e.at),  # the ISO 8601 text is what was signed (the form stored before 0005)
        "actor_id": e.actor_id,
        "actor": e.actor,
        "action": e.action,
        "entity": e.entity,
        "entity_id": e.entity_id,
        "version": e.version,
        "details": e.details,
    }


def record(
    session: Session,
    actor: User | None,
    action: str,
    entity: str,
    entity_id: int | None,
    version: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry in the caller's transaction (commits with the state change it records)."""
    key = session_key(session)
    head = session.execute(
        select(AuditHead).where(AuditHead.id == 1).with_for_update()
    ).scalar_one()
    entry = AuditEntry(
        seq=head.seq + 1,
        at=utcnow(),
        actor_id=actor.id if actor else None,
        actor=actor.email if actor else "system",
        action=action,
        entity=entity,
        entity_id=entity_id,
        version=version,
        details=details or {},
        prev_hash=head.hash,
        hash="",
    )
    entry.hash = entry_hash(key, entry_fields(entry), head.hash)
    session.add(entry)
    head.seq, head.hash = entry.seq, entry.hash
    session.flush()
    return entry


# ---- checkpoints ---------------------------------------------------------------------------------


def checkpoint(session: Session) -> dict[str, Any]:
    """A signed mark of the chain's current end: {seq, hash, at, mac} (write it outside the database)."""
    key = session_key(session)
    head = session.get(AuditHead, 1)
    mark = {
        "seq": head.seq if head else 0,
        "hash": head.hash if head else GENESIS,
        "at": utcnow().isoformat(),
    }
    return {**mark, "mac": _mac(key, {"checkpoint": mark})}


def checkpoint_valid(key: bytes, mark: dict[str, Any]) -> bool:
    """True when the checkpoint was signed with `key` and not altered."""
    body = {k: mark.get(k) for k in ("seq", "hash", "at")}
    return isinstance(mark.get("mac"), str) and hmac.compare_digest(
        _mac(key, {"checkpoint": body}), mark["mac"]
    )


def read_checkpoints(text: str) -> list[dict[str, Any]]:
    """Parse a checkpoint file (one JSON object per line); ValueError naming the bad line."""
    marks = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            mark = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"line {n}: not JSON ({exc.msg})") from None
        if (
            not isinstance(mark, dict)
            or not isinstance(mark.get("seq"), int)
            or not isinstance(mark.get("hash"), str)
        ):
            raise ValueError(f"line {n}: a checkpoint needs integer `seq` and string `hash`")
        marks.append(mark)
    return marks


def checkpoints_from_file(path: Path | None) -> list[dict[str, Any]]:
    """The checkpoints stored in `path` (none when unset or not written yet); ValueError when unreadable."""
    if path is None or not path.exists():
        return []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot read: {exc}") from None
    try:
        return read_checkpoints(text)
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None


# ---- verification ----------------------------------------------------------------------------------


@dataclass
class VerifyResult:
    """Outcome of a chain check: ok, how many entries, and the first broken one with why."""

    ok: bool
    entries: int
    broken_seq: int | None = None
    reason: str = ""
    checkpoints: int = 0


def verify(
    session: Session, checkpoints: list[dict[str, Any]] | None = None, batch: int = 1000
) -> VerifyResult:
    """Walk the chain in order; report the first entry whose hash, link or number is wrong, then
    check the chain against the signed checkpoints (a cut-off tail or a rewritten entry fails)."""
    key = session_key(session)
    marks = sorted(checkpoints or [], key=lambda m: m["seq"])
    for m in marks:
        if not checkpoint_valid(key, m):
            return VerifyResult(
                False,
                0,
                m["seq"],
                f"checkpoint at entry {m['seq']} is not signed with this audit key",
            )
    wanted = {m["seq"]: m["hash"] for m in marks}
    prev, expected, count, last = GENESIS, 1, 0, 0
    while True:
        rows = (
            session.execute(
                select(AuditEntry)
                .where(AuditEntry.seq >= expected)
                .order_by(AuditEntry.seq)
                .limit(batch)
            )
            .scalars()
            .all()
        )
        if not rows:
            break
        for e in rows:
            if e.seq != expected:
                return VerifyResult(
                    False, count, expected, f"entry {expected} is missing (next is {e.seq})"
                )
            if e.prev_hash != prev:
                return VerifyResult(
                    False, count, e.seq, "previous-hash link does not match the entry before it"
                )
            if not hmac.compare_digest(entry_hash(key, entry_fields(e), e.prev_hash), e.hash):
                return VerifyResult(
                    False,
                    count,
                    e.seq,
                    "content does not match its keyed hash (entry was edited or rewritten)",
                )
            if e.seq in wanted and wanted[e.seq] != e.hash:
                return VerifyResult(
                    False,
                    count,
                    e.seq,
                    "entry differs from the signed checkpoint (the chain was rewritten)",
                )
            prev, expected, count, last = e.hash, expected + 1, count + 1, e.seq
    head = session.get(AuditHead, 1)
    if head is None or head.seq != last or head.hash != prev:
        seq = head.seq if head else last
        return VerifyResult(
            False,
            count,
            last + 1 if head and head.seq > last else seq,
            f"chain ends at {last} but the head records entry {seq} (entries were deleted)",
        )
    if marks and marks[-1]["seq"] > last:
        return VerifyResult(
            False,
            count,
            last + 1,
            f"chain ends at {last} but a signed checkpoint records entry "
            f"{marks[-1]['seq']} (entries were deleted)",
        )
    return VerifyResult(True, count, checkpoints=len(marks))
