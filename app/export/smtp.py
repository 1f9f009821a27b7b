"""Sending merge e-mails through an SMTP server: one connection, a rate limit, a status per message.

``CANDOR_SMTP_URL`` is ``smtp://[user:password@]host[:port][?starttls=1]`` or ``smtps://…`` (TLS
from the first byte). The password is never logged: errors name the host and port only.

Each message ends in one of three states, decided by the server's reply code:
``sent`` (2xx), ``refused`` (5xx: the address or the message is permanently rejected; sending it
again would not help) and ``deferred`` (4xx, or the connection failed: try again later). The rate
limit (``CANDOR_SMTP_RATE``, `limits` syntax such as ``10/second``) holds per sending task.
"""

from __future__ import annotations

import smtplib
import ssl
import time
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

SENT, REFUSED, DEFERRED = "sent", "refused", "deferred"


class SmtpConfigError(ValueError):
    """CANDOR_SMTP_URL cannot be used (the message says why; it never holds the password)."""


@dataclass(frozen=True)
class SmtpTarget:
    """Where and how to connect (parsed from the URL)."""

    host: str
    port: int
    tls: bool
    starttls: bool
    user: str | None
    password: str | None

    @classmethod
    def parse(cls, url: str) -> SmtpTarget:
        """Parse ``smtp://`` / ``smtps://`` URLs; :class:`SmtpConfigError` for anything else."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise SmtpConfigError(
                "CANDOR_SMTP_URL must look like smtp://user:password@host:587?starttls=1 or smtps://host:465"
            )
        query = parse_qs(parts.query)
        try:
            port = parts.port or (465 if parts.scheme == "smtps" else 25)
        except ValueError:
            raise SmtpConfigError("CANDOR_SMTP_URL: the port is not a number") from None
        return cls(
            host=parts.hostname,
            port=port,
            tls=parts.scheme == "smtps",
            starttls=query.get("starttls", ["0"])[0] in ("1", "true", "yes"),
            user=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )


@dataclass(frozen=True)
class Outcome:
    """What became of one message: ``status`` (sent|refused|deferred) and the server's words."""

    status: str
    detail: str


class Sender:
    """One SMTP connection (opened on first use, reopened after a failure) behind a rate limit."""

    def __init__(self, url: str, rate: str = "10/second", timeout: float = 30.0):
        self.target = SmtpTarget.parse(url)
        self.limit = parse(rate)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())
        self.timeout = timeout
        self.conn: smtplib.SMTP | None = None
        self.waits = 0  # times a message had to wait for the rate limit

    def _connect(self) -> smtplib.SMTP:
        t = self.target
        conn: smtplib.SMTP
        if t.tls:
            conn = smtplib.SMTP_SSL(
                t.host, t.port, timeout=self.timeout, context=ssl.create_default_context()
            )
        else:
            conn = smtplib.SMTP(t.host, t.port, timeout=self.timeout)
            if t.starttls:
                conn.starttls(context=ssl.create_default_context())
        if t.user:
            conn.login(t.user, t.password or "")
        return conn

    def _wait_turn(self) -> None:
        while not self.limiter.hit(self.limit, "smtp"):
            self.waits += 1
            time.sleep(0.01)

    def send(self, sender: str, to: str, message: bytes) -> Outcome:
        """Send one message; never raises for a server or network problem (see the states)."""
        self._wait_turn()
        where = f"{self.target.host}:{self.target.port}"
        try:
            if self.conn is None:
                self.conn = self._connect()
            refused = self.conn.sendmail(sender, [to], message)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            return self._outcome(code, text)
        except smtplib.SMTPResponseException as exc:
            self._drop()
            return self._outcome(exc.smtp_code, exc.smtp_error)
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            return Outcome(DEFERRED, f"could not talk to {where} ({exc.__class__.__name__})")
        if refused:
            code, text = next(iter(refused.values()))
            return self._outcome(code, text)
        return Outcome(SENT, "accepted")

    @staticmethod
    def _outcome(code: int, text: bytes | str) -> Outcome:
        words = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
        detail = f"{code} {' '.join(words.split())}"[:500]
        return Outcome(REFUSED if 500 <= code < 600 else DEFERRED, detail)

    def _drop(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            except (smtplib.SMTPException, OSError):
                pass
            self.conn = None

    def close(self) -> None:
        """Say QUIT and close the connection."""
        if self.conn is not None:
            try:
                self.conn.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self.conn = None
