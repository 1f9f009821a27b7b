"""User administration (admin only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from app.api.deps import CurrentUser, SessionDep, SettingsDep
from app.api.openapi import conflict
from app.api.schemas import (
    TokenCreate,
    TokenCreated,
    TokenPublic,
    UserCreate,
    UserCreated,
    UserPublic,
    UserUpdate,
)
from app.auth.policy import allow
from app.auth.users import create_user, issue_token, set_active, token_lifetime
from app.store import repositories as repo

router = APIRouter(prefix="/users", tags=["users"], dependencies=[allow("admin")])
UserId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _public(u: object) -> UserPublic:
    return UserPublic.model_validate(u, from_attributes=True)


@router.get("", response_model=list[UserPublic])
def list_users(session: SessionDep) -> list[UserPublic]:
    """Every user."""
    return [_public(u) for u in repo.list_users(session)]


@router.post(
    "",
    response_model=UserCreated,
    status_code=201,
    responses=conflict("a user with this e-mail exists."),
)
def add_user(body: UserCreate, session: SessionDep, user: CurrentUser) -> UserCreated:
    """Create a user; without a password the response carries a one-time password, shown once."""
    new, otp = create_user(session, user, body.email, body.role, body.password)
    return UserCreated(user=_public(new), one_time_password=otp)


@router.get("/{user_id}", response_model=UserPublic)
def get_user(user_id: UserId, session: SessionDep) -> UserPublic:
    """One user."""
    return _public(repo.get_user(session, user_id))


@router.patch("/{user_id}", response_model=UserPublic)
def update_user(
    user_id: UserId, body: UserUpdate, session: SessionDep, user: CurrentUser
) -> UserPublic:
    """Deactivate or reactivate a user (their tokens and sessions stop working while inactive)."""
    return _public(set_active(session, user, user_id, body.active))


@router.post("/{user_id}/tokens", response_model=TokenCreated, status_code=201)
def add_token(
    user_id: UserId,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    body: TokenCreate | None = None,
) -> TokenCreated:
    """Issue an API token for a user; the secret is shown once, with its expiry (empty body: defaults)."""
    body = body or TokenCreate()
    row, secret = issue_token(
        session,
        user,
        repo.get_user(session, user_id),
        body.name,
        token_lifetime(body.expires_in_days, settings.TOKEN_LIFETIME_DAYS),
    )
    return TokenCreated(
        **TokenPublic.model_validate(row, from_attributes=True).model_dump(), token=secret
    )
