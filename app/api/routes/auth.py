"""Sign-in/out for browsers (session cookie + CSRF token) and self-service API tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from app.api.deps import CurrentUser, SessionDep, SettingsDep
from app.api.schemas import (
    LoginCreate,
    LoginPublic,
    TokenCreate,
    TokenCreated,
    TokenPublic,
    UserPublic,
)
from app.auth import sessions
from app.auth.policy import allow_any_user, public
from app.auth.users import issue_token, revoke_token, token_lifetime
from app.store import repositories as repo

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post(
    "/login",
    response_model=LoginPublic,
    dependencies=[public()],
    responses={
        401: {"description": "Wrong e-mail or password."},
        429: {"description": "Too many failed attempts: wait for Retry-After seconds."},
    },
)
def login(
    body: LoginCreate, request: Request, session: SessionDep, response: Response
) -> LoginPublic:
    """Sign in with e-mail and password; sets the session cookie and returns the CSRF token.

    Failed attempts are rate-limited per e-mail and per client address (429 with Retry-After)."""
    user, token = sessions.sign_in(session, request, response, body.email, body.password)
    return LoginPublic(user=UserPublic.model_validate(user, from_attributes=True), csrf_token=token)


@router.post("/logout", status_code=204, dependencies=[allow_any_user()])
def logout(request: Request, session: SessionDep) -> Response:
    """End the browser session and clear the cookie."""
    response = Response(status_code=204)
    sessions.sign_out(session, request, response)
    return response


@router.get("/me", response_model=UserPublic, dependencies=[allow_any_user()])
def me(user: CurrentUser) -> UserPublic:
    """The signed-in user."""
    return UserPublic.model_validate(user, from_attributes=True)


@router.get("/tokens", response_model=list[TokenPublic], dependencies=[allow_any_user()])
def list_tokens(session: SessionDep, user: CurrentUser) -> list[TokenPublic]:
    """Your API tokens (metadata only)."""
    return [
        TokenPublic.model_validate(t, from_attributes=True)
        for t in repo.list_tokens(session, user.id)
    ]


@router.post(
    "/tokens", response_model=TokenCreated, status_code=201, dependencies=[allow_any_user()]
)
def create_token(
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    body: TokenCreate | None = None,
) -> TokenCreated:
    """Create an API token for yourself; the secret is shown once in this response, with its expiry.
    Every field is optional: an empty body is fine."""
    body = body or TokenCreate()
    row, secret = issue_token(
        session,
        user,
        user,
        body.name,
        token_lifetime(body.expires_in_days, settings.TOKEN_LIFETIME_DAYS),
    )
    return TokenCreated(
        **TokenPublic.model_validate(row, from_attributes=True).model_dump(), token=secret
    )


@router.delete("/tokens/{token_id}", response_model=TokenPublic, dependencies=[allow_any_user()])
def delete_token(
    token_id: Annotated[int, Path(ge=1, le=2**31 - 1)], session: SessionDep, user: CurrentUser
) -> TokenPublic:
    """Revoke one of your tokens (admins: any token)."""
    return TokenPublic.model_validate(revoke_token(session, user, token_id), from_attributes=True)
