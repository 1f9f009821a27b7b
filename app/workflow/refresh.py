"""New facts into an existing draft: what the letter would say now, and applying it as a new version.

A draft's text was drafted from one facts version (DraftVersion.facts_version). When the facts
change, the letter is rendered twice with today's templates and rulebook: from the old facts
(base) and from the new ones (theirs). Their difference is exactly what the facts change means
for this letter; a three-way merge with the current text (ours) carries it over while keeping the
author's own edits. Edits of the same sentences are overlaps the author resolves by choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.core.errors import Conflict, InvalidInput
from app.domain.facts import IncidentFacts
from app.store import repositories as repo
from app.store.models import Draft, User
from app.workflow import drafts as wf_drafts
from app.workflow import textmerge
from app.workflow.context import WorkflowContext
from app.workflow.rendering import render_draft


@dataclass(frozen=True)
class FactsUpdate:
    """The new facts' effect on one draft's current version."""

    draft_id: int
    version: int
    from_facts: int
    to_facts: int
    current_text: str
    rendered_old: str
    rendered_new: str
    merge: textmerge.Merged
    fact_changes: tuple[tuple[str, str, str], ...] = ()  # (path, old value, new value) as text

    @property
    def pending(self) -> bool:
        """The incident has facts newer than those this version was drafted from."""
        return self.to_facts > self.from_facts

    @property
    def letter_changes(self) -> bool:
        """The new facts change the rendered letter (else applying only records the facts version)."""
        return self.rendered_old != self.rendered_new

    @property
    def proposed(self) -> str | None:
        """The current text with the new facts applied; None while edits overlap."""
        return self.merge.text if self.merge.clean else None


def render(ctx: WorkflowContext, facts: IncidentFacts, draft: Draft) -> str:
    """The draft's text (its laws, tone, channel and language) rendered from `facts` with today's templates."""
    return render_draft(ctx, facts, draft)


def preview(session: Session, ctx: WorkflowContext, draft_id: int) -> FactsUpdate:
    """What applying the incident's current facts to the draft's current version would change."""
    draft = repo.get_draft(session, draft_id)
    version = repo.get_version(session, draft_id, draft.current_version)
    current = repo.facts_version(session, draft.incident_id)
    old_facts = IncidentFacts.model_validate(
        repo.facts_version(session, draft.incident_id, version.facts_version).facts
    )
    new_facts = IncidentFacts.model_validate(current.facts)
    rendered_old = render(ctx, old_facts, draft)
    rendered_new = (
        rendered_old if current.number == version.facts_version else render(ctx, new_facts, draft)
    )
    return FactsUpdate(
        draft_id=draft_id,
        version=version.number,
        from_facts=version.facts_version,
        to_facts=current.number,
        current_text=version.text,
        rendered_old=rendered_old,
        rendered_new=rendered_new,
        merge=textmerge.merge(rendered_old, version.text, rendered_new),
        fact_changes=fact_changes(old_facts, new_facts),
    )


def _flat(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and path != "affected":
            out.update(_flat(value, path + "."))
        else:
            out[path] = value
    return out


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def fact_changes(old: IncidentFacts, new: IncidentFacts) -> tuple[tuple[str, str, str], ...]:
    """Each fact (dotted IncidentFacts path) whose value differs, with both values as text."""
    a, b = _flat(old.model_dump(mode="json")), _flat(new.model_dump(mode="json"))
    return tuple(
        (p, _text(a.get(p)), _text(b.get(p)))
        for p in sorted(set(a) | set(b), key=list({**a, **b}).index)
        if a.get(p) != b.get(p)
    )


def apply(
    session: Session,
    ctx: WorkflowContext,
    actor: User,
    draft_id: int,
    base_version: int,
    to_facts: int,
    choices: dict[int, str] | None = None,
) -> wf_drafts.DraftDetail:
    """Save the current text with facts version `to_facts` applied as the next version. Commits.

    409 when the draft or the facts moved since the preview the author saw (`base_version`,
    `to_facts`); 422 when an overlap has no choice.
    """
    update = preview(session, ctx, draft_id)
    draft = repo.get_draft(session, draft_id)
    if base_version != update.version:
        raise wf_drafts.stale(draft, base_version, "apply the new facts")
    if to_facts != update.to_facts:
        raise Conflict(
            f"The facts changed again (now version {update.to_facts}); review the update again before applying it.",
            details={
                "draft_id": draft_id,
                "current_facts_version": update.to_facts,
                "your_facts_version": to_facts,
            },
        )
    if not update.pending:
        raise Conflict(
            f"Version {update.version} already uses the current facts (version {update.to_facts}); nothing to apply.",
            details={"draft_id": draft_id, "current_facts_version": update.to_facts},
        )
    choices = choices or {}
    missing = update.merge.missing_choices(choices)
    if missing:
        raise InvalidInput(
            f"Choose, for each sentence you edited that the new facts also change, which text to keep "
            f"({len(missing)} without a choice).",
            details=[
                {"field": f"choices.{i}", "message": "ours (your text) or theirs (the new facts)"}
                for i in missing
            ],
        )
    text = update.merge.resolve(choices)
    note = {
        "facts_applied": {
            "from_facts": update.from_facts,
            "to_facts": update.to_facts,
            "choices": [
                {
                    "overlap": o.index,
                    "kept": choices[o.index],
                    "dropped": o.dropped(choices[o.index])[:500],
                }
                for o in update.merge.overlaps
            ],
        }
    }
    session.rollback()
    return wf_drafts.save_version(
        session, ctx, actor, draft_id, text, base_version, facts_version=update.to_facts, note=note
    )
