"""Downplaying families: which rules find which category of downplaying, and where in a text.

Why here: the corpus report counts letters per family and the corpus test scores each family
against hand labels; both must read "family" the same way. A family is the `family:` of a
`sentence_pattern` rule (rules/empathy/hedging.yml → `hedge`), so adding a family is adding a
rule file, not code.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from app.checks.context import CheckContext
from app.checks.registry import check_for
from app.checks.text import Document

if TYPE_CHECKING:
    from app.checks.base import Finding
    from app.rulebook.loader import Rulebook


_BY_HASH: dict[str, dict[str, list[str]]] = {}


def family_rules(rulebook: Rulebook) -> dict[str, list[str]]:
    """Family name → ids of the rules that find it (in id order); worked out once per rulebook."""
    hit = _BY_HASH.get(rulebook.hash)
    if hit is None:
        out: dict[str, list[str]] = defaultdict(list)
        for rid, rule in sorted(rulebook.rules.items()):
            family = getattr(rule, "family", "")
            if family:
                out[family].append(rid)
        hit = _BY_HASH[rulebook.hash] = dict(sorted(out.items()))
    return hit


def family_of(rulebook: Rulebook) -> dict[str, str]:
    """Rule id → family, for the rules that have one."""
    return {rid: fam for fam, rids in family_rules(rulebook).items() for rid in rids}


def family_findings(doc: Document, rulebook: Rulebook) -> dict[str, list[Finding]]:
    """Every family's findings on one segmented text (only the family rules run)."""
    ctx = CheckContext(doc=doc, rulebook=rulebook)
    return {
        fam: [
            f
            for rid in rids
            for f in check_for(rulebook.rules[rid].kind)(rid, rulebook.rules[rid], ctx)
        ]
        for fam, rids in family_rules(rulebook).items()
    }
