"""Drafts and their immutable versions: create, save with optimistic locking, waive findings.

Saving checks the text first, outside any lock (the check is the slow part), then locks the
draft row, compares the caller's base version with the current one and either writes version
N+1 or refuses with 409 naming the current version. Approvals are per version, so a new
version voids them; the audit log records that.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from app.checks.base import Report
from app.checks.engine import run_checks
from app.core.errors import Conflict, InvalidInput, TooLarge
from app.core.timestamps import utcnow
from app.domain.channels import DEFAULT_CHANNEL, DEFAULT_LANGUAGE, artifact_kind
from app.domain.facts import IncidentFacts
from app.letters.context import TONES
from app.store import repositories as repo
from app.store.db import begin_read
from app.store.enums import ReviewDecision
from app.store.models import Draft, DraftVersion, Incident, Review, SignOff, User, Waiver
from app.workflow import audit, states, textmerge
from app.workflow.context import WorkflowContext
from app.workflow.locks import lock_draft
from app.workflow.rendering import render_draft, render_for, validate_artifact
from app.workflow.variants import Variant


@dataclass
class DraftDetail:
    """Everything a reader of one draft version needs (API and UI)."""

    draft: Draft
    version: DraftVersion
    report: Report
    reviews: list[Review] = field(default_factory=list)
    waivers: list[Waiver] = field(default_factory=list)
    sign_off: SignOff | None = None
    incident_facts_version: int = 1
    warnings: list[str] = field(default_factory=list)
    merged: dict[str, Any] | None = (
        None  # set when a stale save was merged three-way (base_version, merged_with)
    )
    stale_reasons: list[str] = field(default_factory=list)

    @property
    def facts_changed(self) -> bool:
        """True when the incident has newer facts than the ones this version's text was drafted from."""
        return self.incident_facts_version > self.version.facts_version


def _check(
    ctx: WorkflowContext,
    text: str,
    facts: IncidentFacts,
    jurisdictions: list[str],
    tone: str,
    channel: str = DEFAULT_CHANNEL,
    language: str = DEFAULT_LANGUAGE,
) -> tuple[Report, float]:
    """Check with the rules of the draft's channel and language (an e-mail by the e-mail's rules)."""
    if len(text) > ctx.settings.MAX_TEXT_CHARS:
        raise TooLarge(
            f"The text has {len(text)} characters; the limit is {ctx.settings.MAX_TEXT_CHARS}. Shorten the letter."
        )
    t0 = time.perf_counter()
    # Grammar off on save: LanguageTool is too slow for every save; the editor's live check runs it.
    report = run_checks(
        text,
        rulebook=ctx.rulebook,
        settings=ctx.settings,
        facts=facts,
        jurisdictions=tuple(jurisdictions),
        tone=tone,
        grammar=False,
        channel=channel,
        language=language,
    )
    return report, (time.perf_counter() - t0) * 1000


def create_draft(
    session: Session,
    ctx: WorkflowContext,
    actor: User,
    incident: Incident,
    facts: IncidentFacts,
    variant: Variant,
    tone: str,
    channel: str = DEFAULT_CHANNEL,
    language: str = DEFAULT_LANGUAGE,
) -> DraftDetail:
    """Render, check and store a new draft with version 1 (in the caller's transaction).

    A letter unless `channel`/`language` say otherwise; a regulator notice's variant is the one law
    whose regulator obligation it answers (InvalidInput naming the laws that owe one otherwise)."""
    if tone not in TONES:
        raise InvalidInput(
            f"Unknown tone; use one of {', '.join(TONES)}.",
            details=[{"field": "tone", "message": f"use one of {', '.join(TONES)}"}],
        )
    unknown = [c for c in variant.jurisdictions if c not in ctx.rulebook.jurisdictions]
    if unknown or not variant.jurisdictions:
        raise InvalidInput(
            "Unknown jurisdiction code; use codes listed at GET /api/v1/jurisdictions, joined by +.",
            details=[
                {
                    "field": "jurisdiction",
                    "message": f"use codes from {', '.join(sorted(ctx.rulebook.jurisdictions))}, joined by +",
                }
            ],
        )
    validate_artifact(channel, language, variant.jurisdictions)
    text = render_for(ctx, facts, variant.jurisdictions, tone, channel, language)
    report, ms = _check(ctx, text, facts, list(variant.jurisdictions), tone, channel, language)
    now = utcnow()
    draft = Draft(
        incident_id=incident.id,
        variant=variant.code,
        jurisdictions=list(variant.jurisdictions),
        residences=list(variant.residences),
        tone=tone,
        channel=channel,
        language=language,
        state=states.DRAFT,
        current_version=1,
        created_at=now,
    )
    session.add(draft)
    session.flush()
    version = DraftVersion(
        draft_id=draft.id,
        number=1,
        text=text,
        report=report.model_dump(mode="json"),
        rulebook_hash=ctx.rulebook.hash,
        facts_version=incident.facts_version,
        check_ms=ms,
        created_by=actor.id,
        created_at=now,
    )
    session.add(version)
    session.flush()
    audit.record(
        session,
        actor,
        "draft.created",
        "draft",
        draft.id,
        1,
        {
            "incident_id": incident.id,
            "variant": variant.code,
            "tone": tone,
            "channel": channel,
            "language": language,
            "rulebook": ctx.rulebook.hash,
            "errors": sum(1 for f in report.findings if f.severity.value == "error"),
        },
    )
    return DraftDetail(
        draft=draft, version=version, report=report, incident_facts_version=incident.facts_version
    )


def same_artifact(a: Draft, b: Draft) -> bool:
    """Same variant, channel and language (so only the tone may tell them apart)."""
    return (a.variant, a.channel, a.language) == (b.variant, b.channel, b.language)


def detail(session: Session, draft_id: int, number: int | None = None) -> DraftDetail:
    """One draft version with its report (waivers applied), reviews, waivers and sign-off."""
    draft, version, facts_version = repo.draft_version(session, draft_id, number)
    waivers = repo.waivers_for(session, version.id)
    return DraftDetail(
        draft=draft,
        version=version,
        report=repo.report_for(session, version, waivers),
        reviews=repo.reviews_for(session, version.id),
        waivers=waivers,
        sign_off=repo.sign_off_for(session, version.id),
        incident_facts_version=facts_version,
        stale_reasons=stale_reasons(session, draft),
    )


def stale_reasons(session: Session, draft: Draft) -> list[str]:
    """Why this draft is stale: the reasons recorded when it last went stale (empty unless stale now)."""
    if draft.state != states.STALE:
        return []
    entries = repo.audit_entries(session, entity="draft", entity_id=draft.id, limit=10_000)
    last = next((e for e in reversed(entries) if e.action == "draft.stale"), None)
    return list((last.details or {}).get("reasons", [])) if last else []


def stale(draft: Draft, base_version: int, what: str = "save") -> Conflict:
    """The 409 for an edit or review of a version that is no longer current."""
    return Conflict(
        f"Version {base_version} is no longer current; the current version is {draft.current_version}. "
        f"Reload version {draft.current_version}, reapply your change and {what} again with base_version "
        f"{draft.current_version}.",
        details={
            "draft_id": draft.id,
            "current_version": draft.current_version,
            "your_version": base_version,
        },
    )


def overlap_conflict(draft: Draft, base_version: int, merged: textmerge.Merged) -> Conflict:
    """The 409 for a stale save whose edits overlap the other person's: both sides of each overlap."""
    n = len(merged.overlaps)
    return Conflict(
        f"Version {base_version} is no longer current: version {draft.current_version} was saved meanwhile and "
        f"{n} of your edit{'s' if n != 1 else ''} change{'s' if n == 1 else ''} the same sentences. Nothing was saved. "
        f"Choose which side to keep for each overlap in details.overlaps (POST /api/v1/drafts/{draft.id}/versions/resolve), "
        f"or: Reload version {draft.current_version}, reapply your change and save again with base_version "
        f"{draft.current_version}.",
        details={
            "draft_id": draft.id,
            "current_version": draft.current_version,
            "your_version": base_version,
            "overlaps": [
                {"index": o.index, "base": o.base, "yours": o.ours, "theirs": o.theirs}
                for o in merged.overlaps
            ],
        },
    )


def _merge_stale(
    session: Session, draft: Draft, text: str, base_version: int
) -> tuple[str, dict[str, Any]]:
    """Three-way merge of a stale save onto the current version; 409 with both sides when edits overlap."""
    if not 1 <= base_version < draft.current_version:
        raise stale(draft, base_version)
    base = repo.get_version(session, draft.id, base_version).text
    latest = repo.get_version(session, draft.id, draft.current_version).text
    merged = textmerge.merge(base, text, latest)
    if not merged.clean:
        raise overlap_conflict(draft, base_version, merged)
    return merged.text, {
        "base_version": base_version,
        "merged_with": draft.current_version,
        "changes_kept_from_theirs": merged.taken_from_theirs,
    }


def save_version(
    session: Session,
    ctx: WorkflowContext,
    actor: User,
    draft_id: int,
    text: str,
    base_version: int,
    *,
    tone: str | None = None,
    facts_version: int | None = None,
    note: dict[str, Any] | None = None,
) -> DraftDetail:
    """Save `text` as the next version. Commits.

    `tone` (a re-draft in another tone) changes the draft's tone with this version; the scope
    (jurisdictions, residences) never changes.

    When `base_version` is stale, the text is merged three-way with what was saved since
    (app.workflow.textmerge): edits to other sentences are kept from both sides and the result is
    saved (`DraftDetail.merged` says so); edits of the same sentences raise 409 with both sides.
    The version records the facts its text was drafted from: the base version's, or `facts_version`
    when the caller applied newer facts (app.workflow.refresh).
    """
    merged_note: dict[str, Any] | None = None
    for _attempt in range(3):  # another save may land while this one is checked: merge again
        begin_read(session)  # these look-ups take no write lock; lock_draft below does
        draft = repo.get_draft(session, draft_id)
        if base_version != draft.current_version:
            text, step = _merge_stale(session, draft, text, base_version)
            merged_note = {**step, "base_version": (merged_note or step)["base_version"]}
            base_version = draft.current_version
        jurisdictions, new_tone = list(draft.jurisdictions), tone or draft.tone
        channel, language = draft.channel, draft.language
        stored_facts, base_facts = repo.save_inputs(session, draft, base_version)
        facts = IncidentFacts.model_validate(stored_facts)
        text_facts = facts_version or base_facts
        session.rollback()  # release the read transaction (and SQLite's lock) while the check runs
        report, ms = _check(ctx, text, facts, jurisdictions, new_tone, channel, language)

        draft = lock_draft(session, draft_id)
        if base_version != draft.current_version:
            session.rollback()
            continue
        return _store_version(
            session,
            ctx,
            actor,
            draft,
            text,
            base_version,
            new_tone,
            report,
            ms,
            text_facts,
            {**(note or {}), **({"merged": merged_note} if merged_note else {})},
        )
    draft = repo.get_draft(session, draft_id)
    raise stale(draft, base_version)


def _store_version(
    session: Session,
    ctx: WorkflowContext,
    actor: User,
    draft: Draft,
    text: str,
    base_version: int,
    tone: str,
    report: Report,
    ms: float,
    facts_version: int,
    note: dict[str, Any],
) -> DraftDetail:
    """Write version N+1 under the draft's row lock, void approvals of N, audit. Commits."""
    draft_id, old_tone = draft.id, draft.tone
    reviews = repo.reviews_of_number(session, draft_id, draft.current_version)
    voided = [r for r in reviews if r.decision == ReviewDecision.APPROVED]
    new_state = states.next_state(draft.state, "save") or states.DRAFT
    number = draft.current_version + 1
    now = utcnow()
    version = DraftVersion(
        draft_id=draft_id,
        number=number,
        text=text,
        report=report.model_dump(mode="json"),
        rulebook_hash=ctx.rulebook.hash,
        facts_version=facts_version,
        check_ms=ms,
        created_by=actor.id,
        created_at=now,
    )
    session.add(version)
    previous_state = draft.state
    draft.current_version, draft.state, draft.tone = number, new_state, tone
    session.flush()
    audit.record(
        session,
        actor,
        "draft.saved",
        "draft",
        draft_id,
        number,
        {
            "base_version": base_version,
            "facts_version": facts_version,
            "rulebook": ctx.rulebook.hash,
            "chars": len(text),
            "errors": sum(1 for f in report.findings if f.severity.value == "error"),
            **({"tone": tone, "previous_tone": old_tone} if tone != old_tone else {}),
            **note,
        },
    )
    if voided or previous_state in (states.SIGNED_OFF, states.STALE):
        audit.record(
            session,
            actor,
            "draft.approvals_voided",
            "draft",
            draft_id,
            base_version,
            {
                "approvals": [{"user_id": r.user_id, "role": r.role} for r in voided],
                "previous_state": previous_state,
                "new_version": number,
            },
        )
    incident_facts_version = repo.incident_facts_version(session, draft.incident_id)
    session.commit()
    # What detail() would read back: a new version has no reviews, waivers or sign-off yet, and a
    # saved draft is never stale, so the result is built from what was just written (re-reading it
    # took the write lock once more on SQLite).
    return DraftDetail(
        draft=draft,
        version=version,
        report=report,
        incident_facts_version=incident_facts_version,
        merged=note.get("merged"),
    )


def resolve_overlaps(
    session: Session,
    ctx: WorkflowContext,
    actor: User,
    draft_id: int,
    text: str,
    base_version: int,
    theirs_version: int,
    choices: dict[int, str],
) -> DraftDetail:
    """Save a stale text after the author chose a side for each overlapping edit. Commits.

    The merge of `text` (edited from `base_version`) with `theirs_version` is recomputed, each
    overlap takes its chosen side (ours, theirs or both), and the result is saved on top of
    `theirs_version` (merged again if more was saved since). The audit entry lists every choice
    and what it left out, so nothing is dropped silently.
    """
    draft = repo.get_draft(session, draft_id)
    if not 1 <= base_version < theirs_version <= draft.current_version:
        raise InvalidInput(
            "base_version must be the version you edited and theirs_version a later saved version.",
            details=[
                {
                    "field": "theirs_version",
                    "message": f"between base_version and {draft.current_version}",
                }
            ],
        )
    base = repo.get_version(session, draft_id, base_version).text
    theirs = repo.get_version(session, draft_id, theirs_version).text
    merged = textmerge.merge(base, text, theirs)
    missing = merged.missing_choices(choices)
    if missing:
        raise InvalidInput(
            f"Choose which side to keep for each overlapping edit ({len(missing)} without a choice).",
            details=[
                {"field": f"choices.{i}", "message": f"one of {', '.join(textmerge.CHOICES)}"}
                for i in missing
            ],
        )
    resolved = merged.resolve(choices)
    note = {
        "resolved": {
            "base_version": base_version,
            "theirs_version": theirs_version,
            "choices": [
                {
                    "overlap": o.index,
                    "kept": choices[o.index],
                    "dropped": o.dropped(choices[o.index])[:500],
                }
                for o in merged.overlaps
            ],
        }
    }
    session.rollback()
    return save_version(session, ctx, actor, draft_id, resolved, theirs_version, note=note)


def redraft(
    session: Session, ctx: WorkflowContext, actor: User, draft_id: int, tone: str, base_version: int
) -> DraftDetail:
    """Replace the draft's text with the letter drawn from the current facts in `tone`, as its next
    version (visible in its history; approvals lapse as with any save). Same scope, same id.

    409 when another draft of this variant already has that tone (open that one instead).
    """
    if tone not in TONES:
        raise InvalidInput(
            f"Unknown tone; use one of {', '.join(TONES)}.",
            details=[{"field": "tone", "message": f"use one of {', '.join(TONES)}"}],
        )
    draft = repo.get_draft(session, draft_id)
    twin = next(
        (
            d
            for d in repo.list_drafts(session, draft.incident_id)
            if d.id != draft.id and same_artifact(d, draft) and d.tone == tone
        ),
        None,
    )
    if twin is not None:
        raise Conflict(
            f"Draft {twin.id} is already the {draft.variant} {artifact_kind(draft.channel, draft.language)} "
            f"in the {tone} tone; open it instead.",
            details={"draft_id": twin.id},
        )
    fv = repo.facts_version(session, draft.incident_id)
    text = render_draft(ctx, IncidentFacts.model_validate(fv.facts), draft, tone)
    facts_number = fv.number
    session.rollback()  # save_version reads in a transaction of its own
    # Drawn from the current facts: the version records them (app.workflow.refresh).
    return save_version(
        session, ctx, actor, draft_id, text, base_version, tone=tone, facts_version=facts_number
    )


def waive(
    session: Session,
    ctx: WorkflowContext,
    actor: User,
    draft_id: int,
    number: int,
    finding_id: str,
    reason: str,
) -> Waiver:
    """Waive one finding on the current version with a reason. Commits."""
    reason = reason.strip()
    if len(reason) < 3:
        raise InvalidInput(
            "Give a reason for the waiver.",
            details=[{"field": "reason", "message": "at least 3 characters"}],
        )
    draft = lock_draft(session, draft_id)
    if number != draft.current_version:
        raise stale(draft, number, "waive")
    if states.next_state(draft.state, "waive") is None:
        raise Conflict(states.refusal(draft.state, "waive"), details={"state": draft.state})
    version = repo.get_version(session, draft_id, number)
    report = repo.report_for(session, version)
    finding = next((f for f in report.findings if f.id == finding_id), None)
    if finding is None:
        raise InvalidInput(
            f"Version {number} has no finding {finding_id!r}.",
            details=[
                {
                    "field": "finding_id",
                    "message": "use the `id` of a finding in this version's report",
                }
            ],
        )
    if finding.waived:
        raise Conflict(
            f"Finding {finding_id} is already waived on version {number}.",
            details={"finding_id": finding_id},
        )
    w = Waiver(
        version_id=version.id,
        finding_id=finding_id,
        rule=finding.rule,
        reason=reason,
        created_by=actor.id,
        created_at=utcnow(),
    )
    session.add(w)
    session.flush()
    audit.record(
        session,
        actor,
        "finding.waived",
        "draft",
        draft_id,
        number,
        {
            "finding_id": finding_id,
            "rule": finding.rule,
            "severity": finding.severity.value,
            "reason": reason,
        },
    )
    session.commit()
    return w
