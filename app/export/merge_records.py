"""Recording a merge chunk's outcomes: one ``merge_recipients`` row per input line, few round-trips.

Exactly once is the table's two unique constraints (app.store.merge_models); this module only
makes recording cheap. Each batch is one statement in one transaction with the chunk's progress
counts (no ORM unit of work): on PostgreSQL a COPY — or, when a row of the batch is already
recorded (two attempts of one chunk at once), ``INSERT … SELECT FROM unnest(arrays) ON CONFLICT
DO NOTHING RETURNING outcome`` — and on SQLite one driver-level executemany of ``INSERT … ON
CONFLICT DO NOTHING`` (in-process, no round-trips). On PostgreSQL the copied rows, or the
RETURNING rows, are the rows this attempt inserted, so the counts are kept up to date from them
and from the lines an earlier attempt recorded, instead of recounting the chunk's rows after
every batch; the last batch (and every SQLite batch) recounts from the table, so the stored
counts are exact even when two attempts of one chunk overlapped. The job's ``updated_at`` is
touched when a chunk starts and ends, not per batch: every worker writes that one row, so fewer
writes mean less waiting on its lock.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from app.store.merge_models import MergeChunk, MergeJob, MergeRecipient
from app.store.models import utcnow

_DEFAULTS = {
    "recipient_key": None,
    "residence": "",
    "variant": "",
    "file": "",
    "pages": None,
    "reason_code": "",
    "reason": "",
    "delivery": None,
    "delivery_detail": "",
    "delivery_attempts": 0,
}
"""Every column a record may leave out (one executemany needs the same keys in every row)."""


def recorded_lines(
    s: Session, job_id: str, lines: tuple[int, int]
) -> tuple[set[int], Counter[str]]:
    """The input lines of ``lines`` already recorded (by an earlier attempt) and their outcomes."""
    r = MergeRecipient
    found = s.execute(
        select(r.line, r.outcome).where(r.job_id == job_id, r.line.between(*lines))
    ).all()
    return {line for line, _ in found}, Counter(outcome for _, outcome in found)


_ARRAYS = (
    "line",
    "recipient_id",
    "recipient_key",
    "outcome",
    "residence",
    "variant",
    "file",
    "pages",
    "reason_code",
    "reason",
)
_UNNEST = text(
    "INSERT INTO merge_recipients (job_id, delivery, delivery_detail, delivery_attempts, line, "
    "recipient_id, recipient_key, outcome, residence, variant, file, pages, reason_code, reason) "
    "SELECT :job_id, NULL, '', 0, * FROM unnest(CAST(:line AS integer[]), "
    "CAST(:recipient_id AS text[]), CAST(:recipient_key AS text[]), CAST(:outcome AS text[]), "
    "CAST(:residence AS text[]), CAST(:variant AS text[]), CAST(:file AS text[]), "
    "CAST(:pages AS integer[]), CAST(:reason_code AS text[]), CAST(:reason AS text[])) "
    "ON CONFLICT DO NOTHING RETURNING outcome"
)
"""PostgreSQL: a batch as one array per column — one short statement (prepared once per
connection) whatever the batch size, where a multi-row VALUES statement is parsed anew by the
driver for every batch."""


_COLUMNS = (*_ARRAYS, "delivery", "delivery_detail", "delivery_attempts")
_SQLITE_INSERT = (
    "INSERT INTO merge_recipients (job_id, line, recipient_id, recipient_key, outcome, residence, "
    "variant, file, pages, reason_code, reason, delivery, delivery_detail, delivery_attempts) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
)
"""SQLite: one executemany of plain tuples through the driver (no per-row parameter processing by
SQLAlchemy, which was a fifth of a text merge's time)."""


def _insert(
    s: Session, job_id: str, rows: list[dict[str, Any]]
) -> tuple[Counter[str] | None, bool]:
    """Insert rows, skipping those whose line or recipient is already recorded; the outcomes of
    the rows inserted (None where the database does not say: SQLite, then the caller recounts),
    and whether they all went in by COPY."""
    conn = s.connection()
    if conn.dialect.name == "postgresql":
        copied = _copy(s, job_id, rows)
        if copied is not None:
            return copied, True
        conn = s.connection()  # the COPY's transaction was rolled back: a new one
        columns = {c: [r[c] for r in rows] for c in _ARRAYS}
        return Counter(conn.execute(_UNNEST, {"job_id": job_id, **columns}).scalars()), False
    conn.exec_driver_sql(_SQLITE_INSERT, [(job_id, *(r[c] for c in _COLUMNS)) for r in rows])
    return None, False


_COPY = (
    "COPY merge_recipients (job_id, line, recipient_id, recipient_key, outcome, residence, "
    "variant, file, pages, reason_code, reason, delivery, delivery_detail, delivery_attempts) "
    "FROM STDIN"
)


def _copy(s: Session, job_id: str, rows: list[dict[str, Any]]) -> Counter[str] | None:
    """PostgreSQL: the batch by COPY, its outcomes; None (transaction rolled back) when a row is
    already recorded — another attempt of the chunk is running at the same time — so the caller
    inserts with ON CONFLICT DO NOTHING instead. COPY costs the server about half of an
    ``INSERT … ON CONFLICT`` per row (no conflict probe, no array parsing) and the worker no
    array building (docs/exports.md, migration 0009)."""
    from psycopg.errors import UniqueViolation

    raw = s.connection().connection.driver_connection
    try:
        with raw.cursor() as cur, cur.copy(_COPY) as copy:  # type: ignore[union-attr]
            for r in rows:
                copy.write_row((job_id, *(r[c] for c in _COLUMNS)))
    except UniqueViolation:
        s.rollback()
        return None
    return Counter(r["outcome"] for r in rows)


def _recount(s: Session, job_id: str, lines: tuple[int, int]) -> Counter[str]:
    r = MergeRecipient
    return Counter(
        dict(
            s.execute(  # type: ignore[arg-type]
                select(r.outcome, func.count())
                .where(r.job_id == job_id, r.line.between(*lines))
                .group_by(r.outcome)
            ).all()
        )
    )


class ChunkRecords:
    """The outcomes of one chunk, stored batch by batch (each batch one transaction)."""

    def __init__(
        self, db: Any, job_id: str, number: int, lines: tuple[int, int], earlier: Counter[str]
    ):
        self.db = db
        self.job_id = job_id
        self.number = number
        self.lines = lines
        self.counts = Counter(earlier)
        self.copied: list[dict[str, Any]] | None = [] if not earlier else None
        """Every record of the chunk while each batch went in by COPY onto lines no one had
        recorded (then these are exactly the chunk's rows in the database: the primary key
        (job, line) makes a COPY fail on any line already there); None otherwise."""

    def store(self, batch: Iterable[dict[str, Any]], *, done: bool = False) -> None:
        """Record ``batch`` (records of app.export.merge.shard) and the chunk's counts;
        ``done`` also marks the chunk done (counts recounted from the table)."""
        rows = [{**_DEFAULTS, **rec} for rec in batch]
        with self.db.sessions() as s:
            inserted, by_copy = _insert(s, self.job_id, rows) if rows else (Counter(), True)
            if self.copied is not None and by_copy:
                self.copied.extend(rows)
            else:
                self.copied = None
            if inserted is None or done:
                self.counts = _recount(s, self.job_id, self.lines)
            else:
                self.counts.update(inserted)
            values: dict[str, Any] = {
                "done": self.counts.get("produced", 0),
                "rejected": self.counts.get("rejected", 0),
            }
            if done:
                values |= {"status": "done", "finished_at": utcnow()}
            s.execute(
                update(MergeChunk)
                .where(MergeChunk.job_id == self.job_id, MergeChunk.number == self.number)
                .values(**values)
            )
            if done:
                s.execute(
                    update(MergeJob).where(MergeJob.id == self.job_id).values(updated_at=utcnow())
                )
            s.commit()
