"""Empathy summary: which apology components (Lewicki, Polin & Lount, 2016) the letter has.

Why: in Lewicki's study (n=755) acknowledging responsibility mattered most, then an offer of
repair; regret, explanation and repentance next; asking forgiveness least. The components are
detected by `phrases` rules that name a `component` (rules/empathy/*.yml); this module merges
their results into one entry per component — detected if any rule found it, with the earliest
evidence span — ordered by weight, for the report's `empathy` section. The anti-patterns
(hedging, downplaying, blame-shifting, clichés, jargon, legalese) are ordinary `phrases` and
`substitution` rules in the same folder and produce ordinary findings.
"""

from __future__ import annotations

from app.checks.base import EmpathyComponent


def summarise(components: list[EmpathyComponent]) -> list[EmpathyComponent]:
    """One entry per component, detected if any rule detected it, most important first."""
    merged: dict[str, EmpathyComponent] = {}
    for c in components:
        prev = merged.get(c.component)
        if prev is None:
            merged[c.component] = c
            continue
        weight = max(prev.weight, c.weight)
        if c.detected and (not prev.detected or (c.start or 0) < (prev.start or 0)):
            merged[c.component] = c.model_copy(update={"weight": weight})
        else:
            merged[c.component] = prev.model_copy(update={"weight": weight})
    return sorted(merged.values(), key=lambda c: (-c.weight, c.component))
