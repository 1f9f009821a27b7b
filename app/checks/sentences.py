"""Sentence patterns (kind `sentence_pattern`): a phrase flagged only when its sentence says so.

Why: whether "may have been accessed" hedges depends on the sentence around it (an `if`
clause, advice, a same-sentence warning), and "no indication ... misused" may come in any word
order. Each pattern runs inside one sentence of the segmented letter (line breaks read as
spaces, offsets unchanged); a match counts when the sentence meets the rule's conditions
(app/rulebook/sentence_schema.py). A match is a finding on the matched words, with the
pattern's rewrite (groups expanded, first letter in the match's case) as `suggestion`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from app.checks.base import Finding
from app.checks.context import CheckContext
from app.checks.literal_index import literal_index
from app.checks.patterns import compiled, compiled_all, union_of
from app.checks.substitution import _match_case
from app.checks.text import Document, Unit

if TYPE_CHECKING:
    from app.rulebook.sentence_schema import SentencePattern

CHECK = "sentence_pattern"


def _words(s: str) -> str:
    return " ".join(s.split())


def _sentence_ok(rule: SentencePattern, flat: str, sent: Unit) -> bool:
    """The sentence holds every `sentence_requires` pattern and no `sentence_excludes` one."""
    requires = compiled_all(rule.sentence_requires, rule.ignorecase)
    excludes = compiled_all(rule.sentence_excludes, rule.ignorecase)
    return all(p.search(flat, sent.start, sent.end) for p in requires) and not any(
        p.search(flat, sent.start, sent.end) for p in excludes
    )


def _context_ok(rule: SentencePattern, flat: str, sent: Unit, start: int, end: int) -> bool:
    """The words just before / after the match are not an excluded frame."""
    if rule.not_preceded_by:
        before = _words(flat[sent.start : start])
        if any(p.search(before) for p in compiled_all(rule.not_preceded_by, rule.ignorecase)):
            return False
    if rule.not_followed_by:
        after = _words(flat[end : sent.end])
        if any(p.search(after) for p in compiled_all(rule.not_followed_by, rule.ignorecase)):
            return False
    return True


def sentence_matches(rule: SentencePattern, doc: Document) -> list[tuple[int, int, int]]:
    """(start, end, pattern index) of every counted match, in text order, overlaps dropped."""
    pats = [p.match for p in rule.patterns]
    flat = doc.flat
    occurring = literal_index(doc.text)  # (line breaks read as spaces, as in `flat`)
    keep = occurring.present(pats)  # patterns whose required literals are absent cannot match
    if not keep:
        return []
    joined = union_of(pats, keep, rule.ignorecase, named=True)
    # a match lies inside its sentence, so a sentence holding none of a pattern's literals
    # cannot give that pattern a match: only the others are tried there
    sentences = doc.sentences
    where = {i: occurring.units_with(pats[i], sentences) for i in keep}  # None: any sentence
    if any(w is None for w in where.values()):
        candidates: list[int] | range = range(len(sentences))
    else:
        candidates = sorted(set().union(*where.values()))  # type: ignore[arg-type]
    out: list[tuple[int, int, int]] = []
    for n in candidates:
        sent = sentences[n]
        if joined is not None:
            passes: list[tuple[re.Pattern[str], int | None]] = [(joined, None)]
        else:
            live = [i for i in keep if where[i] is None or n in where[i]]  # type: ignore[operator]
            if not live:
                continue
            passes = [(compiled(pats[i], rule.ignorecase), i) for i in live]
        verdict: bool | None = None  # sentence conditions, evaluated at the first match only
        for pattern, index in passes:
            for m in pattern.finditer(flat, sent.start, sent.end):
                if m.end() == m.start() or any(s < m.end() and m.start() < e for s, e, _ in out):
                    continue
                if verdict is None:
                    verdict = _sentence_ok(rule, flat, sent)
                if not verdict:
                    break
                if _context_ok(rule, flat, sent, m.start(), m.end()):
                    i = index if index is not None else int(m.lastgroup[1:])  # type: ignore[index]
                    out.append((m.start(), m.end(), i))
            if verdict is False:
                break
    out.sort()
    return out


def _rewrite(
    rule: SentencePattern, i: int, flat: str, text: str, start: int, end: int
) -> str | None:
    entry = rule.patterns[i]
    if entry.rewrite is None:  # type: ignore[union-attr]
        return None
    m: re.Match[str] | None = compiled(entry.match, rule.ignorecase).match(flat, start, end)  # type: ignore[union-attr]
    fixed = m.expand(entry.rewrite) if m is not None else entry.rewrite  # type: ignore[union-attr]
    found = text[start:end]
    if len(found.split()) > 1 and found.istitle():  # a title ("Notice of Data Security Incident")
        return fixed.title()
    return _match_case(found, fixed)


def check_sentence_pattern(rid: str, rule: SentencePattern, ctx: CheckContext) -> list[Finding]:
    """One finding per counted match, carrying the pattern's rewrite when it has one."""
    doc = ctx.doc
    flat = doc.flat
    findings = []
    for start, end, i in sentence_matches(rule, doc):
        matched = doc.text[start:end]
        suggestion = _rewrite(rule, i, flat, doc.text, start, end)
        findings.append(
            Finding(
                rule=rid,
                check=CHECK,
                severity=rule.level,
                start=start,
                end=end,
                suggestion=suggestion,
                source=rule.source or None,
                message=rule.message.format(match=matched, suggestion=suggestion or ""),
            )
        )
    return findings
