"""Claims (kind `claim`): a letter claims only what the incident facts support.

Why: counsel strikes claims the organisation cannot stand behind — guarantees ("this will never
happen again"), speed the dates contradict ("as soon as we learned of this, we acted" when the
breach was stopped two days after it was found), findings of an investigation the record does not
mention, denials of misuse the record contradicts, and promises about what the organisation will
never ask. Each `swap` entry pairs the claim with a rewrite that claims no more than the facts.
`unless_facts` says what in the facts would support the claim; when the facts support it there is
no finding, and a facts-dependent claim is not judged without facts (the engine's note says the
facts were not compared).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from app.checks.base import Finding
from app.checks.context import CheckContext
from app.checks.substitution import check_substitution

if TYPE_CHECKING:
    from app.rulebook.schema import Claim

CHECK = "claims"
_INVESTIGATION = re.compile(
    r"\b(?:investigat\w*|forensic\w*|inquiry|inquiries|audit)\b", re.IGNORECASE
)


def response_same_day(facts: Any) -> bool:
    """The facts show the breach contained on the day it was discovered."""
    inc = facts.incident
    return bool(
        inc.discovery_date and inc.containment_date and inc.containment_date <= inc.discovery_date
    )


def investigation_recorded(facts: Any) -> bool:
    """The facts' summary or remediation mention an investigation (or forensic review, or audit)."""
    texts = [facts.incident.summary or "", *facts.remediation]
    return any(_INVESTIGATION.search(t) for t in texts)


def no_misuse_recorded(facts: Any) -> bool:
    """The facts do not record evidence that the data was misused (`incident.misuse_known`)."""
    return not facts.incident.misuse_known


_SUPPORTED = {
    "response_same_day": response_same_day,
    "investigation_recorded": investigation_recorded,
    "no_misuse_recorded": no_misuse_recorded,
}


def _supported(rule: Claim, facts: Any) -> bool | None:
    """True when the facts support the claim, False when not, None when it cannot be judged (no facts)."""
    if rule.unless_facts == "always":
        return False
    if facts is None:
        return None
    return _SUPPORTED[rule.unless_facts](facts)


def check_claim(rid: str, rule: Claim, ctx: CheckContext) -> list[Finding]:
    """One finding per unsupported claim, with the rewrite as its suggestion (matched as substitutions are)."""
    if _supported(rule, ctx.facts) is not False:
        return []
    return [f.model_copy(update={"check": CHECK}) for f in check_substitution(rid, rule, ctx)]  # type: ignore[arg-type]
