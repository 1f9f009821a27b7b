"""What a change of facts does to the letters: the one function the facts-update path calls.

A draft is *affected* by a facts change when either

- its letter changes: the letter re-rendered from the new facts (same laws, same tone) differs
  from the one rendered from the old facts — a date, a count, a contact, an offer, a data type; or
- its jurisdiction set changes: the laws under which letters are due to the draft's recipients
  (its fixed residences) are not the same under the new facts.

An affected draft becomes **stale** (`states.STALE`): approvals and the sign-off given on the old
facts no longer count, the letter exports only with the DRAFT watermark, and the merge refuses
it. Each change is audited (`draft.stale`, with the reasons and the approvals that lapsed). A new
version — a save, or a re-draft from the current facts — starts its review again.

Residences whose people need a letter under the new facts but that no draft covers get their
drafts (one per tone the incident already uses, audited `facts.drafts_added`); a residence that
cannot get one (a draft with that id and tone exists but was made for other people) is listed in
`uncovered`, and the merge refuses to run until a draft covers it.

`outdated()` answers the same question for one version at approval, sign-off and merge time, so
a save racing a facts change can never carry an approval on old facts into a letter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from app.core.errors import AppError
from app.domain.channels import DEFAULT_LANGUAGE, artifact_kind
from app.domain.facts import IncidentFacts
from app.store import repositories as repo
from app.store.enums import ReviewDecision
from app.store.models import Draft, DraftVersion, Incident, User
from app.workflow import audit, states
from app.workflow.context import WorkflowContext
from app.workflow.drafts import DraftDetail, create_draft, stale_reasons  # noqa: F401 - re-exported
from app.workflow.rendering import render_draft
from app.workflow.variants import letter_laws, letters_needed, only_residences, variants_for

Renders = dict[tuple[int, tuple[str, ...], str, str, str], str | None]


@dataclass
class FactsImpact:
    """What one facts change did: drafts made stale, drafts added, residences still uncovered."""

    stale: list[dict[str, Any]] = field(default_factory=list)
    created: list[DraftDetail] = field(default_factory=list)
    uncovered: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready summary (for the audit log and API responses)."""
        return {
            "stale": self.stale,
            "created": [
                {"draft_id": d.draft.id, "variant": d.draft.variant, "tone": d.draft.tone}
                for d in self.created
            ],
            "uncovered": self.uncovered,
        }


def _render(
    ctx: WorkflowContext, facts: IncidentFacts, which: int, draft: Draft, cache: Renders
) -> str | None:
    key = (which, tuple(draft.jurisdictions), draft.tone, draft.channel, draft.language)
    if key not in cache:
        try:
            cache[key] = render_draft(ctx, facts, draft)
        except AppError:
            cache[key] = None  # cannot be drawn from these facts: counts as changed
    return cache[key]


def reasons(
    ctx: WorkflowContext,
    draft: Draft,
    old: IncidentFacts,
    new: IncidentFacts,
    cache: Renders | None = None,
) -> list[str]:
    """Why the facts change from `old` to `new` affects this draft (empty: it does not)."""
    cache = {} if cache is None else cache
    out = []
    before, after = (
        letter_laws(old, ctx.rulebook, draft.residences),
        letter_laws(new, ctx.rulebook, draft.residences),
    )
    if before != after:
        added, removed = sorted(after - before), sorted(before - after)
        parts = ([f"now also {', '.join(added)}"] if added else []) + (
            [f"no longer {', '.join(removed)}"] if removed else []
        )
        out.append(f"The laws its recipients need changed: {'; '.join(parts)}.")
    a, b = _render(ctx, old, 0, draft, cache), _render(ctx, new, 1, draft, cache)
    if a is None or b is None or a != b:
        what = (
            "letter" if draft.channel == "letter" else artifact_kind(draft.channel, draft.language)
        )
        out.append(
            f"The {what} drawn from the new facts differs from the one drawn from the old facts."
        )
    return out


def outdated(
    session: Session, ctx: WorkflowContext, draft: Draft, version: DraftVersion
) -> list[str]:
    """Why `version` no longer matches the incident's current facts (empty: it still does)."""
    current = repo.get_incident(session, draft.incident_id).facts_version
    if version.facts_version == current:
        return []
    old = IncidentFacts.model_validate(
        repo.facts_version(session, draft.incident_id, version.facts_version).facts
    )
    new = IncidentFacts.model_validate(
        repo.facts_version(session, draft.incident_id, current).facts
    )
    return reasons(ctx, draft, old, new)


def _lapsed(session: Session, draft: Draft) -> dict[str, Any]:
    version = repo.get_version(session, draft.id)
    approvals = [
        {"user_id": r.user_id, "role": r.role}
        for r in repo.reviews_for(session, version.id)
        if r.decision == ReviewDecision.APPROVED
    ]
    return {
        "version": version.number,
        "approvals": approvals,
        "signed_off": repo.sign_off_for(session, version.id) is not None,
    }


def _cover(
    session: Session,
    ctx: WorkflowContext,
    actor: User,
    incident: Incident,
    new: IncidentFacts,
    drafts: list[Draft],
    impact: FactsImpact,
) -> None:
    """Draft letters for residences that need one (in a language, `letters_needed`) and that no
    letter in that language covers."""
    letters = [d for d in drafts if d.channel == "letter"]
    tones = sorted({d.tone for d in letters}) or ["plain"]
    needed = letters_needed(new, ctx.rulebook, ctx.today())
    added: dict[str, list[str]] = {}
    for language in dict.fromkeys(lang for _, lang in needed):
        mine = [d for d in letters if d.language == language]
        covered = {r for d in mine for r in d.residences or []}
        wanted = {r for v, lang in needed if lang == language for r in v.residences}
        missing = sorted(wanted - covered)
        if not missing:
            continue
        added[language] = missing
        taken = {(d.variant, d.tone) for d in mine}
        for variant in variants_for(only_residences(new, missing), ctx.rulebook, ctx.today()):
            for tone in tones:
                if (variant.code, tone) not in taken:
                    impact.created.append(
                        create_draft(
                            session, ctx, actor, incident, new, variant, tone, language=language
                        )
                    )
                elif language == DEFAULT_LANGUAGE:  # (without a Spanish letter, English is sent)
                    impact.uncovered.extend(
                        r for r in variant.residences if r not in impact.uncovered
                    )
    if impact.created:
        audit.record(
            session,
            actor,
            "facts.drafts_added",
            "incident",
            incident.id,
            incident.facts_version,
            {
                "residences": sorted({r for rs in added.values() for r in rs}),
                "languages": added,
                "drafts": [d.draft.id for d in impact.created],
            },
        )


def apply_facts_change(
    session: Session,
    ctx: WorkflowContext,
    actor: User,
    incident: Incident,
    old: IncidentFacts,
    new: IncidentFacts,
) -> FactsImpact:
    """Mark affected drafts stale and draft letters for uncovered residences (caller's transaction;
    `incident.facts_version` must already be the new number)."""
    impact = FactsImpact()
    drafts = repo.list_drafts(session, incident.id)
    cache: Renders = {}
    for draft in drafts:
        why = reasons(ctx, draft, old, new, cache)
        nxt = states.next_state(draft.state, "facts_changed")
        if not why or nxt is None:
            continue
        entry = {
            "draft_id": draft.id,
            "variant": draft.variant,
            "tone": draft.tone,
            "previous_state": draft.state,
            "reasons": why,
            **_lapsed(session, draft),
        }
        draft.state = nxt
        impact.stale.append(entry)
        audit.record(
            session,
            actor,
            "draft.stale",
            "draft",
            draft.id,
            draft.current_version,
            {
                "facts_version": incident.facts_version,
                **{k: v for k, v in entry.items() if k != "draft_id"},
            },
        )
    session.flush()
    _cover(session, ctx, actor, incident, new, drafts, impact)
    return impact
