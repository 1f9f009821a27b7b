"""Conditional (kind `conditional`): when the letter says X, it must also say Y.

Why: some statements create a duty to say more — offering credit monitoring without saying how
to enroll, or naming Social Security numbers without telling people how to freeze their
credit. The trigger is the `if` regex, or (with facts) any of `when_data_types` exposed; the
finding sits on the triggering words so the reader sees what created the duty.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.checks.base import Finding
from app.checks.context import CheckContext
from app.checks.patterns import compiled

if TYPE_CHECKING:
    from app.rulebook.schema import Conditional

CHECK = "conditional"


def check_conditional(rid: str, rule: Conditional, ctx: CheckContext) -> list[Finding]:
    """Flag the trigger when `then` is nowhere in the text."""
    text = ctx.text
    trigger = compiled(rule.if_).search(text)
    by_facts = bool(
        ctx.facts
        and rule.when_data_types
        and any(t.value in rule.when_data_types for t in ctx.facts.data_types)
    )
    if trigger is None and not by_facts:
        return []
    if compiled(rule.then).search(text):
        return []
    match = trigger.group() if trigger else ", ".join(rule.when_data_types)
    return [
        Finding(
            rule=rid,
            check=CHECK,
            severity=rule.level,
            source=rule.source or None,
            start=trigger.start() if trigger else None,
            end=trigger.end() if trigger else None,
            message=rule.message.format(match=match),
        )
    ]
