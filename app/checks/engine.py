"""run_checks: read one letter against the rulebook and return the one Report.

Order of work: refuse over-long text (TooLarge, 413 / exit 2) and unknown jurisdictions or
tones (InvalidInput); segment the text once; run every applicable rule through the registry
(legal rules only for the selected jurisdictions; `tones` filters use the given tone, or
`plain` — the strictest, DESIGN.md's target — when none is given); compare the text with the
facts; run grammar through the GrammarChecker interface; then give every finding a stable id
(hash of rule + span + matched text), drop duplicates and sort by `Finding.sort_key`.
"""

from __future__ import annotations

import hashlib
import re
import weakref
from typing import TYPE_CHECKING, Any

from app.checks import caching
from app.checks.base import GRAMMAR_SKIPPED, Finding, GrammarStatus, Report, Severity
from app.checks.context import CheckContext
from app.checks.empathy import summarise
from app.checks.facts_consistency import check_facts
from app.checks.readability import document_metrics
from app.checks.registry import CheckFn, check_for
from app.checks.text import segment
from app.core.errors import InvalidInput, TooLarge
from app.rulebook.basics import applies

if TYPE_CHECKING:
    from app.checks.grammar import GrammarChecker
    from app.core.config import Settings
    from app.domain.facts import IncidentFacts
    from app.rulebook.loader import Rulebook

DEFAULT_TONE = "plain"


def finding_id(f: Finding, text: str) -> str:
    """Stable id of a finding on a text: rule + span + matched text."""
    matched = text[f.start : f.end] if f.start is not None and f.end is not None else ""
    raw = f"{f.rule}\0{f.start}\0{f.end}\0{matched}".encode()
    return hashlib.sha1(raw, usedforsecurity=False).hexdigest()[:16]


def check_size(text: str, settings: Settings | None) -> None:
    """Refuse text over settings.MAX_TEXT_CHARS with a message that says the limit."""
    limit = settings.MAX_TEXT_CHARS if settings is not None else 100_000
    if len(text) > limit:
        raise TooLarge(
            f"Text is {len(text):,} characters; the limit is {limit:,} (CANDOR_MAX_TEXT_CHARS). Check a shorter text.",
            details={"characters": len(text), "limit": limit},
        )


def _validate_selection(
    rulebook: Rulebook, jurisdictions: tuple[str, ...], tone: str | None
) -> None:
    unknown = [j for j in jurisdictions if j not in rulebook.jurisdictions]
    if unknown:
        raise InvalidInput(
            f"Unknown jurisdiction {', '.join(unknown)}; known: {', '.join(sorted(rulebook.jurisdictions))}.",
            details=[{"field": "jurisdictions", "message": f"unknown code {u}"} for u in unknown],
        )
    from app.domain.tones import TONES

    if tone is not None and tone not in TONES:
        raise InvalidInput(
            f"Unknown tone {tone!r}; use one of {', '.join(TONES)}.",
            details=[{"field": "tone", "message": f"use one of {', '.join(TONES)}"}],
        )


def _validate_artifact(channel: str, language: str) -> None:
    from app.domain.channels import validate_artifact

    validate_artifact(channel, language)


def _no_grammar_for(language: str) -> Any:
    """The grammar engines configured here (Harper, LanguageTool en-US) read English only: say so."""
    from app.checks.grammar import NullGrammarChecker

    return NullGrammarChecker.skipped(
        f"no grammar engine for language {language!r} is configured; grammar was not checked"
    )


def _grammar(text: str, grammar: Any, ctx: CheckContext) -> tuple[list[Finding], GrammarStatus]:
    """Run the grammar checker, then drop what no engine may flag (app/checks/protected.py):
    anything inside a URL, address, phone number, code or `[[…]]` marker, and the letter's own
    names (from the facts and the rulebook's agency directory)."""
    if grammar is False or grammar is None:  # (what NullGrammarChecker.skipped() reports)
        return [], GrammarStatus(status="skipped", detail=GRAMMAR_SKIPPED)
    from app.checks.grammar import NullGrammarChecker, grammar_checker_from_settings

    checker: GrammarChecker
    if grammar is True:
        checker = (
            grammar_checker_from_settings(ctx.settings)
            if ctx.settings is not None
            else NullGrammarChecker()
        )
    else:
        checker = grammar
    findings, status = checker.check(text)
    if not findings:
        return [], status
    from app.checks.protected import is_protected, letter_dictionary, protected_spans

    spans = protected_spans(text)
    agencies = [a.name for a in ctx.rulebook.agencies.values()] + [
        r.agency.name for r in ctx.rulebook.jurisdictions.values() if getattr(r, "agency", None)
    ]
    words = letter_dictionary(ctx.facts, agencies)
    kept = []
    for f in findings:
        if f.start is not None and f.end is not None:
            if is_protected(f.start, f.end, spans):
                continue
            flagged = _WORDS.findall(text[f.start : f.end])
            if flagged and all(w.lower() in words for w in flagged):
                continue
        kept.append(f)
    return kept, status


_WORDS = re.compile(r"[A-Za-z][A-Za-z'’]*")


def run_rule(rid: str, rule: Any, ctx: CheckContext) -> list[Finding]:
    """Run one rule through its kind's check function."""
    return check_for(rule.kind)(rid, rule, ctx)


Plan = tuple[tuple[str, Any, CheckFn], ...]
_PLANS: dict[int, tuple[weakref.ref[Rulebook], dict[tuple[Any, ...], Plan]]] = {}


def _plan(
    rulebook: Rulebook, tone: str, jurisdictions: tuple[str, ...], channel: str, language: str
) -> Plan:
    """The rules a check run applies, in id order, each with its check function: worked out once
    per rulebook and selection (the filters depend on the rules only), not once per check.
    Legal rules always run: `check_legal` reads the selection itself."""
    key = (tone, jurisdictions, channel, language)
    held = _PLANS.get(id(rulebook))
    if held is None or held[0]() is not rulebook:  # (an id can be reused once a rulebook is gone)
        if len(_PLANS) > 16:
            _PLANS.clear()
        held = _PLANS[id(rulebook)] = (weakref.ref(rulebook), {})
    plans = held[1]
    plan = plans.get(key)
    if plan is None:
        selected = list(jurisdictions)
        plan = tuple(
            (rid, rule, check_for(rule.kind))
            for rid, rule in sorted(rulebook.rules.items())
            if rule.kind == "legal_elements"
            or applies(rule, tone=tone, jurisdictions=selected, channel=channel, language=language)
        )
        if len(plans) > 64:
            plans.clear()
        plans[key] = plan
    return plan


def clear_caches() -> None:
    """Forget everything cached per text: the next check of any text costs what a first check
    does (app/checks/caching.py). Compiled rule regexes are kept (they depend on the rules)."""
    caching.clear()


def finalise(findings: list[Finding], text: str) -> list[Finding]:
    """Give findings stable ids, drop exact duplicates, sort by position then severity."""
    out: dict[str, Finding] = {}
    for f in findings:
        fid = finding_id(f, text)
        if fid not in out:
            out[fid] = f.model_copy(update={"id": fid})
    return sorted(out.values(), key=Finding.sort_key)


def run_checks(
    text: str,
    *,
    rulebook: Rulebook,
    settings: Settings | None,
    facts: IncidentFacts | None = None,
    jurisdictions: tuple[str, ...] | list[str] = (),
    tone: str | None = None,
    grammar: bool | GrammarChecker = True,
    channel: str = "letter",
    language: str = "en",
) -> Report:
    """Check `text` for readability, empathy, legal elements, facts and grammar; return the Report.

    `channel` picks the artifact's own required/forbidden elements (`kind: channel_elements`;
    jurisdiction files judge letters only) and `language` the rules, element detectors and
    readability formulas written for that language (app/domain/channels.py)."""
    check_size(text, settings)
    jurisdictions = tuple(dict.fromkeys(jurisdictions))
    _validate_selection(rulebook, jurisdictions, tone)
    _validate_artifact(channel, language)
    ctx = CheckContext(
        doc=segment(text),
        rulebook=rulebook,
        settings=settings,
        facts=facts,
        jurisdictions=jurisdictions,
        tone=tone,
        channel=channel,
        language=language,
    )
    effective_tone = tone or DEFAULT_TONE
    findings: list[Finding] = []
    for rid, rule, check in _plan(rulebook, effective_tone, jurisdictions, channel, language):
        findings.extend(check(rid, rule, ctx))
    if text.strip():
        document_metrics(ctx)
    else:
        ctx.notes.append("The text is empty: nothing to measure.")
    findings.extend(check_facts(ctx))
    if language != "en" and grammar is not False and grammar is not None:
        grammar = _no_grammar_for(language)
    g_findings, g_status = _grammar(text, grammar, ctx)
    findings.extend(g_findings)
    findings = finalise(findings, text)
    if facts is None:
        ctx.notes.append(
            "No incident facts given: dates, numbers and contacts were not compared with the record."
        )
    counts = {s.value: sum(1 for f in findings if f.severity is s) for s in Severity}
    return Report(
        findings=findings,
        elements=ctx.elements,
        empathy=summarise(ctx.empathy),
        readability=ctx.readability,
        grammar=g_status,
        rulebook=rulebook.hash,
        notes=ctx.notes,
        stats={
            **counts,
            "characters": len(text),
            "words": ctx.doc.words,
            "sentences": len(ctx.doc.prose_sentences()),
            "tone": effective_tone,
            "jurisdictions": list(jurisdictions),
            "channel": channel,
            "language": language,
        },
    )
