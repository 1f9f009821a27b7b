"""Delivering a reminder by webhook (plain JSON, Slack- or Teams-shaped), and the error every channel
raises. E-mail goes through the project's SMTP sender (app.export.reminder_mail), handed to the
reminder pass as a `Mailer`.

`DeliveryError` messages are safe to store and log: never the webhook URL (Slack and Teams URLs carry
their secret in the path) and never SMTP credentials.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx


class DeliveryError(RuntimeError):
    """A reminder could not be delivered; the message names why, without secrets."""


Mailer = Callable[[tuple[str, ...], str, str], None]
"""`mailer(to, subject, body)`: send one plain-text e-mail; DeliveryError when it was not accepted."""


def post_webhook(url: str, payload: dict[str, Any], timeout: float = 10.0) -> None:
    """POST the payload as JSON; any non-2xx answer or connection problem is a DeliveryError."""
    try:
        r = httpx.post(url, json=payload, timeout=timeout)
    except httpx.HTTPError as exc:
        raise DeliveryError(f"webhook unreachable ({exc.__class__.__name__})") from None
    if not 200 <= r.status_code < 300:
        raise DeliveryError(f"webhook answered HTTP {r.status_code}")


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
