"""Two-person approval and compliance sign-off.

A version is approved only when a `cmo` and a different user with role `security` both approved
that same version; error-level findings that are not waived block approval; open warnings on
legal elements and on readability above the tone's target must each be acknowledged by the
approver (recorded in the audit log) — approval means what the checklist says; a version whose
letter no longer matches the incident's facts cannot be approved or signed off; a change request
sends the draft back; compliance signs off the per-jurisdiction checklist of an approved version.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.checks.base import Finding, Report
from app.core.errors import Conflict, Forbidden
from app.core.timestamps import utcnow
from app.store import repositories as repo
from app.store.enums import ReviewDecision
from app.store.models import Review, SignOff, User
from app.workflow import audit, states
from app.workflow.context import WorkflowContext
from app.workflow.drafts import DraftDetail, detail, stale
from app.workflow.locks import lock_draft
from app.workflow.staleness import outdated
from app.workflow.suggestions import open_count as open_suggestions

REVIEWER_ROLES = ("cmo", "security", "compliance")


def _transition(state: str, action: str) -> str:
    nxt = states.next_state(state, action)
    if nxt is None:
        raise Conflict(states.refusal(state, action), details={"state": state, "action": action})
    return nxt


def _current(session: Session, draft_id: int, number: int, action: str, verb: str):  # type: ignore[no-untyped-def]
    """Lock the draft, refuse a stale version number and an action its state forbids.

    Returns (draft, version, next state). Every review action starts here, so the 409 rules
    are the same for approving, requesting changes and signing off.
    """
    draft = lock_draft(session, draft_id)
    if number != draft.current_version:
        raise stale(draft, number, verb)
    nxt = _transition(draft.state, action)
    return draft, repo.get_version(session, draft_id, number), nxt


def needs_acknowledgement(report: Report) -> list[Finding]:
    """Open (unwaived) warnings an approver must acknowledge: legal elements, and readability
    above the tone's target (the document-level readability findings)."""
    return [
        f
        for f in report.findings
        if f.severity.value == "warning"
        and not f.waived
        and (f.check == "legal" or (f.check == "readability" and f.start is None))
    ]


def _refuse_outdated(session: Session, ctx: WorkflowContext, draft, version, verb: str) -> None:  # type: ignore[no-untyped-def]
    why = outdated(session, ctx, draft, version)
    if why:
        raise Conflict(
            f"Cannot {verb} version {version.number}: the incident's facts changed since it was written. "
            f"Apply the new facts to its text (POST /api/v1/drafts/{draft.id}/facts-update; in the editor: "
            '"Review what the new facts change") or re-draft it from the current facts, then review it again.',
            details={"reasons": why, "facts_version": version.facts_version},
        )


def approve(
    session: Session,
    ctx: WorkflowContext,
    actor: User,
    draft_id: int,
    number: int,
    comment: str = "",
    acknowledged: list[str] | None = None,
) -> DraftDetail:
    """Record `actor`'s approval of version `number`. Commits.

    `acknowledged`: ids of the open warnings (see `needs_acknowledgement`) the approver read and
    accepts; every one must be listed, else 409 listing them.
    """
    if actor.role not in states.APPROVER_ROLES:
        raise Forbidden(
            f"Only the {' and '.join(states.APPROVER_ROLES)} roles approve drafts; your role is {actor.role}."
        )
    draft, version, nxt = _current(session, draft_id, number, "approve", "approve")
    _refuse_outdated(session, ctx, draft, version, "approve")
    pending = open_suggestions(session, draft_id)
    if pending:
        raise Conflict(
            f"{pending} suggested edit(s) are still open on this draft: accept or reject each one "
            "(in the editor's Suggestions panel) before approving.",
            details={"open_suggestions": pending},
        )
    report = repo.report_for(session, version)
    blocking = [f for f in report.findings if f.severity.value == "error" and not f.waived]
    if blocking:
        raise Conflict(
            f"Version {number} has {len(blocking)} error-level finding(s) that are not waived. Fix the text and save "
            "a new version, or waive each finding with a reason, before approving.",
            details={
                "findings": [{"id": f.id, "rule": f.rule, "message": f.message} for f in blocking]
            },
        )
    approvals = [
        r for r in repo.reviews_for(session, version.id) if r.decision == ReviewDecision.APPROVED
    ]
    if any(r.user_id == actor.id for r in approvals):
        raise Conflict(
            f"You already approved version {number}. The other approval must come from a different user "
            "with the other role.",
            details={"version": number},
        )
    if any(r.role == actor.role for r in approvals):
        other = [r for r in states.APPROVER_ROLES if r != actor.role][0]
        raise Conflict(
            f"The {actor.role} approval of version {number} is already recorded; a {other} user must approve.",
            details={"version": number},
        )
    warnings = needs_acknowledgement(report)
    missing = [f for f in warnings if f.id not in set(acknowledged or [])]
    if missing:
        raise Conflict(
            f"Version {number} has {len(missing)} open warning(s) on legal elements or readability. Read each one and "
            "acknowledge it (send its id in `acknowledged`, or tick the box in the editor), fix the text, or waive it "
            "with a reason, before approving.",
            details={
                "acknowledge": [{"id": f.id, "rule": f.rule, "message": f.message} for f in missing]
            },
        )
    session.add(
        Review(
            version_id=version.id,
            user_id=actor.id,
            role=actor.role,
            decision=ReviewDecision.APPROVED,
            comment=comment,
            created_at=utcnow(),
        )
    )
    if warnings:
        audit.record(
            session,
            actor,
            "draft.warnings_acknowledged",
            "draft",
            draft_id,
            number,
            {
                "role": actor.role,
                "findings": [{"id": f.id, "rule": f.rule, "message": f.message} for f in warnings],
            },
        )
    users_by_role = {r.role: r.user_id for r in approvals} | {actor.role: actor.id}
    complete = all(r in users_by_role for r in states.APPROVER_ROLES) and len(
        set(users_by_role.values())
    ) == len(states.APPROVER_ROLES)
    draft.state = states.APPROVED if complete else nxt
    session.flush()
    audit.record(
        session,
        actor,
        "draft.approved",
        "draft",
        draft_id,
        number,
        {"role": actor.role, "comment": comment, "fully_approved": complete},
    )
    session.commit()
    return detail(session, draft_id, number)


def request_changes(
    session: Session, ctx: WorkflowContext, actor: User, draft_id: int, number: int, comment: str
) -> DraftDetail:
    """Send version `number` back to editing with a comment. Commits."""
    if actor.role not in REVIEWER_ROLES:
        raise Forbidden(
            f"Only the {', '.join(REVIEWER_ROLES)} roles request changes; your role is {actor.role}."
        )
    draft, version, nxt = _current(session, draft_id, number, "request_changes", "request changes")
    if any(
        r.user_id == actor.id and r.decision == ReviewDecision.CHANGES_REQUESTED
        for r in repo.reviews_for(session, version.id)
    ):
        raise Conflict(
            f"You already requested changes on version {number}; wait for a new version."
        )
    session.add(
        Review(
            version_id=version.id,
            user_id=actor.id,
            role=actor.role,
            decision=ReviewDecision.CHANGES_REQUESTED,
            comment=comment,
            created_at=utcnow(),
        )
    )
    draft.state = nxt
    session.flush()
    audit.record(
        session,
        actor,
        "draft.changes_requested",
        "draft",
        draft_id,
        number,
        {"role": actor.role, "comment": comment},
    )
    session.commit()
    return detail(session, draft_id, number)


def sign_off(
    session: Session,
    ctx: WorkflowContext,
    actor: User,
    draft_id: int,
    number: int,
    comment: str = "",
) -> DraftDetail:
    """Compliance signs off the checklist of approved version `number`. Commits."""
    if actor.role != "compliance":
        raise Forbidden(f"Only the compliance role signs off; your role is {actor.role}.")
    draft, version, nxt = _current(session, draft_id, number, "sign_off", "sign off")
    _refuse_outdated(session, ctx, draft, version, "sign off")
    report = repo.report_for(session, version)
    checklist = [e.model_dump(mode="json") for e in report.elements]
    session.add(
        SignOff(
            version_id=version.id,
            user_id=actor.id,
            checklist=checklist,
            comment=comment,
            created_at=utcnow(),
        )
    )
    draft.state = nxt
    session.flush()
    audit.record(
        session,
        actor,
        "draft.signed_off",
        "draft",
        draft_id,
        number,
        {
            "comment": comment,
            "elements": len(checklist),
            "not_ok": sum(1 for e in checklist if not e.get("ok")),
        },
    )
    session.commit()
    return detail(session, draft_id, number)
