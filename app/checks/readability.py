"""Readability (kind `readability`): Flesch–Kincaid grade, Flesch Reading Ease, words per sentence.

Why: most real breach letters are written at grade 10+ and 97% rate "difficult" (Zou et al.,
2019); a reader who cannot follow the letter cannot act on it. A document score alone does not
say what to fix, so rules can judge the document, each section, or each sentence, and a
sentence finding points at the hard sentence and says why (its length and its long words).

How: syllables are counted by `app/checks/syllables.py` (the CMU dictionary, else Pyphen — the
method of textstat, the project's readability reference), one sentence at a time and cached per
sentence text, so an edited letter only re-counts the changed sentences. Section and document
metrics are computed from the summed counts with the standard Flesch formulas (the constants
textstat uses), so a sentence, a section and the document are measured consistently.
Headings, address lines and signature lines are not prose and are not measured.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from app.checks import syllables, syllables_es
from app.checks.base import Finding
from app.checks.caching import text_cache
from app.checks.context import CheckContext
from app.checks.literal_index import literal_index

if TYPE_CHECKING:
    from app.rulebook.schema import Readability

CHECK = "readability"
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_NOT_WORDS = re.compile(
    r"\S+@\S+|\b(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|org|gov|net|io|app)\b\S*"
)


class Counts(NamedTuple):
    """Words, sentences and syllables of a piece of text (named tuples, not dataclasses: a
    one-off `candor check` builds these classes on every start; bench/bench_cli.py)."""

    words: int
    sentences: int
    syllables: int
    hard_words: tuple[str, ...] = ()  # the counted text chunks, for `hard_words()` on findings

    def metrics(self, language: str = "en") -> dict[str, float]:
        """FK grade, Flesch Reading Ease and words per sentence (empty text: no metrics); for
        Spanish, the Spanish formulas (Fernández-Huerta, Szigriszt-Pazos) instead of the English ones."""
        if self.words == 0 or self.sentences == 0:
            return {}
        if language == "es":
            return {
                "fernandez_huerta": syllables_es.fernandez_huerta(
                    self.words, self.sentences, self.syllables
                ),
                "szigriszt_pazos": syllables_es.szigriszt_pazos(
                    self.words, self.sentences, self.syllables
                ),
                "words_per_sentence": round(self.words / self.sentences, 2),
            }
        wps = self.words / self.sentences
        spw = self.syllables / self.words
        return {
            "flesch_kincaid_grade": round(0.39 * wps + 11.8 * spw - 15.59, 2),
            "flesch_reading_ease": round(206.835 - 1.015 * wps - 84.6 * spw, 2),
            "words_per_sentence": round(wps, 2),
        }


def _not_words_removed(sentence: str, addresses: bool) -> str:
    """The sentence with addresses blanked out (`addresses`: it may hold one)."""
    return _NOT_WORDS.sub(" ", sentence) if addresses else sentence


@text_cache(maxsize=20_000)
def _sentence_counts(sentence: str, addresses: bool) -> Counts:
    """Words and syllables of one sentence (URLs and e-mail addresses are not words)."""
    clean = _not_words_removed(sentence, addresses)
    words = _WORD.findall(clean)
    if not words:
        return Counts(0, 0, 0)
    return Counts(len(words), 1, syllables.count(clean), (clean,))


@text_cache(maxsize=20_000)
def _sentence_counts_es(sentence: str, addresses: bool) -> Counts:
    """Words and syllables of one Spanish sentence (accented letters and ñ are letters)."""
    clean = _not_words_removed(sentence, addresses)
    words = syllables_es.WORD.findall(clean)
    if not words:
        return Counts(0, 0, 0)
    return Counts(len(words), 1, sum(syllables_es.word_syllables(w) for w in words), (clean,))


def hard_words(c: Counts, language: str = "en") -> list[str]:
    """Words of three or more syllables in the counted text (computed only for findings)."""
    out: list[str] = []
    for chunk in c.hard_words:
        if language == "es":  # Spanish words run longer: four syllables or more is a long word
            out.extend(
                w for w in syllables_es.WORD.findall(chunk) if syllables_es.word_syllables(w) >= 4
            )
        else:
            out.extend(_hard_words_in(chunk))
    return out


@text_cache(maxsize=20_000)
def _hard_words_in(chunk: str) -> tuple[str, ...]:
    """The words of three or more syllables of one counted sentence, cached per sentence text.

    A word's count is `syllables.count(word)`; the words are read in one pass: each holds a
    letter and no space, so it is exactly one of the joined text's words."""
    words = _WORD.findall(chunk)
    counted = syllables.counts_of_words(syllables.words_of(" ".join(words)))
    return tuple(w for w, n in zip(words, counted, strict=True) if n >= 3)


def summed(counts: list[Counts]) -> Counts:
    """The sum of sentences' counts."""
    words = sentences = syllables = 0
    chunks: list[str] = []
    for c in counts:  # the sums of adding the Counts one by one, without re-copying the tuple
        words += c.words
        sentences += c.sentences
        syllables += c.syllables
        chunks.extend(c.hard_words)
    return Counts(words, sentences, syllables, tuple(chunks))


class ProseCounts(NamedTuple):
    """Each prose sentence's counts (in `Document.prose_sentences()` order) and their sum."""

    sentences: list[Counts]
    total: Counts


def prose_counts(ctx: CheckContext) -> ProseCounts:
    """The prose sentences' counts, worked out once per run and kept on the context: the
    report's metrics and every rule's document, sections and sentences read the same counts.
    `_NOT_WORDS` backtracks through every word, so it runs only on the sentences the letter's
    literal index says may hold one of its literals ("@", "www.", ".com", ...)."""
    if ctx.counts is None:
        if ctx.settings is not None:  # (cheap when unchanged)
            syllables.configure(ctx.settings.cache_dir())
        prose = ctx.doc.prose_sentences()
        where = literal_index(ctx.text).units_with(_NOT_WORDS.pattern, prose, 1)
        counter = _sentence_counts_es if ctx.language == "es" else _sentence_counts
        each = [counter(u.text, where is None or i in where) for i, u in enumerate(prose)]
        ctx.counts = ProseCounts(each, summed(each))
    return ctx.counts  # type: ignore[no-any-return]


def document_metrics(ctx: CheckContext) -> dict[str, float]:
    """Document-level metrics for the report (empty text, or no prose at all: no metrics, not zeros)."""
    if not ctx.readability:
        c = prose_counts(ctx).total
        metrics = c.metrics(ctx.language)
        if metrics:
            ctx.readability.update(metrics)
            ctx.readability.update({"words": float(c.words), "sentences": float(c.sentences)})
    return ctx.readability


def _violations(
    rule: Readability, metrics: dict[str, float]
) -> list[tuple[str, float, str, float]]:
    out = []
    for metric, bound in rule.thresholds.items():
        value = metrics.get(metric)
        if value is None:
            continue
        if bound.max is not None and value > bound.max:
            out.append((metric, value, "≤", bound.max))
        elif bound.min is not None and value < bound.min:
            out.append((metric, value, "≥", bound.min))
    return out


_NAMES = {
    "flesch_kincaid_grade": "Flesch–Kincaid grade",
    "flesch_reading_ease": "Flesch Reading Ease",
    "words_per_sentence": "Words per sentence",
    "fernandez_huerta": "Fernández-Huerta reading ease",
    "szigriszt_pazos": "Szigriszt-Pazos (INFLESZ)",
}


def _detail(c: Counts, language: str = "en") -> str:
    hard = sorted(set(hard_words(c, language)), key=lambda w: (-len(w), w))[:4]
    parts = [f"{c.words} words"]
    if hard:
        parts.append("long words: " + ", ".join(hard))
    return "; ".join(parts)


def check_readability(rid: str, rule: Readability, ctx: CheckContext) -> list[Finding]:
    """Measure the units the rule's `scope` names and flag those outside its thresholds."""
    prose = ctx.doc.prose_sentences()
    if not prose:
        return []
    counted = prose_counts(ctx)
    units: list[tuple[int | None, int | None, Counts]] = []
    lang = ctx.language
    if rule.scope == "document":
        units.append((None, None, counted.total))
    elif rule.scope == "section":
        if ctx.doc.headings:  # else one section is the whole letter: the document rule judges it
            for sec in ctx.doc.sections:
                inside = [
                    c
                    for s, c in zip(prose, counted.sentences, strict=True)
                    if sec.start <= s.start < sec.end
                ]
                if inside:
                    units.append((sec.start, sec.end, summed(inside)))
    else:
        units.extend((s.start, s.end, c) for s, c in zip(prose, counted.sentences, strict=True))
    findings = []
    for start, end, c in units:
        if c.words < rule.min_words:
            continue
        bad = _violations(rule, c.metrics(lang))
        if not bad:
            continue
        metric, value, op, limit = bad[0]
        detail = _detail(c, lang)
        if len(bad) > 1:
            detail += "; also " + ", ".join(f"{_NAMES[m]} {v:.1f}" for m, v, _, _ in bad[1:])
        findings.append(
            Finding(
                rule=rid,
                check=CHECK,
                severity=rule.level,
                start=start,
                end=end,
                source=rule.source or None,
                message=rule.message.format(
                    metric=_NAMES[metric],
                    value=value,
                    limit=limit,
                    op=op,
                    unit=rule.scope,
                    detail=detail,
                ),
            )
        )
    return findings
