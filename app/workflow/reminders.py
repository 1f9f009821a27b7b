"""Reminders before a notice is due and when it is overdue, delivered once and recorded.

A pass (`run_reminders`, from `candor reminders run` or the loop in `candor serve`) looks at every
open or in-progress item that still applies and has a deadline moment. The thresholds are the
configured hours before the moment (default 72, 24, 4) and `overdue` at the moment itself. Only the
most urgent threshold reached is sent: a server that was down through the 72-hour mark and comes
back 3 hours before the deadline sends the 4-hour reminder, and records the others as skipped.

Each (item, threshold, channel, deadline moment) is one `reminder_deliveries` row, claimed in its own
committed transaction before sending (the unique constraint stops a second runner), then marked
`sent` or `failed` and audited. A failed delivery is retried on later passes up to
`REMINDER_MAX_ATTEMPTS`; a claim left `sending` by a crashed runner is retried after 10 minutes.
The deadline moment is part of the key: when a facts change moves a deadline, the new deadline
gets its own reminders. The clock (`now`) is a parameter, so tests and `--now` control it.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.core.config import Settings
from app.domain.obligations import deadline_moment
from app.store.db import Database
from app.store.models import Incident
from app.store.plan_models import PlanItem, ReminderDelivery
from app.workflow import audit
from app.workflow.context import WorkflowContext
from app.workflow.notify import DeliveryError, Mailer, post_webhook, webhook_payload
from app.workflow.plan import OPEN_STATUSES, utc
from app.workflow.plan_view import ensure_plan

log = logging.getLogger("candor.reminders")
OVERDUE = "overdue"
CLAIM_TIMEOUT = timedelta(minutes=10)


@dataclass(frozen=True)
class ReminderConfig:
    """Thresholds and channels, from settings (`from_settings`) or built by a test."""

    hours: tuple[int, ...] = (72, 24, 4)
    webhook_url: str | None = None
    webhook_format: str = "json"
    email_to: tuple[str, ...] = ()
    mailer: Mailer | None = None
    max_attempts: int = 5
    public_url: str = ""

    @classmethod
    def from_settings(cls, s: Settings, mailer: Mailer | None = None) -> ReminderConfig:
        """The reminder settings (CANDOR_REMINDER_*); `mailer` sends e-mail (built from CANDOR_SMTP_URL
        by the caller: the SMTP sender lives with the exports)."""
        return cls(
            hours=s.reminder_hours(),
            webhook_url=s.REMINDER_WEBHOOK_URL,
            webhook_format=s.REMINDER_WEBHOOK_FORMAT,
            email_to=s.reminder_emails(),
            mailer=mailer,
            max_attempts=s.REMINDER_MAX_ATTEMPTS,
            public_url=s.PUBLIC_URL.rstrip("/"),
        )

    def channels(self) -> list[str]:
        """The channels that are configured."""
        out = []
        if self.webhook_url:
            out.append("webhook")
        if self.email_to and self.mailer:
            out.append("email")
        return out


@dataclass
class PassResult:
    """What one pass did."""

    sent: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    skipped: int = 0


def threshold_reached(
    moment: datetime, now: datetime, hours: tuple[int, ...]
) -> tuple[str | None, list[str]]:
    """(the most urgent threshold reached, the less urgent ones it supersedes), or (None, [])."""
    labels = [f"{h}h" for h in sorted(set(hours), reverse=True)]
    if now >= moment:
        return OVERDUE, labels
    reached = [f"{h}h" for h in sorted(set(hours)) if now >= moment - timedelta(hours=h)]
    if not reached:
        return None, []
    current = reached[0]
    return current, [label for label in labels if label != current and label in reached]


def _message(
    item: PlanItem, incident: Incident, threshold: str, moment: datetime, now: datetime, base: str
) -> tuple[str, str, dict[str, Any]]:
    hours = int((moment - now).total_seconds() // 3600)
    when = "is OVERDUE" if threshold == OVERDUE else f"is due in {hours} hours"
    title = f"Notice {when}: {item.jurisdiction} {item.recipient}"
    link = f"{base}/incidents/{incident.id}/plan" if base else f"/incidents/{incident.id}/plan"
    text = (
        f"Incident #{incident.id} ({incident.title}): notify {item.recipient} ({item.obligation}) "
        f"by {moment.isoformat(timespec='minutes')} — {item.deadline} [{item.citation}]. "
        f"Status: {item.status}. Plan: {link}"
    )
    data = {
        "event": "candor.obligation.reminder",
        "threshold": threshold,
        "hours_left": hours,
        "incident": {"id": incident.id, "title": incident.title},
        "item": {
            "id": item.id,
            "jurisdiction": item.jurisdiction,
            "obligation": item.obligation,
            "recipient": item.recipient,
            "due": item.due.isoformat() if item.due else None,
            "deadline_moment": moment.isoformat(),
            "status": item.status,
            "citation": item.citation,
        },
        "url": link,
        "text": text,
    }
    return title, text, data


def _deliver(
    config: ReminderConfig, channel: str, title: str, text: str, data: dict[str, Any]
) -> None:
    if channel == "webhook":
        post_webhook(
            config.webhook_url or "", webhook_payload(config.webhook_format, text, title, data)
        )
    else:
        assert config.mailer is not None
        config.mailer(config.email_to, title, text)


def _claim(
    sessions: sessionmaker[Session],
    item_id: int,
    threshold: str,
    channel: str,
    moment: datetime,
    now: datetime,
    max_attempts: int,
) -> int | None:
    """Mark the delivery as being sent (committed); None when it was sent, given up, or another runner has it."""
    with sessions() as s:
        row = s.execute(
            select(ReminderDelivery)
            .where(
                ReminderDelivery.item_id == item_id,
                ReminderDelivery.threshold == threshold,
                ReminderDelivery.channel == channel,
                ReminderDelivery.due_moment == moment,
            )
            .with_for_update()
        ).scalar_one_or_none()
        if row is None:
            row = ReminderDelivery(
                item_id=item_id,
                threshold=threshold,
                channel=channel,
                due_moment=moment,
                status="sending",
                attempts=1,
                last_error="",
                created_at=now,
                updated_at=now,
            )
            s.add(row)
        elif row.status in ("sent", "skipped") or row.attempts >= max_attempts:
            return None
        elif row.status == "sending" and utc(row.updated_at) > now - CLAIM_TIMEOUT:  # type: ignore[operator]
            return None
        else:
            row.status, row.attempts, row.updated_at = "sending", row.attempts + 1, now
        try:
            s.commit()
        except IntegrityError:
            s.rollback()
            return None
        return row.id


def _finish(
    sessions: sessionmaker[Session],
    delivery_id: int,
    item: PlanItem,
    error: str | None,
    superseded: list[str],
    now: datetime,
) -> None:
    with sessions() as s:
        row = s.get(ReminderDelivery, delivery_id)
        assert row is not None
        row.status = "failed" if error else "sent"
        row.last_error = error or ""
        row.updated_at = now
        if not error:
            row.sent_at = now
            for label in superseded:
                _skip(s, row, label, now)
        audit.record(
            s,
            None,
            "reminder.failed" if error else "reminder.sent",
            "plan_item",
            item.id,
            item.version,
            {
                "incident_id": item.incident_id,
                "threshold": row.threshold,
                "channel": row.channel,
                "deadline_moment": utc(row.due_moment).isoformat(),  # type: ignore[union-attr]
                "attempt": row.attempts,
                **({"error": error} if error else {"superseded": superseded}),
            },
        )
        s.commit()


def _skip(s: Session, sent: ReminderDelivery, label: str, now: datetime) -> None:
    exists = s.execute(
        select(ReminderDelivery.id).where(
            ReminderDelivery.item_id == sent.item_id,
            ReminderDelivery.threshold == label,
            ReminderDelivery.channel == sent.channel,
            ReminderDelivery.due_moment == sent.due_moment,
        )
    ).first()
    if exists is None:
        s.add(
            ReminderDelivery(
                item_id=sent.item_id,
                threshold=label,
                channel=sent.channel,
                due_moment=sent.due_moment,
                status="skipped",
                attempts=0,
                last_error="superseded by a more urgent reminder",
                created_at=now,
                updated_at=now,
            )
        )


def _live_items(session: Session) -> list[tuple[PlanItem, Incident]]:
    rows = session.execute(
        select(PlanItem, Incident)
        .join(Incident, Incident.id == PlanItem.incident_id)
        .where(PlanItem.applicable.is_(True), PlanItem.status.in_(OPEN_STATUSES))
        .order_by(PlanItem.id)
    ).all()
    return [(r[0], r[1]) for r in rows]


def run_reminders(
    sessions: sessionmaker[Session], config: ReminderConfig, now: datetime
) -> PassResult:
    """One pass over every open item; sends what is due, records everything. Safe to run concurrently."""
    result = PassResult()
    channels = config.channels()
    if not channels:
        return result
    with sessions() as s:
        work = _live_items(s)
    for item, incident in work:
        moment = deadline_moment(item.due, utc(item.due_at))
        if moment is None:
            continue
        threshold, superseded = threshold_reached(moment, now, config.hours)
        if threshold is None:
            continue
        for channel in channels:
            claimed = _claim(
                sessions, item.id, threshold, channel, moment, now, config.max_attempts
            )
            if claimed is None:
                result.skipped += 1
                continue
            title, text, data = _message(item, incident, threshold, moment, now, config.public_url)
            error = None
            try:
                _deliver(config, channel, title, text, data)
            except DeliveryError as exc:
                error = str(exc)
                log.warning(
                    "reminder %s/%s for item %s failed: %s", threshold, channel, item.id, error
                )
            _finish(sessions, claimed, item, error, superseded, now)
            entry = {"item_id": item.id, "threshold": threshold, "channel": channel}
            (result.failed if error else result.sent).append(
                entry | ({"error": error} if error else {})
            )
    return result


def deliveries(session: Session, item_ids: list[int]) -> list[ReminderDelivery]:
    """Recorded reminders for these items (for the plan page and the evidence bundle)."""
    if not item_ids:
        return []
    return list(
        session.execute(
            select(ReminderDelivery)
            .where(ReminderDelivery.item_id.in_(item_ids))
            .order_by(ReminderDelivery.id)
        ).scalars()
    )


def sync_all_plans(sessions: sessionmaker[Session], ctx: WorkflowContext) -> None:
    """Compute the stored plan of every incident whose plan is older than its facts (before a pass)."""
    with sessions() as s:
        for incident in s.execute(select(Incident).order_by(Incident.id)).scalars():
            ensure_plan(s, ctx, None, incident)


class ReminderLoop(threading.Thread):
    """The in-process scheduler of `candor serve`: a pass every `interval` seconds until stopped."""

    def __init__(self, db: Database, ctx: WorkflowContext, config: ReminderConfig, interval: float):
        super().__init__(name="candor-reminders", daemon=True)
        self.db, self.ctx, self.config, self.interval = db, ctx, config, interval
        self.stopped = threading.Event()

    def run(self) -> None:
        """Pass, wait, repeat; a failing pass is logged and the loop goes on."""
        while not self.stopped.is_set():
            try:
                sync_all_plans(self.db.sessions, self.ctx)
                result = run_reminders(self.db.sessions, self.config, self.ctx.now())
                if result.sent or result.failed:
                    log.info("reminders: %d sent, %d failed", len(result.sent), len(result.failed))
            except Exception:
                log.exception("reminder pass failed")
            self.stopped.wait(self.interval)

    def stop(self) -> None:
        """Ask the loop to end after the current pass."""
        self.stopped.set()
