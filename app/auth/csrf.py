"""CSRF tokens for cookie-authenticated requests: an HMAC (itsdangerous) of the session id.

A cross-site page can make the browser send the cookie but cannot read the token, so every
unsafe request made with the session cookie must carry it in `X-CSRF-Token` or the form field
`csrf_token`. Bearer-token requests need no CSRF token (browsers never add that header).
"""

from __future__ import annotations

import hmac

from itsdangerous import BadSignature, URLSafeSerializer

HEADER = "X-CSRF-Token"
FORM_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt="candor-csrf")


def csrf_token(secret_key: str, session_id: str) -> str:
    """The CSRF token for a session (stable for the session's lifetime)."""
    return _serializer(secret_key).dumps(session_id[:16])


def csrf_valid(secret_key: str, session_id: str, token: str | None) -> bool:
    """True when `token` was issued for this session."""
    if not token:
        return False
    try:
        value = _serializer(secret_key).loads(token)
    except BadSignature:
        return False
    return isinstance(value, str) and hmac.compare_digest(value, session_id[:16])
