"""Delivering a reminder: a JSON webhook (plain, Slack- or Teams-shaped) and e-mail over SMTP.

Both raise `DeliveryError` with a message safe to store and log: never the webhook URL (Slack and
Teams URLs carry their secret in the path) and never SMTP credentials.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

import httpx


class DeliveryError(RuntimeError):
    """A reminder could not be delivered; the message names why, without secrets."""


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to send mail (from the CANDOR_SMTP_* settings)."""

    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 10.0


def post_webhook(url: str, payload: dict[str, Any], timeout: float = 10.0) -> None:
    """POST the payload as JSON; any non-2xx answer or connection problem is a DeliveryError."""
    try:
        r = httpx.post(url, json=payload, timeout=timeout)
    except httpx.HTTPError as exc:
        raise DeliveryError(f"webhook unreachable ({exc.__class__.__name__})") from None
    if not 200 <= r.status_code < 300:
        raise DeliveryError(f"webhook answered HTTP {r.status_code}")


def send_email(server: SmtpServer, to: list[str], subject: str, body: str) -> None:
    """Send one plain-text message to every address in `to`."""
    msg = EmailMessage()
    msg["From"] = server.sender
    msg["To"] = ", ".join(to)
    msg["Subject"] = subject
    msg.set_content(body)
    try:
        with smtplib.SMTP(server.host, server.port, timeout=server.timeout) as smtp:
            if server.starttls:
                smtp.starttls()
            if server.username:
                smtp.login(server.username, server.password or "")
            smtp.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"SMTP delivery failed ({exc.__class__.__name__})") from None


def webhook_payload(fmt: str, text: str, title: str, data: dict[str, Any]) -> dict[str, Any]:
    """The body for `fmt`: `json` (the data), `slack` (text + a section block), `teams` (a MessageCard)."""
    if fmt == "slack":
        return {
            "text": f"{title}: {text}",
            "blocks": [
                {"type": "section", "text": {"type": "mrkdwn", "text": f"*{title}*\n{text}"}}
            ],
        }
    if fmt == "teams":
        return {
            "@type": "MessageCard",
            "@context": "https://schema.org/extensions",
            "summary": title,
            "themeColor": "D70000" if data.get("threshold") == "overdue" else "FFA500",
            "title": title,
            "text": text,
        }
    return data
