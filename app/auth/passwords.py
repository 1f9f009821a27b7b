"""Password hashing with argon2id (argon2-cffi defaults) and one-time password generation."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
MIN_LENGTH = 12


def hash_password(password: str) -> str:
    """The argon2id hash to store."""
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """True when `password` matches `stored`; False (never an exception) otherwise."""
    if not stored:
        _hasher.hash(password)  # same cost either way, so timing does not reveal unknown users
        return False
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def one_time_password() -> str:
    """A random password to show once (20 URL-safe characters, ~120 bits)."""
    return secrets.token_urlsafe(15)
