"""Which letter variants an incident needs: the ONE place that decides it.

Uses `app.domain.obligations.obligations_report` when that module is installed. Until then
(TEMPORARY FALLBACK) a variant is made for each residence-based jurisdiction whose
`applicability.residence` matches an affected residence, each entity-based one whose entity types
match the organisation, and US-GENERIC for affected people no specific law covers.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import date

from app.domain.facts import IncidentFacts
from app.rulebook.loader import Rulebook

GENERIC = "US-GENERIC"


@dataclass(frozen=True)
class Variant:
    """One letter variant: its key ("+"-joined codes), the laws it must satisfy, and who gets it."""

    code: str
    jurisdictions: tuple[str, ...]
    residences: tuple[str, ...] = field(default_factory=tuple)


def _obligations():  # type: ignore[no-untyped-def]
    try:
        return importlib.import_module("app.domain.obligations")
    except ModuleNotFoundError as exc:
        if exc.name == "app.domain.obligations":
            return None
        raise


def _from_report(report: object) -> list[Variant]:
    out = []
    for v in getattr(report, "variants", []):
        codes = tuple(getattr(v, "jurisdictions", None) or getattr(v, "codes", None) or ())
        codes = codes or (GENERIC,)
        out.append(Variant(code="+".join(codes), jurisdictions=codes,
                           residences=tuple(sorted(getattr(v, "residences", None) or ()))))
    return out


def variants_for(facts: IncidentFacts, rulebook: Rulebook, today: date) -> list[Variant]:
    """The variants the affected people need (at least one)."""
    module = _obligations()
    if module is not None and hasattr(module, "obligations_report"):
        found = _from_report(module.obligations_report(facts, rulebook, today))
        if found:
            return found
    affected = set(facts.affected)
    entity_types = {e.value if hasattr(e, "value") else e for e in facts.organisation.entity_types}
    covered: set[str] = set()
    variants: list[Variant] = []
    for code, rule in sorted(rulebook.jurisdictions.items()):
        if code == GENERIC or not rule.letter:
            continue
        app_ = rule.applicability
        if app_.basis == "residence":
            hit = affected & set(app_.residence)
            if hit:
                covered |= hit
                variants.append(Variant(code, (code,), tuple(sorted(hit))))
        elif {e.value if hasattr(e, "value") else e for e in app_.entity_types} & entity_types:
            variants.append(Variant(code, (code,), tuple(sorted(affected))))
    rest = sorted(affected - covered)
    if (rest or not variants) and GENERIC in rulebook.jurisdictions:
        variants.append(Variant(GENERIC, (GENERIC,), tuple(rest)))
    return variants
