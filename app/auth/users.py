"""User, token and session management (service functions taking a Session; they commit)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.emails import normalise_email
from app.auth.passwords import MIN_LENGTH, hash_password, one_time_password, verify_password
from app.auth.roles import ROLES
from app.auth.tokens import new_token, token_hash
from app.core.errors import Conflict, InvalidInput, NotFound
from app.core.timestamps import iso, utcnow
from app.store import repositories as repo
from app.store.models import ApiToken, User, WebSession
from app.workflow import audit

DEFAULT_TOKEN_DAYS = 90  # Settings.TOKEN_LIFETIME_DAYS's default; callers pass the configured value


def create_user(
    session: Session, actor: User | None, email: str, role: str, password: str | None = None
) -> tuple[User, str | None]:
    """Create a user; returns the user and the one-time password when none was given. Commits."""
    if role not in ROLES:
        raise InvalidInput(
            f"Unknown role; use one of {', '.join(ROLES)}.",
            details=[{"field": "role", "message": f"use one of {', '.join(ROLES)}"}],
        )
    try:
        email = normalise_email(email)
    except ValueError as exc:
        raise InvalidInput(
            f"Give a valid e-mail address: {exc}.",
            details=[{"field": "email", "message": str(exc)}],
        ) from None
    if password is not None and len(password) < MIN_LENGTH:
        raise InvalidInput(
            f"Choose a password of at least {MIN_LENGTH} characters.",
            details=[{"field": "password", "message": f"at least {MIN_LENGTH} characters"}],
        )
    if find_user(session, email):
        raise Conflict(
            f"A user with e-mail {email} already exists; use a different address or issue them a token."
        )
    shown = None
    if password is None:
        password = shown = one_time_password()
    user = User(
        email=email,
        role=role,
        password_hash=hash_password(password),
        active=True,
        created_at=utcnow(),
    )
    session.add(user)
    session.flush()
    audit.record(
        session, actor, "user.created", "user", user.id, None, {"email": email, "role": role}
    )
    session.commit()
    return user, shown


def set_active(session: Session, actor: User, user_id: int, active: bool) -> User:
    """Deactivate (or reactivate) a user; a deactivated user's tokens and sessions stop working. Commits."""
    user = repo.get_user(session, user_id)
    user.active = active
    audit.record(
        session,
        actor,
        "user.activated" if active else "user.deactivated",
        "user",
        user.id,
        None,
        {"email": user.email},
    )
    session.commit()
    return user


def find_user(session: Session, email: str) -> User | None:
    """The user with this e-mail address in any spelling of it (see app.auth.emails), else None."""
    try:
        return repo.user_by_email(session, normalise_email(email))
    except ValueError:
        return None


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this e-mail and password, else None."""
    user = find_user(session, email)
    ok = verify_password(user.password_hash if user else None, password)
    return user if ok and user and user.active else None


def token_lifetime(requested: int | None, configured: int) -> int:
    """Days a new token lives: the configured lifetime, or a shorter one asked for (422 when longer)."""
    if requested is None:
        return configured
    if requested > configured:
        raise InvalidInput(
            f"A token may live at most {configured} days here (CANDOR_TOKEN_LIFETIME_DAYS).",
            details=[{"field": "expires_in_days", "message": f"at most {configured}"}],
        )
    return requested


def issue_token(
    session: Session,
    actor: User | None,
    user: User,
    name: str = "",
    lifetime_days: int = DEFAULT_TOKEN_DAYS,
) -> tuple[ApiToken, str]:
    """A new API token for `user`, valid for `lifetime_days`; the secret is returned once and only
    its hash is stored. Commits."""
    secret = new_token()
    now = utcnow()
    row = ApiToken(
        user_id=user.id,
        token_hash=token_hash(secret),
        prefix=secret[:10],
        name=name[:100],
        created_at=now,
        expires_at=now + timedelta(days=lifetime_days),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "token.issued",
        "user",
        user.id,
        None,
        {"token_id": row.id, "prefix": row.prefix, "name": name, "expires_at": iso(row.expires_at)},
    )
    session.commit()
    return row, secret


def revoke_token(session: Session, actor: User, token_id: int) -> ApiToken:
    """Revoke a token (owner or admin). Commits."""
    row = session.get(ApiToken, token_id)
    if row is None or (row.user_id != actor.id and actor.role != "admin"):
        raise NotFound(
            f"Token {token_id} does not exist. List your tokens with GET /api/v1/auth/tokens."
        )
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        audit.record(
            session,
            actor,
            "token.revoked",
            "user",
            row.user_id,
            None,
            {"token_id": row.id, "prefix": row.prefix},
        )
        session.commit()
    return row


def user_for_token(session: Session, token: str) -> User | None:
    """The active user owning this unrevoked, unexpired token, else None."""
    found = session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == token_hash(token))
    ).one_or_none()  # one query per request for the token and its owner
    if found is None:
        return None
    row, user = found
    if row.revoked_at is not None or (row.expires_at is not None and row.expires_at < utcnow()):
        return None
    return user if user.active else None


def start_session(session: Session, user: User, max_age_s: int) -> str:
    """Open a browser session; returns the random session id for the cookie. Commits."""
    sid = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        WebSession(
            user_id=user.id,
            session_hash=token_hash(sid),
            created_at=now,
            expires_at=now + timedelta(seconds=max_age_s),
        )
    )
    audit.record(session, user, "session.started", "user", user.id)
    session.commit()
    return sid


def user_for_session(session: Session, sid: str) -> User | None:
    """The active user of an open, unexpired session, else None."""
    found = session.execute(
        select(WebSession, User)
        .join(User, User.id == WebSession.user_id)
        .where(WebSession.session_hash == token_hash(sid))
    ).one_or_none()
    if found is None:
        return None
    row, user = found
    if row.ended_at is not None or row.expires_at < utcnow():
        return None
    return user if user.active else None


def end_session(session: Session, sid: str) -> None:
    """Close a browser session (sign-out). Commits."""
    row = session.execute(
        select(WebSession).where(WebSession.session_hash == token_hash(sid))
    ).scalar_one_or_none()
    if row is not None and row.ended_at is None:
        row.ended_at = utcnow()
        user = session.get(User, row.user_id)
        audit.record(session, user, "session.ended", "user", row.user_id)
        session.commit()
