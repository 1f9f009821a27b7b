"""Read-side queries over the store: pure functions taking a Session, shared by API and UI.

Lookups raise NotFound with a sentence saying what to check, so callers never handle None.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from app.checks.base import Report
from app.core.errors import NotFound
from app.domain.facts import IncidentFacts
from app.store.models import (
    ApiToken,
    AuditEntry,
    Draft,
    DraftVersion,
    FactsVersion,
    Incident,
    Review,
    SignOff,
    User,
    Waiver,
)


def get_user(session: Session, user_id: int) -> User:
    """The user with this id."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"User {user_id} does not exist. List users with GET /api/v1/users.")
    return user


def user_by_email(session: Session, email: str) -> User | None:
    """The user with this e-mail (case-insensitive), or None."""
    return session.execute(
        select(User).where(User.email == email.strip().lower())
    ).scalar_one_or_none()


def list_users(session: Session) -> list[User]:
    """All users, oldest first."""
    return list(session.execute(select(User).order_by(User.id)).scalars())


def list_tokens(session: Session, user_id: int) -> list[ApiToken]:
    """A user's tokens (hashes never leave the store)."""
    return list(
        session.execute(
            select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)
        ).scalars()
    )


def count_users(session: Session) -> int:
    """Number of users (0 means an empty store, which demo seeding looks for)."""
    return int(session.execute(select(func.count()).select_from(User)).scalar_one())


def get_incident(session: Session, incident_id: int) -> Incident:
    """The incident with this id."""
    inc = session.get(Incident, incident_id)
    if inc is None:
        raise NotFound(
            f"Incident {incident_id} does not exist. List incidents with GET /api/v1/incidents."
        )
    return inc


def list_incidents(session: Session, *, limit: int = 100, offset: int = 0) -> list[Incident]:
    """Incidents, newest first."""
    return list(
        session.execute(
            select(Incident).order_by(Incident.id.desc()).limit(limit).offset(offset)
        ).scalars()
    )


def facts_version(session: Session, incident_id: int, number: int | None = None) -> FactsVersion:
    """One facts version (default: the incident's current one)."""
    if number is None:
        number = get_incident(session, incident_id).facts_version
    row = session.execute(
        select(FactsVersion).where(
            FactsVersion.incident_id == incident_id, FactsVersion.number == number
        )
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"Incident {incident_id} has no facts version {number}.")
    return row


def facts_versions(session: Session, incident_id: int) -> list[FactsVersion]:
    """Every facts version of an incident, oldest first."""
    get_incident(session, incident_id)
    return list(
        session.execute(
            select(FactsVersion)
            .where(FactsVersion.incident_id == incident_id)
            .order_by(FactsVersion.number)
        ).scalars()
    )


def current_facts(session: Session, incident_id: int) -> IncidentFacts:
    """The incident's current facts, validated."""
    return IncidentFacts.model_validate(facts_version(session, incident_id).facts)


def get_draft(session: Session, draft_id: int) -> Draft:
    """The draft with this id."""
    draft = session.get(Draft, draft_id)
    if draft is None:
        raise NotFound(
            f"Draft {draft_id} does not exist. List an incident's drafts with GET /api/v1/incidents/{{id}}/drafts."
        )
    return draft


def list_drafts(session: Session, incident_id: int) -> list[Draft]:
    """An incident's drafts in creation order."""
    get_incident(session, incident_id)
    return list(
        session.execute(
            select(Draft).where(Draft.incident_id == incident_id).order_by(Draft.id)
        ).scalars()
    )


def review_record_loaders() -> list[LoaderOption]:
    """Loader options that fetch a draft's incident, versions, their reviews and reviewers in four
    queries for any number of drafts (pages list many drafts; lazy loading would query per row)."""
    versions = selectinload(Draft.versions)
    return [
        selectinload(Draft.incident),
        versions.selectinload(DraftVersion.reviews).selectinload(Review.user),
    ]


def drafts_with_reviews(session: Session, incident_id: int) -> list[Draft]:
    """An incident's drafts in creation order, with their review record loaded (see above)."""
    get_incident(session, incident_id)
    return list(
        session.execute(
            select(Draft)
            .where(Draft.incident_id == incident_id)
            .order_by(Draft.id)
            .options(*review_record_loaders())
        ).scalars()
    )


def incidents_with_drafts(session: Session, *, limit: int = 100) -> list[Incident]:
    """Incidents, newest first, each with its drafts and their review record (the dashboard)."""
    drafts = selectinload(Incident.drafts)
    return list(
        session.execute(
            select(Incident)
            .order_by(Incident.id.desc())
            .limit(limit)
            .options(*(drafts.options(o) for o in review_record_loaders()))
        ).scalars()
    )


def get_version(session: Session, draft_id: int, number: int | None = None) -> DraftVersion:
    """One version of a draft (default: the current one)."""
    draft = get_draft(session, draft_id)
    number = draft.current_version if number is None else number
    row = session.execute(
        select(DraftVersion).where(DraftVersion.draft_id == draft_id, DraftVersion.number == number)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(
            f"Draft {draft_id} has no version {number}; the current version is {draft.current_version}."
        )
    return row


def draft_version(
    session: Session, draft_id: int, number: int | None = None
) -> tuple[Draft, DraftVersion, int]:
    """A draft, one of its versions (default: the current one) and its incident's facts version,
    in one query (a draft is read far more often than it is written)."""
    wanted = Draft.current_version if number is None else number
    row = session.execute(
        select(Draft, DraftVersion, Incident.facts_version)
        .join(DraftVersion, (DraftVersion.draft_id == Draft.id) & (DraftVersion.number == wanted))
        .join(Incident, Incident.id == Draft.incident_id)
        .where(Draft.id == draft_id)
    ).one_or_none()
    if row is None:  # no such draft or version: the one-by-one look-ups say which (404)
        version = get_version(session, draft_id, number)
        draft = get_draft(session, draft_id)
        return draft, version, get_incident(session, draft.incident_id).facts_version
    return row[0], row[1], row[2]


def save_inputs(session: Session, draft: Draft, number: int) -> tuple[dict[str, Any], int]:
    """What a save of `draft` edited from version `number` is checked against, in one query: the
    incident's current facts (as stored) and the facts version that version was drafted from."""
    row = session.execute(
        select(FactsVersion.facts, DraftVersion.facts_version)
        .join(
            Incident,
            (Incident.id == FactsVersion.incident_id)
            & (Incident.facts_version == FactsVersion.number),
        )
        .join(DraftVersion, (DraftVersion.draft_id == draft.id) & (DraftVersion.number == number))
        .where(Incident.id == draft.incident_id)
    ).one_or_none()
    if row is None:  # no such version or facts: the one-by-one look-ups say which (404)
        facts = facts_version(session, draft.incident_id).facts
        return facts, get_version(session, draft.id, number).facts_version
    return row[0], row[1]


def incident_facts_version(session: Session, incident_id: int) -> int:
    """The number of an incident's current facts version (without reading the incident row)."""
    number = session.execute(
        select(Incident.facts_version).where(Incident.id == incident_id)
    ).scalar_one_or_none()
    if number is None:
        return get_incident(session, incident_id).facts_version  # 404 naming the incident
    return int(number)


def list_versions(session: Session, draft_id: int) -> list[DraftVersion]:
    """Every version of a draft, oldest first."""
    get_draft(session, draft_id)
    return list(
        session.execute(
            select(DraftVersion)
            .where(DraftVersion.draft_id == draft_id)
            .order_by(DraftVersion.number)
        ).scalars()
    )


def waivers_for(session: Session, version_id: int) -> list[Waiver]:
    """Waivers on one version."""
    return list(
        session.execute(
            select(Waiver).where(Waiver.version_id == version_id).order_by(Waiver.id)
        ).scalars()
    )


def reviews_for(session: Session, version_id: int) -> list[Review]:
    """Approvals and change requests on one version."""
    return list(
        session.execute(
            select(Review).where(Review.version_id == version_id).order_by(Review.id)
        ).scalars()
    )


def reviews_of_number(session: Session, draft_id: int, number: int) -> list[Review]:
    """Approvals and change requests on version `number` of a draft (found by number, without
    reading the version's text and report)."""
    return list(
        session.execute(
            select(Review)
            .join(DraftVersion, DraftVersion.id == Review.version_id)
            .where(DraftVersion.draft_id == draft_id, DraftVersion.number == number)
            .order_by(Review.id)
        ).scalars()
    )


def sign_off_for(session: Session, version_id: int) -> SignOff | None:
    """Compliance's sign-off on one version, if any."""
    return session.execute(
        select(SignOff).where(SignOff.version_id == version_id)
    ).scalar_one_or_none()


def report_for(
    session: Session, version: DraftVersion, waivers: list[Waiver] | None = None
) -> Report:
    """The version's stored check report with its waivers applied (waived findings marked);
    pass the version's `waivers` when they are already loaded."""
    report = Report.model_validate(version.report)
    if waivers is None:
        waivers = waivers_for(session, version.id)
    waived = {w.finding_id: w.reason for w in waivers}
    for f in report.findings:
        if f.id in waived:
            f.waived, f.waiver_reason = True, waived[f.id]
    return report


def audit_entries(
    session: Session,
    *,
    after: int = 0,
    limit: int = 100,
    entity: str | None = None,
    entity_id: int | None = None,
) -> list[AuditEntry]:
    """Audit entries in order, after seq `after`, optionally for one entity."""
    q = select(AuditEntry).where(AuditEntry.seq > after)
    if entity:
        q = q.where(AuditEntry.entity == entity)
    if entity_id is not None:
        q = q.where(AuditEntry.entity_id == entity_id)
    return list(session.execute(q.order_by(AuditEntry.seq).limit(limit)).scalars())


def as_dict(row: Any) -> dict[str, Any]:
    """Column values of a row, JSON-ready (timestamps as ISO 8601 text, enums as their values)."""
    out = {}
    for c in row.__table__.columns:
        value = getattr(row, c.key)
        out[c.key] = value.isoformat() if isinstance(value, datetime) else value
    return out
