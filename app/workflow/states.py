"""The review state machine of a draft, as one table: (state, action) -> next state.

Anything not in TRANSITIONS is refused with 409 and a sentence saying what to do instead, so a
new action or state cannot slip through unreviewed. `approve` moves to `approved` only when both
required roles approved the same version (decided in app.workflow.reviews); otherwise the state
stays `in_review`.

`stale` is set by app.workflow.staleness (action `facts_changed`) when the incident's facts change
in a way that changes the draft's letter or the laws its recipients need: approvals and sign-off
given on the old facts no longer count, the letter exports only with the DRAFT watermark, and the
merge refuses it. The way out is a new version (a save, or a re-draft from the current facts).
"""

from __future__ import annotations

from app.domain.channels import REGULATOR_CHANNELS
from app.store.enums import DraftState

DRAFT, IN_REVIEW, CHANGES, APPROVED, SIGNED_OFF, STALE = (
    DraftState.DRAFT,
    DraftState.IN_REVIEW,
    DraftState.CHANGES_REQUESTED,
    DraftState.APPROVED,
    DraftState.SIGNED_OFF,
    DraftState.STALE,
)
STATES = (DRAFT, IN_REVIEW, CHANGES, APPROVED, SIGNED_OFF, STALE)
APPROVER_ROLES = ("cmo", "security")

TRANSITIONS: dict[tuple[DraftState, str], DraftState] = {
    (DRAFT, "save"): DRAFT,
    (IN_REVIEW, "save"): DRAFT,  # voids the partial approval
    (CHANGES, "save"): DRAFT,
    (APPROVED, "save"): DRAFT,  # voids both approvals
    (SIGNED_OFF, "save"): DRAFT,  # voids approvals and sign-off (a new version needs a new review)
    (DRAFT, "approve"): IN_REVIEW,
    (IN_REVIEW, "approve"): IN_REVIEW,  # becomes APPROVED once both roles approved
    (DRAFT, "request_changes"): CHANGES,
    (IN_REVIEW, "request_changes"): CHANGES,
    (APPROVED, "request_changes"): CHANGES,
    (DRAFT, "waive"): DRAFT,
    (IN_REVIEW, "waive"): IN_REVIEW,
    (CHANGES, "waive"): CHANGES,
    (APPROVED, "sign_off"): SIGNED_OFF,
    (STALE, "save"): DRAFT,  # a new version written against the current facts
    (STALE, "request_changes"): CHANGES,
    **{(s, "facts_changed"): STALE for s in (DRAFT, IN_REVIEW, CHANGES, APPROVED, SIGNED_OFF)},
}

_HINTS = {
    "approve": "Approvals are only possible on a draft or in-review version; after changes were requested, or when the "
    "facts changed under the letter (stale), save a new version first (or re-draft it from the current facts).",
    "sign_off": "Sign-off needs a version approved by both the CMO and security.",
    "waive": "Waivers are only possible before approval and on current facts; save a new version to change an approved "
    "or stale letter.",
    "request_changes": "Changes can be requested on a draft, in-review or approved version.",
    "save": "Saving is always possible.",
}


def next_state(state: str, action: str) -> DraftState | None:
    """The state after `action`, or None when the table does not allow it."""
    return TRANSITIONS.get((state, action))


def refusal(state: str, action: str) -> str:
    """A sentence for the 409 body: what is wrong and what to do."""
    return f"Cannot {action.replace('_', ' ')} a draft in state '{state}'. {_HINTS.get(action, '')}".strip()


def released(state: str, channel: str = "letter") -> bool:
    """Whether a draft in `state` is approved for release (exported without the DRAFT marking):
    the CMO and security approved its current version; a regulator notice also needs compliance's
    sign-off, because it is a filing with a regulator and compliance answers for those."""
    if channel in REGULATOR_CHANNELS:
        return state == SIGNED_OFF
    return state in (APPROVED, SIGNED_OFF)
