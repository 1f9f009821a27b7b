"""The draft states a merge mails are real draft states (no dead legacy spellings) and exactly the
two that mean "approved": approved and signed off."""

from __future__ import annotations

from app.export.plan import APPROVED_STATES
from app.store.enums import DraftState


def test_mailable_states_are_the_approved_draft_states() -> None:
    assert APPROVED_STATES <= {state.value for state in DraftState}
    assert APPROVED_STATES == {"approved", "signed_off"}
