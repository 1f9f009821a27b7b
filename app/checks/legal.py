"""Legal elements: is each element a jurisdiction requires (or forbids) in the letter, and where.

Detection reads the letter the way counsel does and must hold up on free wording:

1. **Headings first.** A section heading that matches an element's `headings` regexes marks the
   element ("What Happened" → what_happened), wherever the letter came from — when the element
   has `heading_requires`, only if the section under the heading matches one of them.
2. **Sentences.** Otherwise an element is present when one sentence (or paragraph/document,
   per the element's `scope`) matches one of its `detect` regexes, every `all_of` regex, and
   no `exclude` regex. `all_of`/`exclude` keep a bare keyword from counting: mentioning
   "fraud" does not explain fraud alerts.

Then, per selected jurisdiction (`kind: legal_elements` rule): a missing required element is a
document-level finding at the rule's level; a detected prohibited element is a finding on the
offending span; `conditions` add requirements driven by the facts (e.g. 18 months of credit
monitoring when SSNs were exposed in Massachusetts) — without facts they are not evaluated,
and the report says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.checks.base import ElementResult, Finding, Severity
from app.checks.caching import text_cache
from app.checks.context import CheckContext
from app.checks.literal_index import literal_index
from app.checks.pattern_filter import PatternFilter, bits
from app.checks.patterns import compiled, compiled_all
from app.checks.text import Document

if TYPE_CHECKING:
    from app.rulebook.legal_schema import Condition, LegalRule
    from app.rulebook.schema import ElementDef

CHECK = "legal"

_NUMBER_WORDS = {
    "six": 6,
    "twelve": 12,
    "eighteen": 18,
    "twenty-four": 24,
    "twenty four": 24,
    "thirty-six": 36,
    "one year": 12,
    "two years": 24,
    "three years": 36,
    "one-year": 12,
    "two-year": 24,
    "three-year": 36,
}
_MONTHS = re.compile(
    r"\b(\d{1,3}|six|twelve|eighteen|twenty[- ]four|thirty-six)\)?[- ](?:\(\d+\)[- ])?(?:months?|mes|meses)\b|\b(one|two|three)[- ]years?\b",
    re.IGNORECASE,
)  # "24 meses" too: Spanish letters state the same period
_MONITORING = re.compile(
    r"\b(?:monitoring|identity (?:theft )?protection|identity restoration|membership|monitoreo)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Evidence:
    """Where an element was found."""

    start: int
    end: int
    text: str


Patterns = tuple[tuple[int, str], ...]
"""Regexes with their bits in the filter (compiled when first run: `patterns.compiled`)."""


@dataclass(frozen=True, eq=False)
class _Detector:
    """One element's regexes, each with its bit in the filter of the element set it belongs to.

    Compared and hashed by identity: with a unit's text, the key of `_unit_ok`."""

    filter: PatternFilter
    detect: Patterns
    exclude: Patterns
    all_of: tuple[str, ...]
    detect_bits: int
    all_of_bits: int

    def may_count(self, may: int) -> bool:
        """Whether a unit whose filter bits are `may` can count: one detect regex and every
        all_of regex may match there."""
        return bool(may & self.detect_bits) and may & self.all_of_bits == self.all_of_bits


class _Detectors:
    """The detectors of a set of elements: one pattern filter per scope, shared by the elements
    of that scope (one pass per unit serves them all, and reads only their literals)."""

    def __init__(self, edefs: tuple[ElementDef, ...]) -> None:
        self.edefs = edefs  # (held: the cache below is keyed by their ids)
        self.by_id: dict[int, _Detector] = {}
        for scope in ("sentence", "paragraph", "document"):
            mine = [e for e in edefs if e.scope == scope]
            patterns = tuple(
                dict.fromkeys(p for e in mine for p in (*e.detect, *e.exclude, *e.all_of))
            )
            pattern_filter = PatternFilter(patterns)
            bit = {p: i for i, p in enumerate(patterns)}
            self.by_id.update((id(e), _detector(e, pattern_filter, bit)) for e in mine)


def _detector(edef: ElementDef, pattern_filter: PatternFilter, bit: dict[str, int]) -> _Detector:
    return _Detector(
        pattern_filter,
        detect=tuple((bit[p], p) for p in edef.detect),
        exclude=tuple((bit[p], p) for p in edef.exclude),
        all_of=tuple(edef.all_of),
        detect_bits=sum({1 << bit[p] for p in edef.detect}),
        all_of_bits=sum({1 << bit[p] for p in edef.all_of}),
    )


_DETECTORS: dict[tuple[int, ...], _Detectors] = {}


def _detectors(edefs: tuple[ElementDef, ...]) -> _Detectors:
    """The detectors of these element definitions, built once (rules, not text: `clear_caches`
    keeps them). Keyed by the definitions' ids, which stay theirs while the entry holds them."""
    key = tuple(map(id, edefs))
    got = _DETECTORS.get(key)
    if got is None:
        got = _Detectors(edefs)
        if len(_DETECTORS) >= 256:  # (test runs load many rulebooks)
            _DETECTORS.clear()
        _DETECTORS[key] = got
    return got


@text_cache(maxsize=50_000)
def _unit_ok(text: str, detector: _Detector) -> tuple[int, int, str] | None:
    """The first detect match in `text` (start, end, matched text) when the unit counts: all_of
    met, no exclude. A regex that cannot match here (its filter bit clear) is not run (nor
    compiled: a one-off command compiles only the regexes its letter may need). Cached
    per (text, detector): an edited letter re-runs the regexes only on the changed sentences."""
    may = bits(detector.filter, text)
    for bit, pattern in detector.detect:
        if not may >> bit & 1:
            continue
        m = compiled(pattern).search(text)
        if m is None:
            continue
        if any(may >> b & 1 and compiled(p).search(text) for b, p in detector.exclude):
            return None
        if all(compiled(p).search(text) for p in detector.all_of):
            return m.start(), m.end(), m.group()
    return None


def _section_holds(doc: Document, start: int, end: int, edef: ElementDef) -> bool:
    """Whether the section under the heading at `start`..`end` has what `heading_requires` asks
    (always, when it asks nothing): a heading with nothing of the kind under it is no evidence."""
    if not edef.heading_requires:
        return True
    body = next((doc.text[end : s.end] for s in doc.sections if s.start == start), "")
    return any(p.search(body) for p in compiled_all(edef.heading_requires))


def detect(doc: Document, edef: ElementDef) -> Evidence | None:
    """Find the first evidence of one element in the document (heading, then text)."""
    return _detect(doc, edef, _detectors((edef,)).by_id[id(edef)], {})


def detect_all(
    doc: Document, elements: dict[str, ElementDef], ids: set[str] | None = None
) -> dict[str, Evidence | None]:
    """Detect every element (or only `ids`) in the document: one filter pass per unit serves
    every element of the set."""
    by_id = _detectors(tuple(elements.values())).by_id
    where: dict[str, tuple[int, ...]] = {}
    return {
        eid: _detect(doc, edef, by_id[id(edef)], where)
        for eid, edef in elements.items()
        if ids is None or eid in ids
    }


def _detect(
    doc: Document, edef: ElementDef, detector: _Detector, where: dict[str, tuple[int, ...]]
) -> Evidence | None:
    """`detect` with the element's detector; `where` keeps each scope's unit bits for the call."""
    headings = compiled_all(edef.headings)
    for h in doc.headings if headings else ():
        if any(p.search(h.title) for p in headings) and _section_holds(doc, h.start, h.end, edef):
            return Evidence(h.start, h.end, doc.text[h.start : h.end])
    if edef.scope == "document":
        if not detector.may_count(bits(detector.filter, doc.text)):
            return None
        m = _unit_ok(doc.text, detector)
        return Evidence(*m) if m else None
    units = doc.paragraphs if edef.scope == "paragraph" else doc.sentences
    may = where.get(edef.scope)
    if may is None:
        may = where[edef.scope] = tuple(bits(detector.filter, u.text) for u in units)
    detect_bits, all_of_bits = detector.detect_bits, detector.all_of_bits
    for u, unit_may in zip(units, may, strict=True):
        if not unit_may & detect_bits or unit_may & all_of_bits != all_of_bits:
            continue  # (`may_count`, written out: this runs for every unit and element)
        m = _unit_ok(u.text, detector)
        if m:
            if edef.scope == "paragraph":
                return Evidence(u.start + m[0], u.start + m[1], m[2])
            return Evidence(u.start, u.end, u.text)
    return None


def _months_offered(doc: Document) -> int | None:
    """The longest free monitoring period stated in a sentence about monitoring, in months
    (read only in the sentences holding one of `_MONITORING`'s literals)."""
    best: int | None = None
    where = literal_index(doc.text).units_with(_MONITORING.pattern, doc.sentences)
    for n, s in enumerate(doc.sentences):
        if (where is not None and n not in where) or not _MONITORING.search(s.text):
            continue
        for m in _MONTHS.finditer(s.text):
            if m.group(1):
                raw = m.group(1).lower()
                months = int(raw) if raw.isdigit() else _NUMBER_WORDS.get(raw.replace("  ", " "), 0)
            else:
                months = 12 * {"one": 1, "two": 2, "three": 3}[m.group(2).lower()]
            best = months if best is None else max(best, months)
    return best


def triggered(cond: Condition, ctx: CheckContext) -> bool:
    """True when the facts make a conditional element required (the same test the obligations use)."""
    if ctx.facts is None:
        return False
    from app.domain.jurisdictions import condition_met  # facts given: pydantic is loaded anyway

    return condition_met(cond, ctx.facts)


def _lc(label: str) -> str:
    """'Date of the breach' -> 'date of the breach', but 'FTC contact' stays."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def _missing_finding(
    rid: str, rule: LegalRule, eid: str, edef: ElementDef, extra: str = ""
) -> Finding:
    return Finding(
        rule=f"{rid}.{eid}",
        check=CHECK,
        severity=rule.level,
        message=f"{rule.name} requires: {_lc(edef.label)}{extra}. {edef.hint}",
        source=rule.title,
    )


def check_legal(rid: str, rule: LegalRule, ctx: CheckContext) -> list[Finding]:
    """Evaluate one jurisdiction's rule: findings returned, element results appended to ctx.elements."""
    if rule.jurisdiction not in ctx.jurisdictions or ctx.channel != "letter":
        return []  # a jurisdiction file states what the letter must say; other channels have their own files
    elements = ctx.rulebook.elements_for(ctx.language)
    if ctx.found is None:
        ctx.found = {}
    needed = rule.element_ids() - set(ctx.found)
    ctx.found.update(detect_all(ctx.doc, elements, needed))
    found = ctx.found
    results: list[ElementResult] = ctx.elements
    findings: list[Finding] = []

    def result(
        eid: str,
        requirement: str,
        ok: bool,
        ev: Evidence | None,
        conditional: bool = False,
        unverified: bool = False,
    ) -> None:
        # every value already has its field's type (str, bool, int or None): no validation needed
        results.append(
            ElementResult.model_construct(
                jurisdiction=rule.jurisdiction,
                element=eid,
                requirement=requirement,
                detected=ev is not None,
                ok=bool(ok),
                start=ev.start if ev else None,
                end=ev.end if ev else None,
                label=elements[eid].label,
                evidence=ev.text if ev else None,
                conditional=bool(conditional),
                citation=rule.title,
                unverified=bool(unverified or rule.is_unverified),
            )
        )

    for eid in rule.requires:
        ev = found[eid]
        result(eid, "required", ev is not None, ev)
        if ev is None:
            findings.append(_missing_finding(rid, rule, eid, elements[eid]))
    for eid in rule.prohibits:
        ev = found[eid]
        result(eid, "prohibited", ev is None, ev)
        if ev is not None:
            findings.append(
                Finding(
                    rule=f"{rid}.{eid}",
                    check=CHECK,
                    severity=rule.level,
                    start=ev.start,
                    end=ev.end,
                    message=f"{rule.name} forbids stating {_lc(elements[eid].label)} in the letter: remove this.",
                    source=rule.title,
                )
            )
    for eid in rule.recommended:
        if found[eid] is None:
            findings.append(
                Finding(
                    rule=f"{rid}.{eid}",
                    check=CHECK,
                    severity=Severity.suggestion,
                    message=f"Recommended for {rule.name}: {_lc(elements[eid].label)}. {elements[eid].hint}",
                    source=rule.title,
                )
            )
    if rule.conditions and ctx.facts is None:
        note = f"{rule.jurisdiction}: conditional elements ({', '.join(sorted({c.element for c in rule.conditions}))}) not evaluated: no incident facts given."
        ctx.notes.append(note)
    for cond in rule.conditions:
        if not triggered(cond, ctx) or cond.element in rule.requires:
            continue
        ev = found[cond.element]
        ok = ev is not None
        extra = ""
        if ok and cond.min_months:
            months = _months_offered(ctx.doc)
            if months is None or months < cond.min_months:
                ok = False
                extra = f" of at least {cond.min_months} months (the letter offers {months or 'no stated number of'} months)"
        elif cond.min_months:
            extra = f" of at least {cond.min_months} months"
        result(cond.element, "required", ok, ev, conditional=True, unverified=cond.unverified)
        if not ok:
            f = _missing_finding(rid, rule, cond.element, elements[cond.element], extra)
            if cond.note:
                f = f.model_copy(update={"message": f.message + f" ({cond.note})"})
            if cond.unverified:
                f = f.model_copy(update={"severity": Severity.warning})
            findings.append(f)
    return findings
