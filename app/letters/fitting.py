"""Fit the facts to one letter: which steps, in which order, which remediation, labels and rights.

Why here and not in the templates: these are decisions (what protects most, what the audience
can use, what the law lets the letter say), made once for every tone; the words come from
templates/letters/content.yml (app/letters/content.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.domain.datatypes import LABELS, DataType
from app.domain.facts import IncidentFacts
from app.letters.content import (
    REGISTER,
    LetterContent,
)
from app.letters.remediation_reading import RemediationReader

# Exposed data in the order a letter lists it: most sensitive first.
ORDER = [
    DataType.ssn,
    DataType.tax_id,
    DataType.drivers_license,
    DataType.state_id,
    DataType.passport,
    DataType.military_id,
    DataType.financial_account,
    DataType.payment_card,
    DataType.account_security_code,
    DataType.medical,
    DataType.health_insurance,
    DataType.biometric,
    DataType.genetic,
    DataType.username_password,
    DataType.security_questions,
    DataType.date_of_birth,
    DataType.mothers_maiden_name,
    DataType.name,
    DataType.address,
    DataType.email,
    DataType.phone,
    DataType.geolocation,
    DataType.other,
]
_RANK = {t: i for i, t in enumerate(ORDER)}  # (list.index is a scan; a letter sorts by it)


@dataclass(frozen=True)
class Audience:
    """Who reads the letter: the laws it answers to and what they require or forbid."""

    codes: tuple[str, ...]
    include: frozenset[str]
    exclude: frozenset[str]
    us: bool = field(init=False)
    """A US letter (any of its laws is a US law); asked a dozen times per letter."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "us", any(c.startswith("US") for c in self.codes))

    def region_ok(self, region: str) -> bool:
        """True when content for `region` (us, intl, any) fits this audience."""
        return region == "any" or (region == "us") == self.us


def labels(content: LetterContent, facts: IncidentFacts, audience: Audience) -> list[str]:
    """Exposed data in plain words, most sensitive first, each item unambiguous for this audience."""
    out = []
    for t in sorted(facts.data_types, key=_RANK.__getitem__):
        if t is DataType.other:
            out.append(facts.data_types_other or LABELS[t])
            continue
        text = content.labels.get(t, LABELS[t])
        for p in content.paired:
            if p.type is t and facts.has(p.with_):
                text = p.text
        if not audience.us:
            text = content.intl.get(t, text)
        out.append(text)
    return out


def consequences(
    content: LetterContent, facts: IncidentFacts, audience: Audience
) -> tuple[str, ...]:
    """Likely consequences of the exposed data, in plain words."""
    return tuple(
        (c.intl if c.intl and not audience.us else c.text)
        for c in content.consequences
        if facts.has(*c.data_types)
    )


def remediation(
    content: LetterContent, facts: IncidentFacts, audience: Audience, reader: RemediationReader
) -> tuple[str, ...]:
    """The responder's remediation, as given, minus what this letter may not or need not say.

    * Where a law forbids describing the breach (Massachusetts), a sentence that the rulebook's own
      detectors for the forbidden elements would find is left out (it would reveal the nature of the
      breach); the rest of the responder's text is kept. Only when nothing remains is the generic
      remediation printed.
    * A US letter leaves out reports to regulators abroad (the Irish DPC means nothing to a US resident).
    """
    items = tuple(facts.remediation)
    if not items:
        return ()
    reading = reader.read(items)
    abroad = reading.abroad if audience.us else (False,) * len(items)
    kept = tuple(
        r for r, out, told in zip(items, abroad, reading.reveals, strict=True) if not (out or told)
    )
    if not kept and reader.forbids:
        return tuple(content.generic_remediation)
    return kept


def rights(
    content: LetterContent, facts: IncidentFacts, audience: Audience, tone: str
) -> tuple[str, ...]:
    """The rights paragraph's sentences (US letters): rights that are not actions."""
    if not audience.us:
        return ()
    reg = REGISTER[tone]
    return tuple(
        getattr(r, reg)
        for r in content.rights
        if r.element not in audience.exclude
        and (r.element in audience.include or facts.has(*r.also_when))
    )
