"""API tokens: 256-bit random, shown once, stored as SHA-256 (a fast hash is enough for
random secrets; passwords use argon2).
"""

from __future__ import annotations

import hashlib
import secrets

PREFIX = "cnd_"


def new_token() -> str:
    """A fresh bearer token."""
    return PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """The stored form of a token or session id."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
