"""The audit key: the secret that keys the audit chain's HMACs and signs checkpoints.

It lives outside the database (CANDOR_AUDIT_KEY, or the file CANDOR_AUDIT_KEY_FILE) so someone who
can write the database cannot recompute a valid chain after editing, deleting or truncating it.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from app.core.config import Settings
from app.core.errors import ConfigError

MIN_KEY_CHARS = 32


class AuditKeyError(ConfigError):
    """The configured audit key is unusable (too short, unreadable file)."""


def load_audit_key(settings: Settings) -> bytes:
    """The key from CANDOR_AUDIT_KEY, else from the key file (created with a random key, mode 0600,
    when it does not exist yet)."""
    if settings.AUDIT_KEY:
        key = settings.AUDIT_KEY
    else:
        key = _read_or_create(Path(settings.AUDIT_KEY_FILE))
    if len(key) < MIN_KEY_CHARS:
        raise AuditKeyError(
            f"the audit key must be at least {MIN_KEY_CHARS} characters (CANDOR_AUDIT_KEY or "
            "CANDOR_AUDIT_KEY_FILE)"
        )
    return key.encode("utf-8")


def _read_or_create(path: Path) -> str:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32) + "\n")
        try:
            os.link(tmp, path)  # atomic: a concurrent starter either wins or reads the winner's key
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    try:
        return path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise AuditKeyError(f"cannot read the audit key file {path}: {exc}") from None
