"""One settings class for the whole service; read from CANDOR_* environment variables.

Settings are created by `get_settings()` (cached) or passed to `create_app(settings)`, never
at import, so tests can build an app with their own values.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.core.paths import (  # noqa: F401 - re-exported
    PROJECT_ROOT,
    REQUIRED_DIRS,
    ConfigError,
    default_cache_dir,
    require_dir,
)

PLACEHOLDER_SECRETS = {"", "changethis", "change-me", "dev-secret-change-me"}


class Settings(BaseSettings):
    """Every setting, with its environment variable (CANDOR_ + name) and help text."""

    model_config = SettingsConfigDict(env_prefix="CANDOR_", env_ignore_empty=True, extra="ignore")

    ENVIRONMENT: Literal["development", "test", "production"] = Field(
        "development",
        description="`development`, `test` or `production`; production refuses placeholder secrets and demo data.",
    )
    DATABASE_URL: str = Field(
        "sqlite:///./var/candor.db",
        description="SQLAlchemy URL. SQLite file (default) or `postgresql+psycopg://user:pw@host/db`.",
    )
    SECRET_KEY: str = Field(
        "dev-secret-change-me",
        description="Signs session cookies and CSRF tokens. Must be set in production.",
    )
    RULES_DIR: Path = Field(
        PROJECT_ROOT / "rules",
        description="Folder of rule files (YAML), loaded and validated at start-up.",
    )
    TEMPLATES_DIR: Path = Field(
        PROJECT_ROOT / "templates" / "letters",
        description="Folder of letter templates (Jinja, rendered in the sandbox).",
    )
    CACHE_DIR: Path | None = Field(
        None,
        description="Where derived data is cached (the syllable table, compiled rulebooks). Unset: "
        "`$XDG_CACHE_HOME/candor` or `~/.cache/candor`; an unwritable folder only costs speed.",
    )
    GRAMMAR_ENGINE: Literal["auto", "harper", "languagetool", "off"] = Field(
        "auto",
        description="Grammar and spelling engine: `harper` (embedded, offline), `languagetool` (the server at "
        "LANGUAGETOOL_URL) or `off`. `auto`: LanguageTool when LANGUAGETOOL_URL is set, else Harper.",
    )
    LANGUAGETOOL_URL: str | None = Field(
        None,
        description="LanguageTool server, e.g. `http://localhost:8081`; with GRAMMAR_ENGINE=auto it selects LanguageTool.",
    )
    LANGUAGETOOL_LANGUAGE: str = Field("en-US", description="Language code sent to LanguageTool.")
    GRAMMAR_TIMEOUT_S: float = Field(
        5.0, description="Seconds to wait for LanguageTool before reporting `unavailable`."
    )

    def cache_dir(self) -> Path:
        """CACHE_DIR, or the user's cache folder when unset."""
        return self.CACHE_DIR or default_cache_dir()

    MAX_TEXT_CHARS: int = Field(
        100_000, description="Longest letter text accepted by checks and saves (413 above)."
    )
    MAX_BODY_BYTES: int = Field(
        2_000_000, description="Largest request body accepted by the API (413 above)."
    )
    MAX_UPLOAD_BYTES: int = Field(
        500_000_000, description="Largest recipient-list upload for the mail merge (413 above)."
    )
    DEMO_DATA: bool | None = Field(
        None,
        description="Seed a demo incident and demo users into an empty database at start-up. "
        "Unset: true in development, false otherwise; refused in production.",
    )
    LOG_FORMAT: Literal["text", "json"] = Field(
        "text",
        description="`text` or `json` (one object per line with the request id; never personal data).",
    )
    SESSION_COOKIE_SECURE: bool = Field(
        False,
        description="Mark the session cookie Secure (set true behind HTTPS; always true in production).",
    )
    SESSION_MAX_AGE_S: int = Field(8 * 3600, description="Browser session lifetime in seconds.")
    EXPORT_DIR: Path = Field(
        Path("./var/exports"), description="Where export and mail-merge outputs are written."
    )
    EXPORT_RETENTION_DAYS: int = Field(
        7, description="Days to keep mail-merge outputs before they are deleted."
    )
    JOBS: Literal["auto", "in-process", "workers"] = Field(
        "auto",
        description="Where merges and other long jobs run: `workers` (procrastinate tasks on PostgreSQL, run by "
        "`candor worker` processes), `in-process` (a thread of the web process) or `auto` (workers on "
        "PostgreSQL, in-process on SQLite).",
    )
    MERGE_CHUNK_SIZE: int = Field(
        2000,
        ge=1,
        le=1_000_000,
        description="Recipients per merge chunk (the unit a worker takes).",
    )
    WORKER_HEARTBEAT_S: float = Field(
        10.0, gt=0, description="Seconds between a worker's heartbeats (`candor worker`)."
    )
    WORKER_STALLED_S: float = Field(
        30.0,
        gt=0,
        description="Seconds without a heartbeat after which a worker counts as dead and its tasks are run again.",
    )
    SMTP_URL: str | None = Field(
        None,
        description="SMTP server for the e-mail merge channel: smtp://user:password@host:port "
        "(smtps:// for TLS on connect, ?starttls=1 to upgrade); unset: no e-mail channel.",
    )
    SMTP_FROM: str = Field(
        "", description="Sender address of merge and reminder e-mails (required with SMTP_URL)."
    )
    SMTP_RATE: str = Field(
        "10/second",
        description="Most merge e-mails sent per sending task (`limits` syntax, e.g. `10/second`, `300/minute`).",
    )
    LETTERHEAD: str = Field(
        "",
        description="Text printed at the top of exported PDF letters (defaults to the organisation name).",
    )
    AUDIT_KEY: str | None = Field(
        None,
        description="Secret (32+ characters) keying the audit chain's HMACs; keep it outside the database. "
        "Unset: read from CANDOR_AUDIT_KEY_FILE.",
    )
    AUDIT_KEY_FILE: Path = Field(
        Path("./var/audit.key"),
        description="File holding the audit key when CANDOR_AUDIT_KEY is unset "
        "(created with a random key on first start).",
    )
    AUDIT_CHECKPOINTS: Path | None = Field(
        None,
        description="File of signed audit checkpoints: `candor audit checkpoint` appends to it and "
        "`candor audit verify` checks the chain against it (put it where the database admin cannot write).",
    )
    TOKEN_LIFETIME_DAYS: int = Field(
        90,
        ge=1,
        le=3650,
        description="Lifetime of new API tokens in days (a shorter one can be asked for per token).",
    )
    LOGIN_RATE_LIMIT: str = Field(
        "10/minute",
        description="Sign-in attempts allowed per e-mail address and per client address (`limits` syntax).",
    )
    TODAY: str | None = Field(
        None,
        description="Fixed 'today' for deadlines: a date (YYYY-MM-DD, counted from 00:00 UTC) or a date-time with offset "
        "(2026-09-15T08:00:00+00:00); for tests and demos. Unset: the real time.",
    )

    # --- reminders and calendar feeds of the tracked plan (docs/obligations.md) ---------------
    PUBLIC_URL: str = Field(
        "http://127.0.0.1:8000",
        description="The address users reach Candor at; used for links in reminders and calendar feeds.",
    )
    REMINDER_HOURS: str = Field(
        "72,24,4",
        description="Hours before a notice's deadline when a reminder goes out (comma-separated); "
        "one more is sent when it is overdue.",
    )
    REMINDER_WEBHOOK_URL: str | None = Field(
        None, description="Webhook that receives reminders as JSON (unset: no webhook)."
    )
    REMINDER_WEBHOOK_FORMAT: Literal["json", "slack", "teams"] = Field(
        "json",
        description="Reminder webhook body: `json` (Candor's fields), `slack` (text + blocks) or `teams` (MessageCard).",
    )
    REMINDER_EMAILS: str | None = Field(
        None,
        description="Addresses (comma-separated) that receive reminders by e-mail through SMTP_URL.",
    )
    REMINDER_MAX_ATTEMPTS: int = Field(
        5,
        ge=1,
        le=100,
        description="Delivery attempts per reminder before it is given up (recorded).",
    )
    REMINDER_INTERVAL_S: int = Field(
        300,
        ge=0,
        description="Seconds between reminder passes inside `candor serve` (0: off; run `candor reminders run` from cron instead).",
    )

    def reminder_hours(self) -> tuple[int, ...]:
        """REMINDER_HOURS as whole hours, most distant first."""
        return tuple(
            sorted({int(h) for h in self.REMINDER_HOURS.split(",") if h.strip()}, reverse=True)
        )

    def reminder_emails(self) -> tuple[str, ...]:
        """REMINDER_EMAILS as a tuple of addresses."""
        return tuple(a.strip() for a in (self.REMINDER_EMAILS or "").split(",") if a.strip())

    @field_validator("REMINDER_HOURS")
    @classmethod
    def _check_reminder_hours(cls, value: str) -> str:
        """Whole positive hours separated by commas."""
        parts = [p.strip() for p in value.split(",") if p.strip()]
        if not all(p.isdigit() and 0 < int(p) <= 24 * 366 for p in parts):
            raise ValueError("give whole hours separated by commas, e.g. 72,24,4")
        return value

    @field_validator("DATABASE_URL", mode="before")
    @classmethod
    def _normalise_db_url(cls, value: str) -> str:
        """Accept the common `postgres://` and `postgresql://` spellings and use psycopg 3."""
        if isinstance(value, str):
            for prefix in ("postgres://", "postgresql://"):
                if value.startswith(prefix):
                    return "postgresql+psycopg://" + value[len(prefix) :]
        return value

    @model_validator(mode="after")
    def _production_defaults(self) -> Settings:
        """Demo data only in development; production refuses it and placeholder secrets (forgeable cookies)."""
        if self.DEMO_DATA is None:
            self.DEMO_DATA = self.ENVIRONMENT == "development"
        if self.ENVIRONMENT == "production":
            if self.SECRET_KEY in PLACEHOLDER_SECRETS or len(self.SECRET_KEY) < 32:
                raise ValueError(
                    "CANDOR_SECRET_KEY must be set to a random value of 32+ characters in production"
                )
            if self.DEMO_DATA:
                raise ValueError(
                    "CANDOR_DEMO_DATA must be false in production (demo users have known passwords)"
                )
            self.SESSION_COOKIE_SECURE = True
        return self


def check_paths(settings: Settings) -> None:
    """Refuse to start when a folder read at run time is missing (one line naming the setting)."""
    for name in REQUIRED_DIRS:
        require_dir(settings, name)


@lru_cache
def get_settings() -> Settings:
    """Return the process-wide settings, read once from the environment."""
    return Settings()
