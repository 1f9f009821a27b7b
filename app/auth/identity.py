"""Who is calling: a bearer token or a browser session cookie, resolved once per request.

Cookie-authenticated unsafe requests must carry the CSRF token (see app.auth.csrf); bearer
requests need not. The result is cached on `request.state` so policy checks and endpoints agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from sqlalchemy.orm import Session

from app.auth import csrf
from app.auth.users import user_for_session, user_for_token
from app.core.errors import Forbidden, Unauthorized
from app.store.models import User

COOKIE = "candor_session"
_STATE_KEY = "candor_identity"


@dataclass
class Identity:
    """The authenticated user and how they proved it."""

    user: User
    via: str  # "token" or "session"
    session_id: str | None = None


def known_identity(request: Request) -> tuple[bool, Identity | None]:
    """(True, identity or None) when this request was identified already, else (False, None):
    lets a caller skip the look-up (and the worker thread it needs) without a second query."""
    if hasattr(request.state, _STATE_KEY):
        return True, getattr(request.state, _STATE_KEY)
    return False, None


def identify(request: Request, session: Session) -> Identity | None:
    """The caller's identity, or None for anonymous requests. Raises 401 for a bad bearer token."""
    if hasattr(request.state, _STATE_KEY):
        return getattr(request.state, _STATE_KEY)  # type: ignore[no-any-return]
    ident: Identity | None = None
    auth = request.headers.get("authorization", "")
    if auth:
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized(
                "Send `Authorization: Bearer <token>`; create a token with `candor users token --email E`."
            )
        user = user_for_token(session, token.strip())
        if user is None:
            raise Unauthorized(
                "This API token is unknown, expired, revoked or belongs to a deactivated user; create a new one "
                "(POST /api/v1/auth/tokens, or ask an admin)."
            )
        ident = Identity(user, "token")
    else:
        sid = request.cookies.get(COOKIE)
        if sid:
            user = user_for_session(session, sid)
            if user is not None:
                ident = Identity(user, "session", sid)
    setattr(request.state, _STATE_KEY, ident)
    return ident


def check_csrf(request: Request, ident: Identity, form_token: str | None = None) -> None:
    """Refuse a cookie-authenticated unsafe request without a valid CSRF token (403)."""
    if ident.via != "session" or request.method in csrf.SAFE_METHODS:
        return
    token = request.headers.get(csrf.HEADER) or form_token
    secret = request.app.state.settings.SECRET_KEY
    if not csrf.csrf_valid(secret, ident.session_id or "", token):
        raise Forbidden(
            "Missing or wrong CSRF token. Reload the page and try again (send the X-CSRF-Token header).",
            code="csrf_failed",
        )
