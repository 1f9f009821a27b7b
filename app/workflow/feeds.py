"""Revocable tokens that open calendar feeds: one incident's plan, or every incident for one user.

A calendar app subscribes to a URL and cannot send a bearer header, so the feed URL carries its own
token. It opens that feed only (read-only), is stored as its SHA-256, works only while its user is
active and until it is revoked; creating and revoking one are audited.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.errors import NotFound
from app.store import repositories as repo
from app.store.models import User, utcnow
from app.store.plan_models import FeedToken
from app.workflow import audit

PREFIX = "cfeed_"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(session: Session, actor: User, incident_id: int | None) -> tuple[FeedToken, str]:
    """A new feed token (returned once in clear) for one incident, or for all of them when None. Commits."""
    if incident_id is not None:
        repo.get_incident(session, incident_id)
    token = PREFIX + secrets.token_urlsafe(32)
    row = FeedToken(
        user_id=actor.id,
        incident_id=incident_id,
        token_hash=_hash(token),
        prefix=token[: len(PREFIX) + 4],
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "feed_token.created",
        "feed_token",
        row.id,
        None,
        {"incident_id": incident_id, "prefix": row.prefix},
    )
    session.commit()
    return row, token


def list_tokens(session: Session, user: User) -> list[FeedToken]:
    """The user's feed tokens (revoked ones too), oldest first."""
    return list(
        session.execute(
            select(FeedToken).where(FeedToken.user_id == user.id).order_by(FeedToken.id)
        ).scalars()
    )


def revoke_token(session: Session, actor: User, token_id: int) -> FeedToken:
    """Revoke one of your feed tokens (an admin may revoke anyone's). Commits; idempotent."""
    row = session.get(FeedToken, token_id)
    if row is None or (row.user_id != actor.id and actor.role != "admin"):
        raise NotFound(
            f"You have no feed token {token_id}. List yours with GET /api/v1/calendar/tokens."
        )
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        audit.record(
            session,
            actor,
            "feed_token.revoked",
            "feed_token",
            row.id,
            None,
            {"incident_id": row.incident_id, "prefix": row.prefix},
        )
        session.commit()
    return row


def open_feed(session: Session, token: str | None, incident_id: int | None) -> User:
    """The user a feed token speaks for. A missing, unknown or revoked token, a deactivated user or
    another feed's token all answer 404: a feed URL that no longer works reveals nothing."""
    gone = NotFound(
        "No calendar feed at this address: the token is missing, unknown or revoked. "
        "Create a feed link with POST /api/v1/calendar/tokens."
    )
    if not token:
        raise gone
    row = session.execute(
        select(FeedToken).where(FeedToken.token_hash == _hash(token))
    ).scalar_one_or_none()
    if row is None or row.revoked_at is not None:
        raise gone
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        raise gone
    if row.incident_id is not None and row.incident_id != incident_id:
        raise gone
    return user
