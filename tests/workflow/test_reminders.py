"""Reminders with a controllable clock, a real SMTP server (aiosmtpd) and a local webhook receiver, on
the real store (SQLite, and PostgreSQL when configured): each threshold fires once per channel,
a failed delivery is retried, a moved deadline gets its own reminders, a done item gets none."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from support.smtp import Inbox, smtp_server
from support.storedb import example

from app.domain.facts import IncidentFacts
from app.export.reminder_mail import smtp_mailer
from app.store import repositories as repo
from app.workflow import incidents
from app.workflow.notify import webhook_payload
from app.workflow.plan_updates import ItemChange, update_item
from app.workflow.plan_view import plan_rows
from app.workflow.reminders import ReminderConfig, deliveries, run_reminders, threshold_reached

TX_AG = "Texas Attorney General (online form)"


@pytest.fixture
def smtp():
    inbox = Inbox()
    with smtp_server(inbox) as url:
        yield inbox, url


class _Receiver(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        server = self.server
        payload = json.loads(body)
        if server.fail_next > 0 and payload["item"]["id"] == server.fail_item:  # type: ignore[attr-defined]
            server.fail_next -= 1  # type: ignore[attr-defined]
            self.send_response(500)
            self.end_headers()
            return
        server.received.append(payload)  # type: ignore[attr-defined]
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
        pass


@pytest.fixture
def webhook():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    server.received, server.fail_next, server.fail_item = [], 0, None  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_thresholds():
    moment = _at("2026-10-21T00:00")
    assert threshold_reached(moment, _at("2026-10-17T23:00"), (72, 24, 4)) == (None, [])
    assert threshold_reached(moment, _at("2026-10-18T00:00"), (72, 24, 4)) == ("72h", [])
    assert threshold_reached(moment, _at("2026-10-20T21:00"), (72, 24, 4)) == ("4h", ["72h", "24h"])
    assert threshold_reached(moment, _at("2026-10-21T00:00"), (72, 24, 4))[0] == "overdue"


def test_payload_shapes():
    data = {"threshold": "overdue", "text": "t"}
    slack = webhook_payload("slack", "body", "Title", data)
    assert slack["text"].startswith("Title") and slack["blocks"][0]["type"] == "section"
    teams = webhook_payload("teams", "body", "Title", data)
    assert teams["@type"] == "MessageCard" and teams["themeColor"] == "D70000"
    assert webhook_payload("json", "body", "Title", data) is data


def test_reminders_fire_once_per_threshold(store, smtp, webhook):
    inbox, url = smtp
    with store.session() as s:
        incident_id = incidents.create_incident(
            s, store.ctx, store.users["responder"], IncidentFacts.model_validate(example())
        ).incident.id
    with store.session() as s:
        tx = next(r for r in plan_rows(s, incident_id, store.ctx.now()) if r["recipient"] == TX_AG)
    config = ReminderConfig(
        hours=(72, 24, 4),
        webhook_url=f"http://127.0.0.1:{webhook.server_address[1]}/hook",
        email_to=("legal@example.org",),
        mailer=smtp_mailer(url, "candor@example.org"),
        public_url="https://candor.example",
    )

    def run(now: str):  # type: ignore[no-untyped-def]
        return run_reminders(store.db.sessions, config, _at(now))

    def hooks() -> list[str]:
        return [p["threshold"] for p in webhook.received if p["item"]["id"] == tx["id"]]

    def mails() -> list[str]:
        return [m["Subject"] for m in inbox.parsed() if TX_AG in m["Subject"]]

    run("2026-10-17T00:00")  # 96 hours before 2026-10-21T00:00: nothing yet for the AG notice
    assert hooks() == [] and mails() == []
    run("2026-10-18T01:00")
    assert hooks() == ["72h"] and len(mails()) == 1
    payload = next(p for p in webhook.received if p["item"]["id"] == tx["id"])
    assert payload["event"] == "candor.obligation.reminder" and payload["hours_left"] == 71
    assert payload["url"] == f"https://candor.example/incidents/{incident_id}/plan"
    run("2026-10-18T02:00")  # the same threshold again: sent once
    assert hooks() == ["72h"] and len(mails()) == 1
    run("2026-10-20T20:30")  # slept through 24 h: only the most urgent threshold goes out
    assert hooks() == ["72h", "4h"] and len(mails()) == 2
    with store.session() as s:
        rows = {(d.threshold, d.channel): d.status for d in deliveries(s, [tx["id"]])}
    assert rows[("24h", "webhook")] == "skipped" and rows[("4h", "email")] == "sent"

    webhook.fail_next, webhook.fail_item = 1, tx["id"]  # down once: recorded, then retried
    failed = run("2026-10-21T01:00")
    assert any(f["item_id"] == tx["id"] and f["channel"] == "webhook" for f in failed.failed)
    assert hooks() == ["72h", "4h"] and len(mails()) == 3
    run("2026-10-21T01:05")
    assert hooks() == ["72h", "4h", "overdue"] and len(mails()) == 3
    run("2026-10-21T02:00")
    assert hooks() == ["72h", "4h", "overdue"]

    # A corrected discovery date moves the deadline to 2026-10-25: the new deadline gets reminders.
    facts = example()
    facts["incident"]["discovery_date"] = "2026-09-25"
    with store.session() as s:
        incidents.update_facts(
            s,
            store.ctx,
            store.users["security"],
            incident_id,
            IncidentFacts.model_validate(facts),
            1,
        )
    run("2026-10-23T01:00")
    assert hooks()[-1] == "72h" and len(hooks()) == 4

    # Done: no more reminders for it.
    with store.session() as s:
        row = next(r for r in plan_rows(s, incident_id, store.ctx.now()) if r["id"] == tx["id"])
        update_item(
            s,
            store.users["compliance"],
            incident_id,
            tx["id"],
            ItemChange(status="done", sent_at=_at("2026-10-23T09:00"), method="portal"),
            row["version"],
        )
    run("2026-10-26T05:00")
    assert len(hooks()) == 4
    with store.session() as s:
        actions = [e.action for e in repo.audit_entries(s, after=0, limit=10_000)]
    assert "reminder.sent" in actions and "reminder.failed" in actions
