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
from typing import TYPE_CHECKING, NamedTuple

from app.checks.base import Finding
from app.checks.caching import text_cache
from app.checks.context import CheckContext
from app.checks.literal_index import literal_index
from app.checks.patterns import compiled, compiled_all, union_of
from app.checks.substitution import _match_case
from app.checks.text import Document

if TYPE_CHECKING:
    from app.rulebook.sentence_schema import SentencePattern

CHECK = "sentence_pattern"


def _words(s: str) -> str:
    return " ".join(s.split())


class Spec(NamedTuple):
    """What decides a rule's matches in one sentence: its patterns (those tried: `keep`, joined
    into one alternation or not), conditions and case. Hashable: a cache key."""

    patterns: tuple[str, ...]
    keep: tuple[int, ...]
    joined: bool
    ignorecase: bool
    requires: tuple[str, ...]
    excludes: tuple[str, ...]
    preceded: tuple[str, ...]
    followed: tuple[str, ...]


def _in_sentence(spec: Spec, text: str, lo: int, hi: int) -> list[tuple[int, int, int]]:
    """(start, end, pattern index) of the counted matches in `text[lo:hi]` (one sentence, line
    breaks read as spaces), overlaps dropped; offsets into `text`."""
    case = spec.ignorecase
    if spec.joined:
        passes: list[tuple[re.Pattern[str], int | None]] = [
            (union_of(spec.patterns, spec.keep, case, named=True), None)  # type: ignore[list-item]
        ]
    else:
        passes = [(compiled(spec.patterns[i], case), i) for i in spec.keep]
    out: list[tuple[int, int, int]] = []
    verdict: bool | None = None  # sentence conditions, evaluated at the first match only
    for pattern, index in passes:
        for m in pattern.finditer(text, lo, hi):
            if m.end() == m.start() or any(s < m.end() and m.start() < e for s, e, _ in out):
                continue
            if verdict is None:
                # the sentence holds every `sentence_requires` pattern and no `sentence_excludes` one
                verdict = all(p.search(text, lo, hi) for p in compiled_all(spec.requires, case))
                verdict = verdict and not any(
                    p.search(text, lo, hi) for p in compiled_all(spec.excludes, case)
                )
            if not verdict:
                return []
            if _context_ok(spec, text, lo, hi, m.start(), m.end()):
                i = index if index is not None else int(m.lastgroup[1:])  # type: ignore[index]
                out.append((m.start(), m.end(), i))
    return out


def _context_ok(spec: Spec, text: str, lo: int, hi: int, start: int, end: int) -> bool:
    """The words just before / after the match (in its sentence) are not an excluded frame."""
    case = spec.ignorecase
    if spec.preceded:
        before = _words(text[lo:start])
        if any(p.search(before) for p in compiled_all(spec.preceded, case)):
            return False
    if spec.followed:
        after = _words(text[end:hi])
        if any(p.search(after) for p in compiled_all(spec.followed, case)):
            return False
    return True


@text_cache(maxsize=20_000)
def _cached(spec: Spec, before: str, sentence: str) -> tuple[tuple[int, int, int], ...]:
    """`_in_sentence` of one sentence, offsets into the sentence, cached per sentence text and the
    character before it (all that a pattern without a look-behind sees outside the sentence, at a
    word boundary; `before` is empty at the start of the letter, where `^` matches)."""
    lo = len(before)
    return tuple(
        (s - lo, e - lo, i)
        for s, e, i in _in_sentence(spec, before + sentence, lo, len(before + sentence))
    )


def sentence_matches(rule: SentencePattern, doc: Document) -> list[tuple[int, int, int]]:
    """(start, end, pattern index) of every counted match, in text order, overlaps dropped.

    A sentence's matches depend only on its text and the character before it (a match lies
    inside its sentence, and sentences never overlap), so they are cached per sentence text: an
    edited letter re-reads only its changed sentences. A rule with a look-behind, which may see
    further back, is read in the letter itself every time."""
    pats = tuple(p.match for p in rule.patterns)
    flat = doc.flat
    occurring = literal_index(doc.text)  # (line breaks read as spaces, as in `flat`)
    keep = occurring.present(pats)  # patterns whose required literals are absent cannot match
    if not keep:
        return []
    spec = Spec(
        pats,
        keep,
        union_of(pats, keep, rule.ignorecase, named=True) is not None,
        rule.ignorecase,
        tuple(rule.sentence_requires),
        tuple(rule.sentence_excludes),
        tuple(rule.not_preceded_by),
        tuple(rule.not_followed_by),
    )
    looks_behind = any("(?<" in p for p in (*pats, *spec.requires, *spec.excludes))
    # a match lies inside its sentence, so a sentence holding none of a pattern's literals
    # cannot give that pattern a match: only the others are tried there
    sentences = doc.sentences
    where = [occurring.units_with(pats[i], sentences) for i in keep]  # None: any sentence
    if any(w is None for w in where):
        candidates: list[int] | range = range(len(sentences))
    else:
        candidates = sorted(set().union(*where))  # type: ignore[arg-type]
    out: list[tuple[int, int, int]] = []
    for n in candidates:
        sent = sentences[n]
        if looks_behind:
            out.extend(_in_sentence(spec, flat, sent.start, sent.end))
            continue
        before = flat[sent.start - 1] if sent.start else ""
        at = sent.start
        out.extend((at + s, at + e, i) for s, e, i in _cached(spec, before, flat[at : sent.end]))
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
