"""Recording a chunk's outcomes (app.export.merge_records) on SQLite and PostgreSQL: a second
attempt of the same chunk running at once records nobody twice (on PostgreSQL the COPY meets the
primary key and the batch is inserted again with ON CONFLICT DO NOTHING), the chunk's counts are
exact, and deleting an expired job deletes its rows (there is no foreign key to cascade them).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from app.export import jobs
from app.export.merge_records import ChunkRecords
from app.store.merge_models import MergeChunk, MergeJob, MergeRecipient


def _job(store, job_id: str, *, age_days: int = 0, status: str = "running") -> None:
    at = datetime.now(UTC) - timedelta(days=age_days)
    with store.session() as s:
        s.add(
            MergeJob(
                id=job_id,
                status=status,
                format="text",
                mode="per-recipient",
                plan={},
                chunk_size=10,
                created_at=at,
                updated_at=at,
            )
        )
        s.commit()
        s.add(MergeChunk(job_id=job_id, number=0, first_line=2, rows=10))
        s.commit()


def _records(lines: range) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for line in lines:
        rid = f"r{line}"
        if line % 4 == 0:
            out.append(
                {"line": line, "recipient_id": rid, "outcome": "rejected"}
                | {"reason_code": "missing_name", "reason": "no name"}
            )
        else:
            out.append(
                {"line": line, "recipient_id": rid, "outcome": "produced", "recipient_key": rid}
                | {"residence": "US-CA", "variant": "us-ca", "file": f"letters/us-ca/{rid}.txt"}
            )
    return out


def test_two_attempts_of_one_chunk_record_each_line_once(store) -> None:
    _job(store, "j1")
    lines = (2, 11)
    first = ChunkRecords(store.db, "j1", 0, lines, Counter())
    first.store(_records(range(2, 8)))  # lines 2-7, then this attempt "dies"
    second = ChunkRecords(store.db, "j1", 0, lines, Counter())  # started before it saw them
    second.store(_records(range(2, 10)))  # overlaps 2-7: only 8 and 9 are new
    assert sum(second.counts.values()) <= 8  # progress never counts a line twice
    second.store(_records(range(10, 12)), done=True)
    with store.db.reads() as s:
        rows = s.execute(
            select(MergeRecipient.line, MergeRecipient.outcome).where(MergeRecipient.job_id == "j1")
        ).all()
        chunk = s.scalar(select(MergeChunk).where(MergeChunk.job_id == "j1"))
    assert sorted(line for line, _ in rows) == list(range(2, 12))
    produced = sum(1 for _, outcome in rows if outcome == "produced")
    assert (chunk.status, chunk.done, chunk.rejected) == ("done", produced, 10 - produced)
    # The parts are written from the records only when they are known to be every row: the
    # second attempt met the first one's lines, so it must read the rows back.
    assert first.copied is None or store.db.engine.dialect.name == "postgresql"
    assert second.copied is None


def test_parts_from_the_records_equal_parts_read_back(store, tmp_path: Path) -> None:
    """On PostgreSQL an attempt whose every batch went in by COPY onto new lines keeps its
    records (they are the chunk's rows) and writes its parts without reading the rows back; the
    parts are the same files as those written from the database."""
    from app.export.merge_parts import write_parts

    _job(store, "j3")
    lines = (2, 11)
    attempt = ChunkRecords(store.db, "j3", 0, lines, Counter())
    attempt.store(_records(range(2, 7)))
    attempt.store(_records(range(7, 12)))
    if store.db.engine.dialect.name != "postgresql":
        assert attempt.copied is None  # SQLite: no COPY, the rows are read back
        return
    assert [r["line"] for r in attempt.copied or []] == list(range(2, 12))
    with store.db.reads() as s:
        write_parts(s, "j3", 0, lines, tmp_path / "kept", None, records=attempt.copied)
        write_parts(s, "j3", 0, lines, tmp_path / "read", None)
    for part in ("manifest/000000.csv", "rejects/000000.csv"):
        kept = (tmp_path / "kept" / part).read_bytes()
        assert kept == (tmp_path / "read" / part).read_bytes() and kept


def test_cleanup_deletes_an_expired_jobs_rows(store, tmp_path: Path) -> None:
    _job(store, "old1", age_days=9, status="complete")
    _job(store, "new1", status="complete")
    for job_id in ("old1", "new1"):
        ChunkRecords(store.db, job_id, 0, (2, 11), Counter()).store(_records(range(2, 12)))
    with store.session() as s:
        assert jobs.cleanup(s, tmp_path, 7) == ["old1"]
    with store.db.reads() as s:
        left = dict(
            s.execute(
                select(MergeRecipient.job_id, func.count()).group_by(MergeRecipient.job_id)
            ).all()
        )
    assert left == {"new1": 10}
