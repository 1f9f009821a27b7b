"""Admissions policy (kind `admissions_policy`): no letter admits legal fault unless counsel allows it.

Why: "This was our fault" or "We made a mistake" in a breach letter is an admission of legal fault
or negligence that counsel strikes, even where the organisation was itself the victim of a crime.
Owning responsibility in words counsel accept ("Protecting your information is our job, and we are
sorry we did not do it here") keeps the apology's most important component without the admission.
The policy file records counsel's decision with its reason; while it forbids admissions, every
admission phrase is a legal finding carrying the accepted wording as its suggestion.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.checks.base import Finding
from app.checks.context import CheckContext
from app.checks.literal_index import literal_index
from app.checks.patterns import compiled

if TYPE_CHECKING:
    from app.rulebook.schema import AdmissionsPolicy

CHECK = "legal"


def check_admissions(rid: str, rule: AdmissionsPolicy, ctx: CheckContext) -> list[Finding]:
    """Flag every admission phrase when the policy forbids admissions."""
    if rule.allow:
        return []
    findings = []
    index = literal_index(ctx.text)
    for pattern, accepted in rule.phrases.items():
        if not index.may_occur(pattern):  # none of its required literals is in the text
            continue
        for m in compiled(pattern).finditer(ctx.text):
            findings.append(
                Finding(
                    rule=rid,
                    check=CHECK,
                    severity=rule.level,
                    start=m.start(),
                    end=m.end(),
                    suggestion=accepted,
                    source=rule.source or None,
                    message=rule.message.format(match=m.group(), suggestion=accepted),
                )
            )
    return findings
