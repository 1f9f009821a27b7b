"""E-mail delivery of a merge chunk: each produced message sent once, its status recorded.

Resumable and at most once: a message is marked ``sending`` (committed) before it is handed to the
SMTP server and ``sent`` / ``refused`` / ``deferred`` after. A chunk redone after its worker died
sends only messages still waiting or deferred; one found ``sending`` (the worker died while talking
to the server, so it may have gone out) becomes ``deferred`` with that explanation and is not sent
again automatically — a second copy of a breach notice is worse than a visible "check this one".
Deferred messages (4xx replies, network trouble) are tried again up to :data:`MAX_ATTEMPTS` times.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select, update

from app.export.merge.shard import chunk_file, read_chunk
from app.export.smtp import DEFERRED, Sender
from app.store.merge_models import MergeRecipient
from app.store.models import utcnow

log = logging.getLogger("candor.merge.delivery")

MAX_ATTEMPTS = 3
RETRY_PAUSE_S = 2.0
INTERRUPTED = (
    "interrupted while sending: it may have been delivered, so it is not re-sent automatically"
)


def deliver_chunk(rt: Any, job_id: str, number: int, lines: tuple[int, int], folder: Path) -> None:
    """Send the chunk's waiting messages, then its deferred ones again (up to MAX_ATTEMPTS)."""
    for attempt in range(MAX_ATTEMPTS):
        if not _deliver_once(rt, job_id, number, lines, folder):
            return
        time.sleep(RETRY_PAUSE_S * attempt)


def _deliver_once(rt: Any, job_id: str, number: int, lines: tuple[int, int], folder: Path) -> int:
    """Send the chunk's messages that are waiting or deferred; return how many were tried."""
    settings = rt.settings
    with rt.db.sessions() as s:
        s.execute(
            update(MergeRecipient)
            .where(
                MergeRecipient.job_id == job_id,
                MergeRecipient.line.between(*lines),
                MergeRecipient.delivery == "sending",
            )
            .values(delivery=DEFERRED, delivery_detail=INTERRUPTED, delivery_attempts=MAX_ATTEMPTS)
        )
        s.commit()
        todo = s.execute(
            select(MergeRecipient.line, MergeRecipient.file)
            .where(
                MergeRecipient.job_id == job_id,
                MergeRecipient.line.between(*lines),
                MergeRecipient.outcome == "produced",
                or_(
                    MergeRecipient.delivery.is_(None),
                    (MergeRecipient.delivery == DEFERRED)
                    & (MergeRecipient.delivery_attempts < MAX_ATTEMPTS),
                ),
            )
            .order_by(MergeRecipient.line)
        ).all()
    if not todo:
        return 0
    wanted = {line for line, _ in todo}
    addresses = {
        int(row["__line__"]): (row.get("email") or "").strip()
        for row in read_chunk(chunk_file(folder / "chunks", number))
        if int(row["__line__"]) in wanted
    }
    sender = Sender(settings.SMTP_URL, settings.SMTP_RATE)
    out = folder / "out"
    try:
        for line, rel in todo:
            _mark(rt, job_id, line, delivery="sending")
            outcome = sender.send(settings.SMTP_FROM, addresses[line], (out / rel).read_bytes())
            _mark(rt, job_id, line, delivery=outcome.status, detail=outcome.detail, attempt=True)
    finally:
        sender.close()
    log.info("merge job %s chunk %d: %d messages handed to SMTP", job_id, number, len(todo))
    return len(todo)


def _mark(
    rt: Any, job_id: str, line: int, *, delivery: str, detail: str = "", attempt: bool = False
) -> None:
    values: dict[str, Any] = {"delivery": delivery}
    if attempt:
        values |= {
            "delivery_detail": detail,
            "delivery_attempts": MergeRecipient.delivery_attempts + 1,
            "delivered_at": utcnow(),
        }
    with rt.db.sessions() as s:
        s.execute(
            update(MergeRecipient)
            .where(MergeRecipient.job_id == job_id, MergeRecipient.line == line)
            .values(**values)
        )
        s.commit()
