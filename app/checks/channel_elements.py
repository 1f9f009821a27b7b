"""Channel elements (kind `channel_elements`): what one artifact kind must and must not say.

Why: an e-mail, a website posting, a call-centre FAQ, a regulator notice and a press statement
each answer to their own list (the e-mail warns about phishing and links to the full notice;
the press statement carries nobody's personal data; the Massachusetts Attorney General's notice
states the number of residents the Massachusetts letter may not). Detection is the legal
check's own (headings, then sentences, with the detectors of the text's language), and the
element results join the report's `elements` with `jurisdiction` set to the channel (or
`channel:JURISDICTION` for a regulator's notice), so the checklist shows them the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.checks.base import ElementResult, Finding, Severity
from app.checks.context import CheckContext
from app.checks.legal import detect_all

if TYPE_CHECKING:
    from app.rulebook.channel_schema import ChannelElements

CHECK = "channel"


def _lc(label: str) -> str:
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def check_channel(rid: str, rule: ChannelElements, ctx: CheckContext) -> list[Finding]:
    """Evaluate one channel file against the artifact; element results go to ctx.elements."""
    if rule.channel != ctx.channel or (
        rule.jurisdictions and not set(rule.jurisdictions) & set(ctx.jurisdictions)
    ):
        return []
    elements = ctx.rulebook.elements_for(ctx.language)
    if ctx.found is None:
        ctx.found = {}
    needed = rule.element_ids() - set(ctx.found)
    ctx.found.update(detect_all(ctx.doc, elements, needed))
    found = ctx.found
    scope = rule.channel + (":" + "+".join(rule.jurisdictions) if rule.jurisdictions else "")
    findings: list[Finding] = []
    for eid, requirement in [(e, "required") for e in rule.requires] + [
        (e, "prohibited") for e in rule.prohibits
    ]:
        ev = found[eid]
        ok = (ev is not None) == (requirement == "required")
        ctx.elements.append(
            ElementResult.model_construct(
                jurisdiction=scope,
                element=eid,
                requirement=requirement,
                detected=ev is not None,
                ok=ok,
                start=ev.start if ev else None,
                end=ev.end if ev else None,
                label=elements[eid].label,
                evidence=ev.text if ev else None,
                conditional=False,
                citation=rule.source or rule.name,
                unverified=False,
            )
        )
        if ok:
            continue
        label = _lc(elements[eid].label)
        if requirement == "required":
            message = f"{rule.name} requires: {label}. {elements[eid].hint}"
            start = end = None
        else:
            message = f"{rule.name} must not state {label}: remove this."
            start, end = ev.start, ev.end  # type: ignore[union-attr]
        findings.append(
            Finding(
                rule=f"{rid}.{eid}",
                check=CHECK,
                severity=rule.level,
                start=start,
                end=end,
                message=message,
                source=rule.source or None,
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
                    source=rule.source or None,
                )
            )
    return findings
