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

import re
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TYPE_CHECKING

from app.checks.base import EmpathyComponent, Finding
from app.checks.context import CheckContext
from app.checks.literal_index import literal_index
from app.checks.patterns import compiled_all, union_of

if TYPE_CHECKING:
    from app.rulebook.schema import Phrases

CHECK = "phrases"


def _matches(
    rule: Phrases, text: str, extra: tuple[str, ...] = (), enough: int | None = None
) -> list[tuple[int, int, str]]:
    """Every token match not inside an exception span, in text order (the tokens that may occur
    in the text, in one pass), or only the first `enough` of them (a `require` rule needs no
    more: the scan stops there). `extra` tokens (the admissions policy's phrases, when it
    allows them) count like the rule's own."""
    tokens = list(rule.tokens) + list(extra)
    index = literal_index(text)
    keep = index.present(tokens)  # tokens whose literals are absent cannot match
    if not keep:
        return []
    excepted: _Exceptions | None = None  # read at the first match, only as far as needed

    def counted(found: Iterable[re.Match[str]]) -> Iterator[tuple[int, int, str]]:
        nonlocal excepted
        for m in found:
            if m.end() == m.start():  # an empty match flags nothing
                continue
            if excepted is None:
                excepted = _Exceptions(
                    compiled_all(index.which(rule.exceptions), rule.ignorecase), text
                )
            if not excepted.covers(m.start(), m.end()):
                yield m.start(), m.end(), m.group()

    joined = union_of(tokens, keep, rule.ignorecase)
    if joined is not None:  # one pass, in text order
        return list(islice(counted(joined.finditer(text)), enough))
    patterns = compiled_all([tokens[i] for i in keep], rule.ignorecase)
    return sorted(x for p in patterns for x in counted(p.finditer(text)))[:enough]


class _Exceptions:
    """The spans of the exception patterns' matches in the text (each pattern's `finditer`, empty
    matches dropped), read lazily: a span that covers a token match starts at or before it, so
    the scan stops at the token match asked about (a `require` rule's first match is often near
    the letter's start; the rest of the letter is then never scanned for exceptions)."""

    def __init__(self, patterns: tuple[re.Pattern[str], ...], text: str) -> None:
        self._scans = [(p.finditer(text), []) for p in patterns]

    def covers(self, start: int, end: int) -> bool:
        """True when an exception span contains `start:end` (asked in any order)."""
        for scan, spans in self._scans:
            while not spans or spans[-1][0] <= start:
                e = next(scan, None)
                if e is None:
                    break
                if e.end() > e.start():
                    spans.append((e.start(), e.end()))
            if any(s <= start and end <= e for s, e in spans):
                return True
        return False


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
    enough = max(rule.min, 1) if rule.mode == "require" else None  # (the first one, and `min`)
    matches = _matches(rule, text, extra, enough)
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
