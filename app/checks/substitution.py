"""Substitution (kind `substitution`): a phrase to avoid, with the better wording to use.

Why: a finding is more useful when it carries the fix. Each `swap` entry maps a regex to its
replacement; a match becomes a finding with `suggestion` set, so the editor can offer a
one-click rewrite ("out of an abundance of caution" → "to protect you").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.checks.base import Finding
from app.checks.context import CheckContext
from app.checks.literal_index import literal_index
from app.checks.patterns import compiled, finditer, union_of

if TYPE_CHECKING:
    from app.rulebook.schema import Substitution

CHECK = "substitution"


def _match_case(found: str, replacement: str) -> str:
    """Keep a capital first letter when the matched text had one."""
    if found[:1].isupper() and replacement[:1].islower():
        return replacement[0].upper() + replacement[1:]
    return replacement


def check_substitution(rid: str, rule: Substitution, ctx: CheckContext) -> list[Finding]:
    """One finding per match of each swap pattern, with the suggested replacement."""
    findings = []
    swaps = list(rule.swap.items())
    pats = [p for p, _ in swaps]
    keep = literal_index(ctx.text).present(pats)  # swaps whose literals are absent cannot match
    if not keep:
        return []
    joined = union_of(pats, keep, rule.ignorecase, named=True)
    if joined is not None:  # one pass; the group name says which swap matched
        passes = [(joined, None)]
    else:
        passes = [(compiled(swaps[i][0], rule.ignorecase), swaps[i][1]) for i in keep]
    for pattern, fixed in passes:
        for m in finditer(pattern, ctx.text):
            replacement = fixed if fixed is not None else swaps[int(m.lastgroup[1:])][1]  # type: ignore[index]
            suggestion = _match_case(m.group(), replacement)
            findings.append(
                Finding(
                    rule=rid,
                    check=CHECK,
                    severity=rule.level,
                    start=m.start(),
                    end=m.end(),
                    suggestion=suggestion,
                    source=rule.source or None,
                    message=rule.message.format(match=m.group(), suggestion=suggestion),
                )
            )
    return findings
