"""E-mail channel of the merge against a real SMTP server (aiosmtpd on 127.0.0.1): sent, refused
(5xx) and deferred (4xx) per recipient, rate limit, and a resumed job that sends nobody twice."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest
from sqlalchemy import select
from support.recipients import EMAIL_COLUMNS, person, plan_for, write_rows
from support.smtp import Inbox, smtp_server
from support.storeapp import make_store_app
from support.storedb import test_settings

from app.export import jobs
from app.export.runner import InProcessRunner
from app.export.smtp import Sender
from app.store.merge_models import MergeRecipient


class Mailbox(Inbox):
    """An SMTP handler: 550 for refuse-*, 451 for defer-*, else keeps the message."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refuse-"):
            return "550 5.1.1 mailbox unavailable"
        if address.startswith("defer-"):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def smtp():
    box = Mailbox()
    with smtp_server(box) as url:
        yield box, url


def _csv(path: Path, rows: list[tuple[str, str]]) -> Path:
    people = (
        person(rid, "TX", city="Austin", postal_code="73301", email=address)
        for rid, address in rows
    )
    return write_rows(path, people, EMAIL_COLUMNS)


def _job(store, tmp_path: Path, settings, rows, **kw) -> tuple[InProcessRunner, str]:
    runner = InProcessRunner(store.db, settings)
    with store.session() as s:
        job_id = jobs.create_job(
            s,
            settings.EXPORT_DIR,
            plan=plan_for(["US-TX"]),
            upload=_csv(tmp_path / "r.csv", rows),
            fmt="text",
            mode="per-recipient",
            incident_id=None,
            created_by=None,
            channel="email",
            chunk_size=kw.pop("chunk_size", 4),
        )
    return runner, job_id


def test_email_channel_statuses_per_recipient(store, smtp, tmp_path: Path, db_url) -> None:
    box, url = smtp
    settings = test_settings(
        db_url, tmp_path, SMTP_URL=url, SMTP_FROM="notices@example.com", SMTP_RATE="1000/second"
    )
    rows = [(f"ok{i}", f"ok{i}@example.com") for i in range(7)]
    rows += [
        ("r1", "refuse-1@example.com"),
        ("d1", "defer-1@example.com"),
        ("bad", "not an address"),
        ("none", ""),
    ]
    runner, job_id = _job(store, tmp_path, settings, rows)
    import app.export.merge_delivery as delivery

    delivery.RETRY_PAUSE_S, pause = 0.0, delivery.RETRY_PAUSE_S
    try:
        with store.session() as s:
            jobs.start(s, runner, job_id)
        assert runner.wait(job_id, 60)
    finally:
        delivery.RETRY_PAUSE_S = pause
    with store.db.reads() as s:
        st = jobs.view(s, job_id, runner)
        recs = {
            r.recipient_id: r
            for r in s.scalars(select(MergeRecipient).where(MergeRecipient.job_id == job_id))
        }
    assert st["status"] == "complete", st
    assert st["summary"]["delivery"] == {"deferred": 1, "refused": 1, "sent": 7}, (
        st,
        {k: (r.outcome, r.reason) for k, r in recs.items()},
    )
    assert st["summary"]["reject_reasons"] == {"bad_email": 1, "missing_email": 1}
    assert recs["r1"].delivery == "refused" and recs["r1"].delivery_detail.startswith("550")
    assert (
        recs["d1"].delivery == "deferred" and recs["d1"].delivery_attempts == delivery.MAX_ATTEMPTS
    )
    assert all(recs[f"ok{i}"].delivery == "sent" for i in range(7))
    # The server got each accepted recipient's letter once, addressed to them, with their code.
    got = sorted(to[0] for to, _ in box.messages)
    assert got == sorted(f"ok{i}@example.com" for i in range(7))
    raw = next(c for to, c in box.messages if to == ["ok3@example.com"])
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg["From"] == "notices@example.com" and msg["To"] == "ok3@example.com"
    body = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Name ok3" in body and "AC-ok3" in body


def test_email_delivery_resumes_without_sending_twice(store, smtp, tmp_path: Path, db_url) -> None:
    box, url = smtp
    settings = test_settings(
        db_url, tmp_path, SMTP_URL=url, SMTP_FROM="notices@example.com", SMTP_RATE="1000/second"
    )
    rows = [(f"p{i}", f"p{i}@example.com") for i in range(6)]
    runner, job_id = _job(store, tmp_path, settings, rows, chunk_size=6)
    runner.runtime.hooks["stop_after"] = 3  # the worker stops after recording 3 letters, none sent
    with store.session() as s:
        jobs.start(s, runner, job_id)
    assert runner.wait(job_id, 60)
    runner.runtime.hooks.clear()
    assert box.messages == []
    with store.session() as s:  # as if the worker had died while handing p0 to the server
        rec = s.scalar(
            select(MergeRecipient).where(
                MergeRecipient.job_id == job_id, MergeRecipient.recipient_id == "p0"
            )
        )
        rec.delivery = "sending"
        s.commit()
        assert jobs.view(s, job_id, runner)["status"] == "interrupted"
        jobs.resume(s, runner, job_id, user=None)
    assert runner.wait(job_id, 60)
    with store.db.reads() as s:
        st = jobs.view(s, job_id, runner)
        p0 = s.scalar(
            select(MergeRecipient).where(
                MergeRecipient.job_id == job_id, MergeRecipient.recipient_id == "p0"
            )
        )
    assert st["status"] == "complete" and st["done"] == 6
    assert sorted(to[0] for to, _ in box.messages) == [f"p{i}@example.com" for i in range(1, 6)]
    assert p0.delivery == "deferred" and "may have been delivered" in p0.delivery_detail


def test_rate_limit_makes_the_sender_wait(smtp) -> None:
    box, url = smtp
    sender = Sender(url, "2/second")
    try:
        outcomes = [
            sender.send("a@example.com", f"x{i}@example.com", b"Subject: t\r\n\r\nhi\r\n")
            for i in range(4)
        ]
    finally:
        sender.close()
    assert [o.status for o in outcomes] == ["sent"] * 4
    assert sender.waits > 0  # the third message had to wait for the window to move on


@pytest.mark.parametrize(
    ("mail_settings", "says"),
    [
        ({}, "CANDOR_SMTP_URL"),
        ({"SMTP_URL": "http://mail", "SMTP_FROM": "a@example.com"}, "smtp://"),
    ],
    ids=["unset", "not-smtp"],
)
def test_email_channel_refused_without_smtp(mail_settings, says, tmp_path: Path, db_url) -> None:
    """Starting an e-mail merge through the API without a usable SMTP server is a 422 that says
    which setting to fix, and no job is created."""
    app = make_store_app(tmp_path, db_url, **mail_settings)
    recipients = {"recipients": ("r.csv", ",".join(EMAIL_COLUMNS).encode() + b"\n", "text/csv")}
    form = {"incident_id": "1", "channel": "email", "format": "txt"}
    r = app.client.post(
        "/api/v1/exports/merges", data=form, files=recipients, headers=app.h("compliance")
    )
    assert r.status_code == 422, r.text
    assert says in r.json()["error"]["message"]
    listed = app.client.get("/api/v1/exports/merges", headers=app.h("compliance"))
    assert listed.status_code == 200 and listed.json() == [], listed.text
