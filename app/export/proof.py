"""The per-recipient proof: before a letter leaves Candor, it is checked against the law of the
person who will get it — not only against the laws its draft was written for.

A draft is checked and approved for its own jurisdictions; a recipient is protected by the law of
their residence plus the federal or sectoral laws that cover the organisation (HIPAA, GLBA, ...).
These can differ: a draft's scope can be wrong, the facts can change, an edit can remove what one
state requires or add what another forbids. So the merge (and a single export of an approved
version) re-runs the legal check on the letter *for each residence it is mailed to*, with the
current facts:

- laws = every rule file whose residence list names the residence (whether or not its notice duty
  is triggered: a Massachusetts resident never gets a letter that breaks Massachusetts' content
  rules, even a voluntary one), plus every entity-based law that applies to the organisation, or
  US-GENERIC for a US residence no rule file names;
- any error-level finding of a legal rule (`legal.*`, element requirements and prohibitions; the
  `family.*` rules a group of laws shares, such as no US-only content outside the US) or of
  the facts comparison (`facts.*`: a wrong enrol-by date, an unfilled fact) rejects the letter for
  that residence, with a reason code (``legal_check_failed`` or ``facts_mismatch``) and the rules
  named. Waivers recorded on the draft do not apply here: a waiver lets a team approve a version,
  it does not make a letter lawful for a recipient whose own law forbids it.

The letter checked is the letter mailed, with the per-recipient merge fields (`[[recipient: …]]`)
left as markers: the merge fills them only with the recipient's name and activation code, as one
line of plain text, which no legal rule reads. So one check per letter × residence proves every
recipient of that residence, and a merge of a million rows runs a few dozen checks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from app.checks.base import Severity
from app.checks.engine import run_checks
from app.domain.facts import IncidentFacts
from app.domain.jurisdictions import assess
from app.domain.regions import is_us
from app.export.merge import MergePlan

GENERIC = "US-GENERIC"
LEGAL = "legal_check_failed"
FACTS = "facts_mismatch"
NO_LAW = "no_law_known"
REASON_CODES = (LEGAL, FACTS, NO_LAW)
LEGAL_RULES = ("legal.", "family.")
"""Rule ids whose error-level findings make a letter unlawful for a residence: the element rules of
each law, and the rule families a group of laws shares (e.g. no US-only content in a letter for
residents outside the US)."""


@dataclass(frozen=True)
class Proof:
    """The verdict on one letter for the people of one residence."""

    residence: str
    variant_id: str
    laws: tuple[str, ...]
    code: str = ""
    reason: str = ""
    rules: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the letter may be mailed to this residence's people."""
        return not self.code

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (for summary.json, job status, audit details)."""
        return {
            "residence": self.residence,
            "variant": self.variant_id,
            "laws": list(self.laws),
            "ok": self.ok,
            "reason_code": self.code or None,
            "reason": self.reason or None,
            "rules": list(self.rules),
        }


def recipient_laws(residence: str, rulebook: Any, facts: IncidentFacts | None) -> tuple[str, ...]:
    """The laws a letter to someone living in `residence` must satisfy (see module doc)."""
    laws = set()
    for code, rule in rulebook.jurisdictions.items():
        scope = rule.applicability
        if scope.basis == "residence" and residence in scope.residence:
            laws.add(code)
        elif scope.basis == "entity" and facts is not None:
            result = assess(rule, facts)
            if result is not None and result.applies and residence in result.residences:
                laws.add(code)
    if (
        not any(rulebook.jurisdictions[c].applicability.basis == "residence" for c in laws)
        and is_us(residence)
        and GENERIC in rulebook.jurisdictions
    ):
        laws.add(GENERIC)
    return tuple(sorted(laws))


def _names(rules: list[str]) -> str:
    shown = sorted(set(rules))
    return ", ".join(shown[:5]) + (f" and {len(shown) - 5} more" if len(shown) > 5 else "")


def prove(
    text: str,
    *,
    residence: str,
    variant_id: str,
    laws: tuple[str, ...],
    rulebook: Any,
    settings: Any,
    facts: IncidentFacts | None,
    tone: str | None = None,
    language: str = "en",
) -> Proof:
    """Check one letter for the people of one residence (with its language's rules); the Proof
    says whether it may be mailed."""
    if not laws:
        return Proof(
            residence,
            variant_id,
            laws,
            NO_LAW,
            f"no rule file covers {residence}: research its law before mailing letters there",
        )
    report = run_checks(
        text,
        rulebook=rulebook,
        settings=settings,
        facts=facts,
        jurisdictions=laws,
        tone=tone,
        grammar=False,
        language=language,
    )
    errors = [f for f in report.findings if f.severity is Severity.error]
    legal = [f for f in errors if f.check == "legal" or f.rule.startswith(LEGAL_RULES)]
    wrong = [f for f in errors if f.check == "facts"]
    if legal:
        missing = [e for e in report.elements if not e.ok]
        family = [f for f in legal if f.rule.startswith("family.")]
        what = "; ".join(
            [
                f"{e.jurisdiction} {'requires' if e.requirement == 'required' else 'forbids'} {e.element}"
                for e in missing[:4]
            ]
            + [f.message for f in family[:1]]
        )
        return Proof(
            residence,
            variant_id,
            laws,
            LEGAL,
            f"letter {variant_id} fails the legal check for {'+'.join(laws)} ({what}); rules: "
            f"{_names([f.rule for f in legal])}",
            tuple(sorted({f.rule for f in legal})),
        )
    if wrong:
        return Proof(
            residence,
            variant_id,
            laws,
            FACTS,
            f"letter {variant_id} disagrees with the current facts ({wrong[0].message}); rules: "
            f"{_names([f.rule for f in wrong])}",
            tuple(sorted({f.rule for f in wrong})),
        )
    return Proof(residence, variant_id, laws)


def prove_all(
    letters: Mapping[str, Any],
    *,
    rulebook: Any,
    settings: Any,
    facts: IncidentFacts | None,
    tones: Mapping[str, str] | None = None,
) -> dict[str, Proof]:
    """Prove every residence → letter pair (`letters` values have `variant_id`, `text` and maybe
    `language`, default English), one check per distinct letter × law set."""
    done: dict[tuple[str, tuple[str, ...], str], Proof] = {}
    out = {}
    for residence, letter in sorted(letters.items()):
        laws = recipient_laws(residence, rulebook, facts)
        language = getattr(letter, "language", "en")
        key = (letter.variant_id, laws, language)
        if key not in done:
            done[key] = prove(
                letter.text,
                residence=residence,
                variant_id=letter.variant_id,
                laws=laws,
                rulebook=rulebook,
                settings=settings,
                facts=facts,
                tone=(tones or {}).get(letter.variant_id),
                language=language,
            )
        p = done[key]
        out[residence] = Proof(residence, p.variant_id, p.laws, p.code, p.reason, p.rules)
    return out


def prove_plan(
    plan: MergePlan,
    residences: Iterable[str] = (),
    *,
    rulebook: Any,
    settings: Any,
    facts: IncidentFacts | None,
    tones: Mapping[str, str] | None = None,
) -> MergePlan:
    """The plan with every residence's letter proved: rows of a residence whose letter fails are
    rejected with the proof's reason code, and the verdicts go to summary.json.

    Proves each residence the plan names, and each of ``residences`` (the codes a ``default``
    letter will serve, read from the recipients file). ``facts`` None (a plan built from files
    without facts): the residence laws only — no entity-based law, no facts comparison.
    """
    letters = {}
    for code in {*plan.letters, *residences}:
        letter = plan.letter_for(code)
        if letter is not None:
            letters[code] = letter
    proofs = prove_all(letters, rulebook=rulebook, settings=settings, facts=facts, tones=tones)
    return replace(
        plan,
        refusals={r: (p.code, p.reason) for r, p in proofs.items() if not p.ok},
        proofs={r: p.as_dict() for r, p in proofs.items()},
    )


def prove_translations(
    plan: MergePlan,
    translations: Mapping[str, Mapping[str, Any]],
    *,
    rulebook: Any,
    settings: Any,
    facts: IncidentFacts | None,
    tones: Mapping[str, str] | None = None,
) -> MergePlan:
    """The plan with the letters in other languages (language -> residence -> letter) that pass
    the per-recipient proof in their own language; a failing one is left out, so its readers get
    the proved English letter (counted as a fallback), and its proof is in summary.json under
    ``<residence>.<language>``."""
    kept: dict[str, dict[str, Any]] = {}
    proofs = dict(plan.proofs)
    for language, letters in sorted(translations.items()):
        done = prove_all(letters, rulebook=rulebook, settings=settings, facts=facts, tones=tones)
        kept[language] = {r: letters[r] for r, p in done.items() if p.ok}
        proofs |= {f"{r}.{language}": p.as_dict() for r, p in done.items()}
    return replace(plan, translations=kept, proofs=proofs)
