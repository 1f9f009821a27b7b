"""The pages' use of app.auth: sign-in, the current user, CSRF, and the page access rule.

Pages declare their roles with `PageAllow` (a subclass of app.auth.policy.Allow, so the
access-matrix tooling sees it like any API rule). It differs from `Allow` in two ways a browser
needs: a signed-out GET is redirected to /login instead of answering 401, and the CSRF token of
a form POST is read from the `csrf_token` form field as well as from the X-CSRF-Token header.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request, Response
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.auth import csrf, sessions
from app.auth.identity import check_csrf, identify
from app.auth.policy import Allow
from app.core.errors import Forbidden, Unauthorized
from app.store.models import User


class PageAllow(Allow):
    """Page rule: these roles may open the page; deny by default like every other route."""

    async def __call__(self, request: Request) -> None:  # type: ignore[override]
        """Redirect signed-out GETs to /login; 401/403 otherwise; check CSRF on unsafe methods."""
        with request.app.state.db.sessions() as session:
            ident = identify(request, session)
        if ident is None:
            if request.method == "GET":
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                raise StarletteHTTPException(
                    303, "Sign in first.", headers={"Location": f"/login?next={quote(target)}"}
                )
            raise Unauthorized("Sign in first; your session may have expired.")
        if ident.user.role not in self.roles:
            raise Forbidden(
                f"Your role ({ident.user.role}) cannot use this page; it needs one of: "
                f"{', '.join(sorted(self.roles))}."
            )
        if request.method not in csrf.SAFE_METHODS:
            token = None
            if "form" in request.headers.get("content-type", ""):
                token = (await request.form()).get(csrf.FORM_FIELD)
            check_csrf(request, ident, token if isinstance(token, str) else None)


def current_user(request: Request) -> User:
    """The user PageAllow identified for this request."""
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
