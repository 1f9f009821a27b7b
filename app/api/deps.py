"""Request dependencies as `Annotated` aliases (SettingsDep, RulebookDep, SessionDep, CurrentUser, ...).

The ones that only read app state, or a user the route's access marker already identified, are
`async def`: FastAPI runs a plain `def` dependency in a worker thread, and each such hop costs a
thread hand-off per request for an attribute read. Anything that queries the database still runs
in a worker thread.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from app.auth.identity import identify, known_identity
from app.core.config import Settings
from app.core.errors import Unauthorized
from app.rulebook.loader import Rulebook
from app.store.db import get_db, get_write_db
from app.store.models import User
from app.workflow.context import WorkflowContext


async def get_app_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    return request.app.state.settings  # type: ignore[no-any-return]


async def get_rulebook(request: Request) -> Rulebook:
    """The rulebook loaded and validated at start-up."""
    return request.app.state.rulebook  # type: ignore[no-any-return]


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
RulebookDep = Annotated[Rulebook, Depends(get_rulebook)]
SessionDep = Annotated[Session, Depends(get_db)]  # read session for GET/HEAD, write otherwise
WriteSessionDep = Annotated[Session, Depends(get_write_db)]  # GET routes that record an audit entry


async def get_optional_user(request: Request, session: SessionDep) -> User | None:
    """The signed-in user (token or session cookie), or None, attached to this request's session.

    The route's access marker usually identified the caller already, in this same session
    (app.auth.policy); otherwise the look-up runs in a worker thread. A user found in another
    session is merged in without another query.
    """
    found, ident = known_identity(request)
    if not found:
        ident = await run_in_threadpool(identify, request, session)
    if ident is None:
        return None
    if ident.user in session:
        return ident.user
    return session.merge(ident.user, load=False)


async def get_current_user(request: Request, session: SessionDep) -> User:
    """The signed-in user; 401 otherwise. Role checks are the route's `allow(...)` marker."""
    user = await get_optional_user(request, session)
    if user is None:
        raise Unauthorized(
            "Sign in, or send `Authorization: Bearer <token>` (create one with `candor users token`)."
        )
    return user


async def get_workflow(request: Request) -> WorkflowContext:
    """Settings + rulebook for the workflow service functions."""
    return request.app.state.workflow  # type: ignore[no-any-return]


OptionalUser = Annotated[User | None, Depends(get_optional_user)]
CurrentUser = Annotated[User, Depends(get_current_user)]
WorkflowDep = Annotated[WorkflowContext, Depends(get_workflow)]
