"""Which letter variants an incident needs, and whom a draft is for: the ONE place that decides it.

A variant's id is its laws joined by "+" (`US-CA+US-NY`), the same id the obligations report,
the drafts, the mail merge and the exported file names use. A draft's scope — the residences
whose people receive it — is fixed when the draft is created: re-drafting in another tone keeps
it, and nothing else widens it (a letter written for California never reaches a Boston resident).

Only what the law needs is drafted (issue #19.5): a variant for each group of affected residents
that some applicable law says must get a letter, plus a general US letter (US-GENERIC) for US
residents no rule file covers (their law is unknown, so a letter is the conservative choice).
Asking for a variant nobody needs still works, with warnings that say why none is required.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.domain.channels import DEFAULT_LANGUAGE, drafting_language, letter_languages
from app.domain.facts import IncidentFacts
from app.domain.jurisdictions import applicable_jurisdictions, assess
from app.domain.obligations import obligations_report
from app.domain.regions import is_us, residence_name
from app.rulebook.loader import Rulebook

GENERIC = "US-GENERIC"


@dataclass(frozen=True)
class Variant:
    """One letter variant: its id ("+"-joined codes), the laws it must satisfy, and who gets it."""

    code: str
    jurisdictions: tuple[str, ...]
    residences: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Scope:
    """The residences a requested variant reaches, and why it may not be needed."""

    residences: tuple[str, ...]
    warnings: tuple[str, ...] = ()


def variant_code(jurisdictions: tuple[str, ...] | list[str]) -> str:
    """The one variant id: the laws in the order given, joined by "+"."""
    return "+".join(jurisdictions)


def variants_for(facts: IncidentFacts, rulebook: Rulebook, today: date) -> list[Variant]:
    """The variants the affected people need under the law (may be empty: nobody needs a letter)."""
    report = obligations_report(facts, rulebook, today)
    out = [
        Variant(v.id, tuple(v.jurisdictions), tuple(sorted(v.residences))) for v in report.variants
    ]
    unknown_us = tuple(sorted(r for r in report.uncovered if is_us(r)))
    if unknown_us and GENERIC in rulebook.jurisdictions:
        out.append(Variant(GENERIC, (GENERIC,), unknown_us))
    return out


def only_residences(facts: IncidentFacts, residences: list[str] | tuple[str, ...]) -> IncidentFacts:
    """The facts with only these residences' affected people (to draft letters for just them)."""
    return facts.model_copy(update={"affected": {r: facts.affected[r] for r in residences}})


def letters_needed(
    facts: IncidentFacts, rulebook: Rulebook, today: date
) -> list[tuple[Variant, str]]:
    """(variant, language) of every letter an incident needs: the English letter of each variant,
    and beside it a letter in each other language Candor drafts (Spanish) for the residences whose
    recipients the facts say read it (`recipient_languages`, else `language`; issue 19.6). Such a
    letter satisfies the laws of just those residences (its own variant id). Languages without
    templates get no letter here: their warning says the English one must be translated."""
    english = variants_for(facts, rulebook, today)
    out = [(v, DEFAULT_LANGUAGE) for v in english]
    lettered = sorted({r for v in english for r in v.residences})
    others: dict[str, list[str]] = {}
    for language, residences in letter_languages(facts, lettered).items():
        if residences and drafting_language(language) != DEFAULT_LANGUAGE:
            others.setdefault(drafting_language(language), []).extend(residences)
    for language, residences in sorted(others.items()):
        only = only_residences(facts, residences)
        out.extend((v, language) for v in variants_for(only, rulebook, today))
    return out


def lettered_residences(facts: IncidentFacts, rulebook: Rulebook, today: date) -> dict[str, str]:
    """Residence -> id of the variant the law says its people need (residences needing no letter are absent)."""
    return {r: v.code for v in variants_for(facts, rulebook, today) for r in v.residences}


def letter_laws(
    facts: IncidentFacts, rulebook: Rulebook, residences: tuple[str, ...] | list[str]
) -> set[str]:
    """The laws under which letters are due to any of these residences' people (for staleness)."""
    wanted = set(residences)
    return {
        a.jurisdiction
        for a in applicable_jurisdictions(facts, rulebook)
        if a.letters and wanted & set(a.residences)
    }


def _not_needed(code: str, facts: IncidentFacts, rulebook: Rulebook) -> str | None:
    """Why no `code` letter is required for these facts, or None when one is."""
    rule = rulebook.jurisdictions.get(code)
    if rule is None or code == GENERIC:
        return None
    result = assess(rule, facts)
    if result is None:
        scope = rule.applicability
        if scope.basis == "entity":
            kinds = ", ".join(sorted(getattr(t, "value", str(t)) for t in scope.entity_types))
            return f"No {code} letter is required: the organisation is not a {kinds}."
        return f"No {code} letter is required: no affected people live in {rule.name}."
    if not result.letters:
        why = "; ".join(r for r in result.reasons if r) or "the law's conditions are not met"
        return f"No {code} letter is required: {why}."
    return None


def scope_for(
    facts: IncidentFacts, rulebook: Rulebook, codes: tuple[str, ...], today: date
) -> Scope:
    """The residences a requested variant covers (the people its laws reach), with warnings when
    no letter is required for some of its laws or it reaches nobody."""
    reached: set[str] = set()
    for code in codes:
        rule = rulebook.jurisdictions.get(code)
        if rule is None:
            continue
        if code == GENERIC:
            covered = {r for a in applicable_jurisdictions(facts, rulebook) for r in a.residences}
            reached |= {
                r for r, n in facts.affected.items() if n > 0 and is_us(r) and r not in covered
            }
            continue
        result = assess(rule, facts)
        if result is not None:
            reached |= {r for r, n in result.residences.items() if n > 0}
    warnings = [w for w in (_not_needed(c, facts, rulebook) for c in codes) if w]
    if not reached:
        warnings.append(
            f"The {variant_code(codes)} letter reaches nobody affected: no affected people live where "
            "its laws apply, so the mail merge will send it to no one."
        )
    elif not warnings:
        needed = lettered_residences(facts, rulebook, today)
        spare = sorted(r for r in reached if r not in needed)
        if spare:
            warnings.append(
                "No law requires a letter for the people in "
                + ", ".join(residence_name(r) for r in spare)
                + "."
            )
    return Scope(tuple(sorted(reached)), tuple(warnings))
