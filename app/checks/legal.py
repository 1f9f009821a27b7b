"""Legal elements: is each element a jurisdiction requires (or forbids) in the letter, and where.

Detection reads the letter the way counsel does and must hold up on free wording:

1. **Headings first.** A section heading that matches an element's `headings` regexes marks the
   element ("What Happened" → what_happened), wherever the letter came from.
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

import itertools
import re
from dataclasses import dataclass, field

from app.checks.base import ElementResult, Finding, Severity
from app.checks.context import CheckContext
from app.checks.patterns import compiled_all
from app.checks.prefilter import Literals, folded, may_match, required_sets, units_with
from app.checks.text import Document, Unit
from app.rulebook.legal_schema import Condition, LegalRule
from app.rulebook.schema import ElementDef

CHECK = "legal"

_NUMBER_WORDS = {
    "six": 6, "twelve": 12, "eighteen": 18, "twenty-four": 24, "twenty four": 24, "thirty-six": 36,
    "one year": 12, "two years": 24, "three years": 36, "one-year": 12, "two-year": 24, "three-year": 36,
}
_MONTHS = re.compile(
    r"\b(\d{1,3}|six|twelve|eighteen|twenty[- ]four|thirty-six)\)?[- ](?:\(\d+\)[- ])?months?\b|\b(one|two|three)[- ]years?\b",
    re.IGNORECASE,
)
_MONITORING = re.compile(r"\b(?:monitoring|identity (?:theft )?protection|identity restoration|membership)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Evidence:
    """Where an element was found."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class _Compiled:
    detect: tuple[re.Pattern[str], ...]
    exclude: tuple[re.Pattern[str], ...]
    all_of: tuple[re.Pattern[str], ...]
    headings: tuple[re.Pattern[str], ...]
    literals: tuple[tuple[Literals, ...], ...]  # per detect regex: literal sets each of which every match meets
    needs: tuple[Literals, ...]  # literal sets every counting unit meets (from the all_of regexes)
    serial: int = field(default_factory=lambda: next(_SERIALS))  # never reused: keys the per-unit cache


_SERIALS = itertools.count()
_COMPILED: dict[int, tuple[ElementDef, _Compiled]] = {}


def _compiled(edef: ElementDef) -> _Compiled:
    """The element's regexes, compiled once per element definition (kept alive with it)."""
    hit = _COMPILED.get(id(edef))
    if hit is not None and hit[0] is edef:
        return hit[1]
    c = _Compiled(compiled_all(edef.detect), compiled_all(edef.exclude), compiled_all(edef.all_of),
                  compiled_all(edef.headings), tuple(required_sets(p) for p in edef.detect),
                  tuple(sets[0] for sets in map(required_sets, edef.all_of) if sets))
    _COMPILED[id(edef)] = (edef, c)
    return c


_UNIT_CACHE: dict[tuple[int, str], re.Match[str] | None] = {}
"""(element regexes, unit text) -> `_unit_ok` result: an edited letter re-runs the element
regexes only on the sentences that changed. Cleared by `engine.clear_caches` (and when large)."""
_UNIT_CACHE_MAX = 50_000


def _unit_ok_cached(text: str, c: _Compiled, active: tuple[bool, ...] | None) -> re.Match[str] | None:
    """`_unit_ok` remembered per unit text. `active` only skips regexes known not to match this
    very text, so the result does not depend on it and the text alone is the key."""
    key = (c.serial, text)
    if key in _UNIT_CACHE:
        return _UNIT_CACHE[key]
    m = _unit_ok(text, c, active)
    if len(_UNIT_CACHE) >= _UNIT_CACHE_MAX:
        _UNIT_CACHE.clear()
    _UNIT_CACHE[key] = m
    return m


def _unit_ok(text: str, c: _Compiled, active: tuple[bool, ...] | None = None) -> re.Match[str] | None:
    """The first detect match in `text` when the unit counts (all_of met, no exclude); detect
    regexes whose `active` flag is False are known not to match `text` and are skipped."""
    for i, pattern in enumerate(c.detect):
        if active is not None and not active[i]:
            continue
        m = pattern.search(text)
        if m is None:
            continue
        if any(p.search(text) for p in c.exclude):
            return None
        if all(p.search(text) for p in c.all_of):
            return m
    return None


def _candidates(doc: Document, c: _Compiled, kind: str) -> list[tuple[int, tuple[bool, ...] | None]] | None:
    """Units (by index, in text order) where some detect regex may match, with the regexes that may.

    A regex can only match a unit that contains a literal of each of its required literal sets
    (app/checks/prefilter.py), and a unit only counts when every `all_of` regex matches it too;
    other units are skipped and the regex is never run there. The regexes themselves still run
    on each candidate unit exactly as before, so the result is the same as trying every unit.
    None: no prefilter possible, try every unit.
    """
    low = doc.folded()
    if low is None:
        return None
    starts, ends = doc.bounds(kind)

    def units(lits: Literals) -> set[int]:
        key = ("units", kind, lits)
        found = doc._cache.get(key)
        if found is None:
            found = doc._cache[key] = units_with(lits, low, starts, ends)  # type: ignore[arg-type]
        return found  # type: ignore[no-any-return]

    allowed: set[int] | None = None
    for lits in c.needs:
        allowed = units(lits) if allowed is None else allowed & units(lits)
    n = len(c.literals)
    per: list[set[int] | None] = []
    for sets in c.literals:
        if not sets:
            per.append(allowed)  # no literal: may match any (allowed) unit
            continue
        found = units(sets[0])
        for more in sets[1:]:
            found = found & units(more)
        per.append(found if allowed is None else found & allowed)
    if any(p is None for p in per):
        everywhere = tuple(p is None for p in per)
        hits = {k: list(everywhere) for k in range(len(starts))}
    else:
        hits = {}
    for i, found in enumerate(per):
        if found is None:
            continue
        for k in found:
            flags = hits.get(k)
            if flags is None:
                flags = hits[k] = [False] * n
            flags[i] = True
    return [(k, tuple(hits[k])) for k in sorted(hits)]


def detect(doc: Document, edef: ElementDef) -> Evidence | None:
    """Find the first evidence of one element in the document (heading, then text)."""
    c = _compiled(edef)
    if c.headings:
        for h in doc.headings:
            if any(p.search(h.title) for p in c.headings):
                return Evidence(h.start, h.end, doc.text[h.start:h.end])
    if edef.scope == "document":
        low = doc.folded()
        active = tuple(all(may_match(lits, low) for lits in sets) for sets in c.literals)
        if not all(may_match(lits, low) for lits in c.needs):
            active = tuple(False for _ in active)
        m = _unit_ok(doc.text, c, active) if any(active) else None
        return Evidence(m.start(), m.end(), m.group()) if m else None
    kind = "paragraph" if edef.scope == "paragraph" else "sentence"
    units = doc.paragraphs if kind == "paragraph" else doc.sentences

    def evidence(u: Unit, m: re.Match[str]) -> Evidence:
        if kind == "paragraph":
            return Evidence(u.start + m.start(), u.start + m.end(), m.group())
        return Evidence(u.start, u.end, u.text)

    # Re-check of an edited letter: walk the units in order on the per-unit cache, testing the
    # few changed units on their own; many unknown units (a new letter): the whole-text path.
    # Both paths return the first unit (in text order) that counts, so which one runs only
    # decides the cost; the unknown units are counted first, so a new letter goes straight
    # to the whole-text path.
    serial = c.serial
    if _few_misses(serial, units):
        for u in units:
            key = (serial, u.text)
            m = _UNIT_CACHE[key] if key in _UNIT_CACHE else _unit_ok_cached(u.text, c, _active_in(u.text, c))
            if m:
                return evidence(u, m)
        return None

    candidates = _candidates(doc, c, kind)
    todo = candidates if candidates is not None else [(k, None) for k in range(len(units))]
    tried = 0
    for k, active in todo:
        if k > tried:  # units between candidates cannot match: remember that too
            _remember_none(c, units, tried, k)
        tried = k + 1
        u = units[k]
        m = _unit_ok_cached(u.text, c, active)
        if m:
            return evidence(u, m)
    if len(units) > tried:
        _remember_none(c, units, tried, len(units))
    return None


def _remember_none(c: _Compiled, units: list[Unit], lo: int, hi: int) -> None:
    """Remember that units[lo:hi] do not count (a unit already cached can only hold None too:
    it cannot match)."""
    if len(_UNIT_CACHE) + hi - lo >= _UNIT_CACHE_MAX:
        _UNIT_CACHE.clear()
    serial = c.serial
    _UNIT_CACHE.update(dict.fromkeys([(serial, units[j].text) for j in range(lo, hi)]))


_WALK_MISSES = 3
"""Units not in the per-unit cache that `detect` tests one by one before using the whole-text path."""


def _few_misses(serial: int, units: list[Unit]) -> bool:
    """True when at most `_WALK_MISSES` units up to the first cached unit that counts are not in
    the per-unit cache. Units after a unit that counts are never looked at (the walk returns
    there), so on an edited letter the units past the evidence, never tested, do not count."""
    misses = 0
    cache = _UNIT_CACHE
    for u in units:
        key = (serial, u.text)
        if key in cache:
            if cache[key] is not None:
                return True
        else:
            misses += 1
            if misses > _WALK_MISSES:
                return False
    return True


def _active_in(text: str, c: _Compiled) -> tuple[bool, ...] | None:
    """Which detect regexes may match this one unit (its own literal test); None: try them all."""
    low = folded(text)
    if low is None:
        return None
    if not all(may_match(lits, low, False) for lits in c.needs):
        return tuple(False for _ in c.literals)
    return tuple(all(may_match(lits, low, False) for lits in sets) for sets in c.literals)


def detect_all(doc: Document, elements: dict[str, ElementDef], ids: set[str] | None = None) -> dict[str, Evidence | None]:
    """Detect every element (or only `ids`) in the document."""
    return {eid: detect(doc, edef) for eid, edef in elements.items() if ids is None or eid in ids}


def _months_offered(doc: Document) -> int | None:
    """The longest free monitoring period stated in a sentence about monitoring, in months
    (once per document: every jurisdiction with a months condition asks)."""
    if "months_offered" in doc._cache:
        return doc._cache["months_offered"]  # type: ignore[no-any-return]
    best: int | None = None
    for s in doc.sentences:
        if not _MONITORING.search(s.text):
            continue
        for m in _MONTHS.finditer(s.text):
            if m.group(1):
                raw = m.group(1).lower()
                months = int(raw) if raw.isdigit() else _NUMBER_WORDS.get(raw.replace("  ", " "), 0)
            else:
                months = 12 * {"one": 1, "two": 2, "three": 3}[m.group(2).lower()]
            best = months if best is None else max(best, months)
    doc._cache["months_offered"] = best
    return best


def triggered(cond: Condition, ctx: CheckContext) -> bool:
    """True when the facts make a conditional element required."""
    facts = ctx.facts
    if facts is None:
        return False
    if cond.when_data_types and any(t in facts.data_types for t in cond.when_data_types):
        return True
    if cond.when_entity_types and any(t in facts.organisation.entity_types for t in cond.when_entity_types):
        return True
    if cond.when_offered and facts.services.credit_monitoring is not None:
        return True
    if cond.when_known:
        value: object = facts
        for part in cond.when_known.split("."):
            value = getattr(value, part, None)
            if value is None:
                return False
        return bool(value)
    return False


def _lc(label: str) -> str:
    """'Date of the breach' -> 'date of the breach', but 'FTC contact' stays."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def _missing_finding(rid: str, rule: LegalRule, eid: str, edef: ElementDef, extra: str = "") -> Finding:
    return Finding(
        rule=f"{rid}.{eid}", check=CHECK, severity=rule.level,
        message=f"{rule.name} requires: {_lc(edef.label)}{extra}. {edef.hint}",
        source=rule.title,
    )


def check_legal(rid: str, rule: LegalRule, ctx: CheckContext) -> list[Finding]:
    """Evaluate one jurisdiction's rule: findings returned, element results appended to ctx.elements."""
    if rule.jurisdiction not in ctx.jurisdictions:
        return []
    elements = ctx.rulebook.elements
    if ctx.found is None:
        ctx.found = {}
    needed = rule.element_ids() - set(ctx.found)
    ctx.found.update(detect_all(ctx.doc, elements, needed))
    found = ctx.found
    results: list[ElementResult] = ctx.elements
    findings: list[Finding] = []

    def result(eid: str, requirement: str, ok: bool, ev: Evidence | None, conditional: bool = False, unverified: bool = False) -> None:
        # every value already has its field's type (str, bool, int or None): no validation needed
        results.append(ElementResult.model_construct(
            jurisdiction=rule.jurisdiction, element=eid, requirement=requirement,
            detected=ev is not None, ok=bool(ok), start=ev.start if ev else None, end=ev.end if ev else None,
            label=elements[eid].label, evidence=ev.text if ev else None, conditional=bool(conditional),
            citation=rule.title, unverified=bool(unverified or rule.is_unverified),
        ))

    for eid in rule.requires:
        ev = found[eid]
        result(eid, "required", ev is not None, ev)
        if ev is None:
            findings.append(_missing_finding(rid, rule, eid, elements[eid]))
    for eid in rule.prohibits:
        ev = found[eid]
        result(eid, "prohibited", ev is None, ev)
        if ev is not None:
            findings.append(Finding(
                rule=f"{rid}.{eid}", check=CHECK, severity=rule.level, start=ev.start, end=ev.end,
                message=f"{rule.name} forbids stating {_lc(elements[eid].label)} in the letter: remove this.",
                source=rule.title,
            ))
    for eid in rule.recommended:
        if found[eid] is None:
            findings.append(Finding(
                rule=f"{rid}.{eid}", check=CHECK, severity=Severity.suggestion,
                message=f"Recommended for {rule.name}: {_lc(elements[eid].label)}. {elements[eid].hint}", source=rule.title,
            ))
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
