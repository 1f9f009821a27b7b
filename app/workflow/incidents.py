"""Incidents and their versioned facts; the one-call "facts in, drafts out" for responders."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from app.core.errors import Conflict, InvalidInput
from app.core.timestamps import utcnow
from app.domain.channels import (
    DEFAULT_CHANNEL,
    DEFAULT_LANGUAGE,
    artifact_kind,
    language_warning,
    letter_languages,
)
from app.domain.facts import IncidentFacts
from app.domain.languages import language_warnings
from app.letters.context import TONES
from app.store import repositories as repo
from app.store.models import FactsVersion, Incident, User
from app.workflow import audit
from app.workflow.context import WorkflowContext
from app.workflow.drafts import DraftDetail, create_draft
from app.workflow.locks import lock_incident
from app.workflow.plan import sync_plan
from app.workflow.staleness import FactsImpact, apply_facts_change
from app.workflow.variants import Variant, letters_needed, scope_for, variant_code


@dataclass
class IncidentCreated:
    """The new incident, its first facts version and one draft per needed variant × tone."""

    incident: Incident
    facts: FactsVersion
    drafts: list[DraftDetail] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class FactsUpdated:
    """The new facts version and what it did to the drafts (stale, added, still uncovered)."""

    facts: FactsVersion
    impact: FactsImpact


def _title(facts: IncidentFacts) -> str:
    summary = (facts.incident.summary or "").split(". ")[0][:120]
    return f"{facts.organisation.name}: {summary}" if summary else facts.organisation.name


def _facts_json(facts: IncidentFacts) -> dict:  # type: ignore[type-arg]
    return facts.model_dump(mode="json", exclude_none=True)


def create_incident(
    session: Session,
    ctx: WorkflowContext,
    actor: User,
    facts: IncidentFacts,
    *,
    title: str | None = None,
    tones: list[str] | None = None,
) -> IncidentCreated:
    """Create the incident and a draft for every needed variant × tone, in one transaction. Commits."""
    tones = tones or ["plain"]
    bad = [i for i, t in enumerate(tones) if t not in TONES]
    if bad:
        raise InvalidInput(
            f"Unknown tone; use one of {', '.join(TONES)}.",
            details=[
                {"field": f"tones[{i}]", "message": f"use one of {', '.join(TONES)}"} for i in bad
            ],
        )
    tones = list(dict.fromkeys(tones))
    now = utcnow()
    incident = Incident(
        title=(title or _title(facts))[:200], facts_version=1, created_by=actor.id, created_at=now
    )
    session.add(incident)
    session.flush()
    fv = FactsVersion(
        incident_id=incident.id,
        number=1,
        facts=_facts_json(facts),
        created_by=actor.id,
        created_at=now,
    )
    session.add(fv)
    session.flush()
    audit.record(
        session,
        actor,
        "incident.created",
        "incident",
        incident.id,
        1,
        {"title": incident.title, "tones": tones},
    )
    result = IncidentCreated(incident=incident, facts=fv)
    for variant, language in letters_needed(facts, ctx.rulebook, ctx.today()):
        for tone in tones:
            result.drafts.append(
                create_draft(session, ctx, actor, incident, facts, variant, tone, language=language)
            )
    sync_plan(session, ctx, actor, incident, facts)
    if not result.drafts:
        result.warnings.append(
            "No law requires a letter to the affected people under these facts, so no draft was made. "
            "Add one with POST /api/v1/incidents/{id}/drafts if you notify voluntarily."
        )
    lettered = {r for d in result.drafts for r in d.draft.residences or []}
    result.warnings.extend(language_warnings(lettered, facts.language))
    for wanted, residences in letter_languages(facts, sorted(lettered)).items():
        warning = language_warning(wanted, residences)
        if warning and residences:
            result.warnings.append(warning)
    session.commit()
    return result


def add_draft(
    session: Session,
    ctx: WorkflowContext,
    actor: User,
    incident_id: int,
    jurisdiction: str,
    tone: str,
    channel: str = DEFAULT_CHANNEL,
    language: str = DEFAULT_LANGUAGE,
) -> DraftDetail:
    """Add one more draft (variant × tone × channel × language) from the current facts. Commits;
    409 if it exists.

    Its scope is fixed here: the residences of an existing draft of the same variant (another tone
    or channel keeps the scope), else the residences its laws reach. `warnings` say why no such
    letter is required, when that is so (the draft is still made). A regulator notice is made only
    for a law that owes one under the current facts (`candor obligations`).
    """
    incident = lock_incident(session, incident_id)
    codes = tuple(dict.fromkeys(c.strip() for c in jurisdiction.split("+") if c.strip()))
    code = variant_code(codes)
    existing = repo.list_drafts(session, incident_id)
    wanted = (code, tone, channel, language)
    if any((d.variant, d.tone, d.channel, d.language) == wanted for d in existing):
        raise Conflict(
            f"Incident {incident_id} already has a {code} {artifact_kind(channel, language)} draft "
            f"in the {tone} tone; open it instead."
        )
    facts = repo.current_facts(session, incident_id)
    scope = scope_for(facts, ctx.rulebook, codes, ctx.today()) if codes else None
    sibling = next((d for d in existing if d.variant == code), None)
    residences = (
        tuple(sibling.residences) if sibling is not None else (scope.residences if scope else ())
    )
    d = create_draft(
        session,
        ctx,
        actor,
        incident,
        facts,
        Variant(code, codes, residences),
        tone,
        channel,
        language,
    )
    # A regulator notice exists only where a law owes one (create_draft refuses otherwise); the
    # scope's warnings are about letters to people.
    d.warnings = list(scope.warnings) if scope and channel != "regulator" else []
    if d.warnings:
        audit.record(
            session, actor, "draft.not_required", "draft", d.draft.id, 1, {"warnings": d.warnings}
        )
    session.commit()
    return d


def update_facts(
    session: Session,
    ctx: WorkflowContext,
    actor: User,
    incident_id: int,
    facts: IncidentFacts,
    base_version: int,
) -> FactsVersion:
    """Store a new facts version if `base_version` is current; 409 naming the current one otherwise. Commits.

    Affected drafts go stale and uncovered residences get drafts (app.workflow.staleness); see
    `update_facts_with_impact` for what happened.
    """
    return update_facts_with_impact(session, ctx, actor, incident_id, facts, base_version).facts


def update_facts_with_impact(
    session: Session,
    ctx: WorkflowContext,
    actor: User,
    incident_id: int,
    facts: IncidentFacts,
    base_version: int,
) -> FactsUpdated:
    """`update_facts`, also returning what the change did to the drafts. Commits."""
    incident = lock_incident(session, incident_id)
    if base_version != incident.facts_version:
        raise Conflict(
            f"Facts version {base_version} is no longer current; the current version is {incident.facts_version}. "
            f"Reload the facts, reapply your change and save with base_version {incident.facts_version}.",
            details={
                "incident_id": incident_id,
                "current_version": incident.facts_version,
                "your_version": base_version,
            },
        )
    old = repo.facts_version(session, incident_id, base_version).facts
    new = _facts_json(facts)
    changed = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
    number = base_version + 1
    fv = FactsVersion(
        incident_id=incident_id,
        number=number,
        facts=new,
        created_by=actor.id,
        created_at=utcnow(),
    )
    session.add(fv)
    incident.facts_version = number
    session.flush()
    audit.record(
        session, actor, "facts.updated", "incident", incident_id, number, {"changed": changed}
    )
    impact = apply_facts_change(
        session, ctx, actor, incident, IncidentFacts.model_validate(old), facts
    )
    sync_plan(session, ctx, actor, incident, facts)
    session.commit()
    return FactsUpdated(facts=fv, impact=impact)
