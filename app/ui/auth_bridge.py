"""The pages' use of app.auth: sign-in, the current user and CSRF.

Pages declare their roles with `app.auth.policy.page(...)`, the API's rule with the two things a
browser needs (a signed-out GET is redirected to /login; a form post's CSRF token may come in the
`csrf_token` form field).
"""

from __future__ import annotations

from fastapi import Request, Response
from sqlalchemy.orm import Session

from app.auth import sessions
from app.auth.identity import identify
from app.core.errors import Unauthorized
from app.store.models import User


def current_user(request: Request) -> User:
    """The user the route's access rule identified for this request."""
    ident = getattr(request.state, "candor_identity", None)
    if ident is None:
        raise Unauthorized("Sign in first.")
    return ident.user  # type: ignore[no-any-return]


def optional_user(request: Request, session: Session) -> User | None:
    """The signed-in user, if any (login page, error pages)."""
    ident = identify(request, session)
    return ident.user if ident else None


def csrf_token(request: Request) -> str:
    """The CSRF token for this browser session ('' when signed out)."""
    token = getattr(request.state, "candor_new_csrf", None) or sessions.csrf_for_request(request)
    return token or ""


def sign_in(
    request: Request, session: Session, response: Response, email: str, password: str
) -> User | None:
    """Check the password and set the session cookie on `response`; None when wrong."""
    try:
        user, token = sessions.sign_in(session, request, response, email, password)
    except Unauthorized:
        return None
    request.state.candor_new_csrf = token
    return user


def sign_out(request: Request, session: Session, response: Response) -> None:
    """End the session and clear the cookie."""
    sessions.sign_out(session, request, response)
