"""Reminder e-mail through the project's SMTP sender (CANDOR_SMTP_URL, CANDOR_SMTP_FROM): the
`Mailer` the reminder pass (app.workflow.reminders) is handed by `candor serve` and
`candor reminders run`."""

from __future__ import annotations

from email.message import EmailMessage

from app.core.config import Settings
from app.export.smtp import SENT, Sender
from app.workflow.notify import DeliveryError, Mailer


def smtp_mailer(url: str, sender: str, rate: str = "10/second") -> Mailer:
    """A mailer sending each reminder to every address, one connection per reminder."""

    def send(to: tuple[str, ...], subject: str, body: str) -> None:
        msg = EmailMessage()
        msg["From"] = sender
        msg["To"] = ", ".join(to)
        msg["Subject"] = subject
        msg.set_content(body)
        data = msg.as_bytes()
        smtp = Sender(url, rate)
        try:
            for address in to:
                outcome = smtp.send(sender, address, data)
                if outcome.status != SENT:
                    raise DeliveryError(f"SMTP {outcome.status} for a recipient: {outcome.detail}")
        finally:
            smtp.close()

    return send


def mailer_from_settings(s: Settings) -> Mailer | None:
    """The reminder mailer when CANDOR_SMTP_URL and CANDOR_SMTP_FROM are set, else None."""
    if not (s.SMTP_URL and s.SMTP_FROM):
        return None
    return smtp_mailer(s.SMTP_URL, s.SMTP_FROM, s.SMTP_RATE)
