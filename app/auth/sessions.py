"""Browser sign-in and sign-out: a random session id in an HttpOnly, SameSite=Lax cookie
(Secure when configured or in production), its hash stored server-side so sign-out revokes it.
"""

from __future__ import annotations

from fastapi import Request, Response
from sqlalchemy.orm import Session

from app.auth import csrf
from app.auth.identity import COOKIE
from app.auth.users import authenticate, end_session, start_session
from app.core.config import Settings
from app.core.errors import Unauthorized
from app.store.models import User


def sign_in(session: Session, settings: Settings, response: Response, email: str, password: str) -> tuple[User, str]:
    """Check the password, open a session, set the cookie; returns the user and the CSRF token."""
    user = authenticate(session, email, password)
    if user is None:
        raise Unauthorized("Wrong e-mail or password, or the account is deactivated. Try again or ask an admin.")
    sid = start_session(session, user, settings.SESSION_MAX_AGE_S)
    response.set_cookie(COOKIE, sid, max_age=settings.SESSION_MAX_AGE_S, httponly=True, samesite="lax",
                        secure=settings.SESSION_COOKIE_SECURE, path="/")
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
