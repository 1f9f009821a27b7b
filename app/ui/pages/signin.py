"""Sign-in and sign-out pages."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app.auth.policy import page, public
from app.ui import auth_bridge as auth
from app.ui.pages.common import (
    ALL_ROLES,
    db_session,
    read_form,
    redirect,
    render,
)

router = APIRouter(include_in_schema=False)


@router.get("/login", response_class=HTMLResponse, dependencies=[public()])
def login_page(request: Request, next: str = "/") -> Response:
    """Sign-in form."""
    return render(
        request,
        "login.html",
        {"title": "Sign in", "error": None, "email": "", "next_url": _safe_next(next)},
    )


def _safe_next(target: str) -> str:
    """Only same-site paths, never `//host` or a scheme (open-redirect guard)."""
    return (
        target
        if target.startswith("/") and not target.startswith("//") and "\\" not in target
        else "/"
    )


@router.post("/login", response_class=HTMLResponse, dependencies=[public()])
async def login_submit(request: Request) -> Response:
    """Check the password, set the session cookie and go on to `next`."""
    # No CSRF token before sign-in (there is no session yet); the cookie is SameSite=Lax.
    form = await read_form(request)
    email, password, nxt = (
        form.get("email", "").strip(),
        form.get("password", ""),
        _safe_next(form.get("next", "/")),
    )
    response = redirect(nxt)
    with db_session(request) as session:
        user = auth.sign_in(request, session, response, email, password)
    if user is None:
        return render(
            request,
            "login.html",
            {
                "title": "Sign in",
                "error": "Wrong email or password, or the account is deactivated.",
                "email": email,
                "next_url": nxt,
            },
            status=401,
        )
    return response


@router.post("/logout", dependencies=[page(*ALL_ROLES)])
def logout(request: Request) -> Response:
    """End the session and clear the cookie."""
    response = redirect("/login")
    with db_session(request) as session:
        auth.sign_out(request, session, response)
    return response
