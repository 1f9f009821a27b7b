"""Browser sign-in and sign-out: a random session id in an HttpOnly, SameSite=Lax cookie
(Secure when configured or in production), its hash stored server-side so sign-out revokes it.
"""

from __future__ import annotations

from fastapi import Request, Response
from sqlalchemy.orm import Session

from app.auth import csrf
from app.auth.identity import COOKIE
from app.auth.ratelimit import LoginLimiter
from app.auth.users import authenticate, end_session, start_session
from app.core.config import Settings
from app.core.errors import Unauthorized
from app.store.models import User


def login_limiter(request: Request) -> LoginLimiter:
    """The app's sign-in limiter (one per app, made on first use from CANDOR_LOGIN_RATE_LIMIT)."""
    limiter = getattr(request.app.state, "login_limiter", None)
    if limiter is None:
        limiter = request.app.state.login_limiter = LoginLimiter(
            request.app.state.settings.LOGIN_RATE_LIMIT
        )
    return limiter


def sign_in(
    session: Session, request: Request, response: Response, email: str, password: str
) -> tuple[User, str]:
    """Check the password (rate-limited), open a session, set the cookie; returns the user and the CSRF token."""
    settings: Settings = request.app.state.settings
    limiter, client = login_limiter(request), request.client.host if request.client else ""
    limiter.check(email, client)
    user = authenticate(session, email, password)
    if user is None:
        limiter.failed(email, client)
        raise Unauthorized(
            "Wrong e-mail or password, or the account is deactivated. Try again or ask an admin."
        )
    sid = start_session(session, user, settings.SESSION_MAX_AGE_S)
    response.set_cookie(
        COOKIE,
        sid,
        max_age=settings.SESSION_MAX_AGE_S,
        httponly=True,
        samesite="lax",
        secure=settings.SESSION_COOKIE_SECURE,
        path="/",
    )
    return user, csrf.csrf_token(settings.SECRET_KEY, sid)


def sign_out(session: Session, request: Request, response: Response) -> None:
    """End the session named by the cookie (if any) and clear the cookie."""
    sid = request.cookies.get(COOKIE)
    if sid:
        end_session(session, sid)
    response.delete_cookie(COOKIE, path="/")


def csrf_for_request(request: Request) -> str | None:
    """The CSRF token for the caller's session cookie (for forms and htmx headers), or None."""
    sid = request.cookies.get(COOKIE)
    return csrf.csrf_token(request.app.state.settings.SECRET_KEY, sid) if sid else None
