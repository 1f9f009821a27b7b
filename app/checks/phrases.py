"""Phrases (kind `phrases`): wording to avoid, or wording a letter needs.

* `mode: avoid` flags every match of a token (hedging, clichés, blame-shifting, jargon,
  legalese), skipping matches inside an `exceptions` span and dropping all findings when the
  document also matches an `unless` pattern (e.g. "no evidence of misuse" is fine when the
  letter also warns what could happen).
* `mode: require` flags the document when fewer than `min` tokens match (e.g. no apology).
  A rule with a `component` reports that apology component (Lewicki et al., 2016) as present
  or absent, with the evidence span, in the report's `empathy` section.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.checks.base import EmpathyComponent, Finding
from app.checks.context import CheckContext
from app.checks.literal_index import literal_index
from app.checks.patterns import compiled_all, finditer, union_of

if TYPE_CHECKING:
    from app.rulebook.schema import Phrases

CHECK = "phrases"


def _matches(rule: Phrases, text: str, extra: tuple[str, ...] = ()) -> list[tuple[int, int, str]]:
    """Every token match not inside an exception span, in text order (the tokens that may occur
    in the text, in one pass). `extra` tokens (the admissions policy's phrases, when it allows
    them) count like the rule's own."""
    tokens = list(rule.tokens) + list(extra)
    index = literal_index(text)
    keep = index.present(tokens)  # tokens whose literals are absent cannot match
    if not keep:
        return []
    joined = union_of(tokens, keep, rule.ignorecase)
    patterns = (
        (joined,)
        if joined is not None
        else compiled_all([tokens[i] for i in keep], rule.ignorecase)
    )
    found = [m for pattern in patterns for m in finditer(pattern, text)]
    if not found:
        return []
    # (an empty exception span can only contain an empty token match, and those are never flagged)
    excepted = [
        (m.start(), m.end())
        for p in compiled_all(index.which(rule.exceptions), rule.ignorecase)
        for m in finditer(p, text)
    ]
    out = [
        (m.start(), m.end(), m.group())
        for m in found
        if not any(s <= m.start() and m.end() <= e for s, e in excepted)
    ]
    out.sort()
    return out


def check_phrases(rid: str, rule: Phrases, ctx: CheckContext) -> list[Finding]:
    """Flag avoided phrases, or the absence of required ones; record apology components.

    A rule whose advice the letter's law contradicts (`skip_when_prohibited`) is not run at all:
    no finding and no component entry (Massachusetts letters may not explain what happened).
    """
    if any(ctx.forbids(e) for e in rule.skip_when_prohibited):
        return []
    text = ctx.text
    extra = (
        tuple(ctx.rulebook.admissions.phrases)
        if rule.admissions and ctx.rulebook.admissions_allowed
        else ()
    )
    matches = _matches(rule, text, extra)
    if rule.component:
        first = matches[0] if matches else None
        ctx.empathy.append(
            EmpathyComponent(
                component=rule.component,
                detected=first is not None,
                weight=rule.weight,
                start=first[0] if first else None,
                end=first[1] if first else None,
            )
        )
    if rule.mode == "require":
        if len(matches) >= rule.min:
            return []
        return [
            Finding(
                rule=rid,
                check=CHECK,
                severity=rule.level,
                message=rule.message,
                source=rule.source or None,
            )
        ]
    unless = literal_index(text).which(rule.unless)  # (one whose literals are absent cannot match)
    if not matches or any(p.search(text) for p in compiled_all(unless, rule.ignorecase)):
        return []
    return [
        Finding(
            rule=rid,
            check=CHECK,
            severity=rule.level,
            start=s,
            end=e,
            source=rule.source or None,
            message=rule.message.format(match=m),
        )
        for s, e, m in matches
    ]
