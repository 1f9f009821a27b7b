"""Which notice laws apply to an incident, and why: pure functions over facts and rule files.

A law applies when it protects some affected people (residence) or covers the organisation (entity
type), the exposed data counts as personal information there, and no encryption safe harbour
spares it. Every decision carries its reasons so the responder can see, and challenge, the answer.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from app.domain.datatypes import DataType
from app.domain.facts import EntityType, IncidentFacts
from app.rulebook.legal_schema import Applicability as Scope
from app.rulebook.legal_schema import Condition, LegalRule


class Applicability(BaseModel):
    """The answer for one jurisdiction: does its law apply, must letters go out, and why."""

    jurisdiction: str
    name: str
    applies: bool = Field(
        description="The law's notice duties apply (to individuals and/or a regulator)."
    )
    letters: bool = Field(description="Letters to individuals are due under this law.")
    basis: str = Field(description="residence or entity.")
    residences: dict[str, int] = Field(
        default_factory=dict, description="Affected people this law protects, per residence code."
    )
    count: int = Field(
        0, description="People this law protects (entity-based laws: everyone affected)."
    )
    reasons: list[str] = Field(default_factory=list)
    citation: str = ""
    status: str = "unverified"
    unverified: list[str] = Field(default_factory=list)
    no_harm: bool = Field(
        False,
        description="A recorded no-harm determination lifts this law's notices (its risk-of-harm exception).",
    )
    hipaa_deemed: bool = Field(
        False,
        description="The state deems the HIPAA notice compliant: no state letter, only what the clause keeps.",
    )


def _known(facts: IncidentFacts, path: str) -> bool:
    """Tell whether the dotted facts path has a value (`contacts.toll_free`, `incident.breach_start`)."""
    value: Any = facts
    for part in path.split("."):
        value = getattr(value, part, None)
        if value is None:
            return False
    return value not in ("", [], {}, False)


def condition_met(cond: Condition, facts: IncidentFacts) -> bool:
    """Evaluate a condition: data, entity and offer triggers are alternatives; `when_known` must also hold; no trigger = always."""
    triggers = []
    if cond.when_data_types:
        triggers.append(facts.has(*cond.when_data_types))
    if cond.when_entity_types:
        triggers.append(bool(set(cond.when_entity_types) & set(facts.organisation.entity_types)))
    if cond.when_offered:
        triggers.append(facts.services.credit_monitoring is not None)
    hit = any(triggers) if triggers else True
    types = set(facts.organisation.entity_types)
    if cond.require_entity_types and not types & set(cond.require_entity_types):
        return False
    if cond.unless_entity_types and types & set(cond.unless_entity_types):
        return False
    if cond.when_known:
        hit = hit and _known(facts, cond.when_known)
    return hit


def required_elements(rule: LegalRule, facts: IncidentFacts) -> set[str]:
    """List what this law requires in these facts' letter: its fixed list plus the conditions the facts switch on."""
    return set(rule.requires) | {c.element for c in rule.conditions if condition_met(c, facts)}


def _personal_information(scope: Scope, facts: IncidentFacts) -> tuple[bool | None, str]:
    """Whether the exposed data is personal information under this law; None when no data types are given."""
    exposed = set(facts.data_types)
    if not exposed:
        return (
            None,
            "no data types given; assumed to be personal information until the facts say otherwise",
        )
    if scope.any_data:
        return True, "any personal data counts here"
    alone = sorted(t.value for t in exposed & set(scope.standalone))
    if alone:
        return True, f"{', '.join(alone)} counts as personal information here even without a name"
    listed = exposed & set(scope.personal_information)
    needs_code = set(scope.needs_code)
    if needs_code:
        listed -= {
            DataType.account_security_code
        }  # the code is what makes a number count, not an element alone
    coded = bool(exposed & CODE_TYPES)
    without_code = sorted(t.value for t in listed & needs_code) if not coded else []
    paired = sorted(t.value for t in listed if coded or t not in needs_code)
    if paired and DataType.name in exposed:
        return True, f"name with {', '.join(paired)} is personal information here"
    if paired:
        return (
            False,
            f"{', '.join(paired)} counts here only together with a name, and no name was exposed",
        )
    if without_code:
        return False, (
            f"{', '.join(without_code)} counts here only with the security code, access code or password "
            "that permits access to the account, and none was exposed"
        )
    return (
        False,
        f"none of the exposed data ({', '.join(sorted(t.value for t in exposed))}) is personal information here",
    )


CODE_TYPES = frozenset({DataType.account_security_code, DataType.username_password})


def _encryption(scope: Scope, facts: IncidentFacts) -> tuple[bool, str]:
    """Tell whether the encryption safe harbour spares the notice, with the reason."""
    inc = facts.incident
    if not inc.data_encrypted:
        return False, ""
    if scope.encryption == "none":
        return False, "data was encrypted, but this law has no encryption safe harbour"
    if inc.key_compromised:
        if scope.encryption == "exempt":
            return (
                False,
                "data was encrypted but the key was taken; the law has no express key clause, treated as not exempt (conservative)",
            )
        return False, "data was encrypted but the key was taken, which voids the safe harbour"
    return True, "data was encrypted and the key was not taken: encryption safe harbour"


def _covered(rule: LegalRule, facts: IncidentFacts) -> tuple[dict[str, int], list[str]]:
    """Who this law protects in these facts, and why it reaches them at all."""
    scope = rule.applicability
    if scope.basis == "entity":
        types = set(facts.organisation.entity_types)
        named = set(scope.entity_types) & types
        if not named:
            return {}, []
        excluded = set(scope.exclude_entity_types) & types
        if excluded:
            return {}, [f"does not cover {', '.join(sorted(t.value for t in excluded))}"]
        unmet = {
            t
            for t in named
            if t in scope.entity_requires and not _known(facts, scope.entity_requires[t])
        }
        if named == unmet:
            return {}, [
                f"covers a {t.value} only when {scope.entity_requires[t]} is set"
                for t in sorted(unmet, key=str)
            ]
        who = ", ".join(sorted(t.value for t in named - unmet))
        return {r: n for r, n in facts.affected.items() if n > 0}, [f"the organisation is a {who}"]
    residents = {r: n for r, n in facts.affected.items() if n > 0 and r in scope.residence}
    if not residents:
        return {}, []
    return residents, [
        f"{sum(residents.values()):,} affected residents ({', '.join(sorted(residents))})"
    ]


def assess(rule: LegalRule, facts: IncidentFacts) -> Applicability | None:
    """Decide one jurisdiction; None when the law does not reach these facts at all (no residents, wrong entity)."""
    residences, reasons = _covered(rule, facts)
    scope = rule.applicability
    base = dict(
        jurisdiction=rule.jurisdiction,
        name=rule.name,
        basis=scope.basis,
        citation=rule.title,
        status=rule.status,
        unverified=list(rule.unverified),
    )
    if not residences:
        if reasons:  # an entity law that names the organisation's type but excludes it
            return Applicability(applies=False, letters=False, reasons=reasons, **base)
        return None
    count = sum(residences.values())
    if (
        holds_for_covered_entity(facts)
        and scope.basis == "residence"
        and rule.jurisdiction.startswith("US-")
    ):
        reasons.append(
            "the organisation is a HIPAA business associate holding this data for a covered entity: a business "
            "that maintains data it does not own notifies the owner (US-HIPAA-BA), and the owner sends the "
            "letters and regulator notices; set organisation.ba_notifies_individuals if the agreement delegates them"
        )
        return Applicability(
            applies=False,
            letters=False,
            residences=residences,
            count=count,
            reasons=reasons,
            **base,
        )
    pi, why = _personal_information(scope, facts)
    reasons.append(why)
    if pi is False:
        return Applicability(
            applies=False,
            letters=False,
            residences=residences,
            count=count,
            reasons=reasons,
            **base,
        )
    spared, why = _encryption(scope, facts)
    if why:
        reasons.append(why)
    applies, letters = True, rule.letter
    if spared:
        letters = False
        applies = scope.encryption_scope == "individuals"
        if applies:
            reasons.append(
                "the safe harbour spares the letters only; the regulator notice still applies"
            )
    no_harm = False
    determined = facts.incident.no_harm_determination_date
    if (
        applies
        and scope.risk_of_harm
        and determined
        and scope.basis == "residence"
        and rule.jurisdiction.startswith("US-")
    ):
        no_harm, letters = True, False
        reasons.append(
            f"no-harm determination documented on {determined.isoformat()}: this state's risk-of-harm "
            "exception lifts the letters and regulator notices (keep the written determination)"
        )
    elif applies and scope.risk_of_harm:
        reasons.append(
            "notice may be avoided only after a documented finding that harm is not likely"
        )
    elif (
        applies
        and determined
        and rule.jurisdiction.startswith("US-")
        and scope.basis == "residence"
    ):
        reasons.append(
            "a no-harm determination does not lift notice here: this law has no risk-of-harm exception"
        )
    if scope.note:
        reasons.append(scope.note)
    return Applicability(
        applies=applies,
        letters=letters,
        residences=residences,
        count=count,
        reasons=reasons,
        no_harm=no_harm,
        **base,
    )


def holds_for_covered_entity(facts: IncidentFacts) -> bool:
    """A HIPAA business associate, not itself a covered entity, whose agreement keeps the letters with the covered entity."""
    types = set(facts.organisation.entity_types)
    return (
        EntityType.hipaa_business_associate in types
        and EntityType.hipaa_covered_entity not in types
        and not facts.organisation.ba_notifies_individuals
    )


def _apply_hipaa_clauses(results: list[Applicability], rulebook: Any) -> None:
    """States that deem a HIPAA notice compliant: no state letter on the state clock when HIPAA's letters go out."""
    hipaa = next(
        (a for a in results if a.jurisdiction == "US-HIPAA" and a.applies and a.letters), None
    )
    if hipaa is None:
        return
    for a in results:
        clause = rulebook.jurisdictions[a.jurisdiction].applicability.hipaa_deemed
        if clause and a.applies and not a.no_harm:
            a.hipaa_deemed, a.letters = True, False
            a.reasons.append(
                f"HIPAA entity notifying under HITECH is deemed compliant ({clause.citation}): the HIPAA "
                f"letter serves these residents, no state letter on the state clock; {clause.note}"
            )


def applicable_jurisdictions(facts: IncidentFacts, rulebook: Any) -> list[Applicability]:
    """Every jurisdiction the facts reach, applicable or not, with reasons; sorted by code."""
    out = []
    for code in sorted(rulebook.jurisdictions):
        result = assess(rulebook.jurisdictions[code], facts)
        if result is not None:
            out.append(result)
    _apply_hipaa_clauses(out, rulebook)
    return out


def uncovered_residences(facts: IncidentFacts, results: list[Applicability]) -> list[str]:
    """Residence codes with affected people that no law file covers (the responder must research them)."""
    covered = {r for a in results for r in a.residences}
    return sorted(r for r, n in facts.affected.items() if n > 0 and r not in covered)
