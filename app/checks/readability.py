"""Readability (kind `readability`): Flesch–Kincaid grade, Flesch Reading Ease, words per sentence.

Why: most real breach letters are written at grade 10+ and 97% rate "difficult" (Zou et al.,
2019); a reader who cannot follow the letter cannot act on it. A document score alone does not
say what to fix, so rules can judge the document, each section, or each sentence, and a
sentence finding points at the hard sentence and says why (its length and its long words).

How: syllables are counted in ONE function, `_syllables`, one sentence at a time, exactly as
`textstat.syllable_count` counts them (textstat's CMU dictionary and Pyphen, its punctuation
rules), summed over the sentence's whitespace-separated chunks and cached per chunk and per
word, so an edited letter only re-counts the changed words. Section and document metrics are
computed from the summed counts with the standard formulas — the same formulas textstat uses —
so a sentence, a section and the document are measured consistently.
Headings, address lines and signature lines are not prose and are not measured.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from app.checks.base import Finding
from app.checks.context import CheckContext
from app.checks.prefilter import folded, may_match
from app.checks.text import Unit
from app.rulebook.schema import Readability

CHECK = "readability"
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_NOT_WORDS = re.compile(r"\S+@\S+|\b(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|org|gov|net|io|app)\b\S*")
_NOT_WORDS_LITERALS = frozenset({"@", "http", "www.", ".com", ".org", ".gov", ".net", ".io", ".app"})
"""One of these occurs (folded) in every `_NOT_WORDS` match: "@" in the first alternative,
"http"/"www." in the second, "." and its top-level domain in the third. Finer than
`required_literals` ("io", "app" are in ordinary words), so the sub runs on fewer sentences
(tests/checks/test_speed_round2.py checks it against every match)."""


@dataclass(frozen=True)
class Counts:
    """Words, sentences and syllables of a piece of text."""

    words: int
    sentences: int
    syllables: int
    hard_words: tuple[str, ...] = ()  # the counted text chunks, for `hard_words()` on findings

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.words + other.words, self.sentences + other.sentences, self.syllables + other.syllables,
                      self.hard_words + other.hard_words)

    def metrics(self) -> dict[str, float]:
        """FK grade, Flesch Reading Ease and words per sentence (empty text: no metrics)."""
        if self.words == 0 or self.sentences == 0:
            return {}
        wps = self.words / self.sentences
        spw = self.syllables / self.words
        return {
            "flesch_kincaid_grade": round(0.39 * wps + 11.8 * spw - 15.59, 2),
            "flesch_reading_ease": round(206.835 - 1.015 * wps - 84.6 * spw, 2),
            "words_per_sentence": round(wps, 2),
        }


_ready = False


def _ensure_textstat(ctx: CheckContext) -> None:
    global _ready
    if _ready:
        return
    from app.core.textstat_data import ensure_cmudict

    nltk_data = ctx.settings.NLTK_DATA if ctx.settings is not None else None
    if nltk_data is None:
        from app.core.config import Settings

        nltk_data = Settings().NLTK_DATA
    ensure_cmudict(Path(nltk_data))
    _ready = True


_PUNCTUATION = re.compile(r"[^\w\s\']")  # textstat's remove_punctuation (apostrophes kept)
_NON_CONTRACTION = re.compile(r"\'(?![tsd]|ve|ll|re)")  # textstat's RE_NONCONTRACTION_APOSTROPHE


@lru_cache(maxsize=1)
def _dictionaries() -> tuple[object, object]:
    """textstat's CMU dictionary and Pyphen hyphenator for its current language (loaded once)."""
    import textstat
    from textstat.backend.utils._get_cmudict import get_cmudict
    from textstat.backend.utils._get_pyphen import get_pyphen

    lang = getattr(textstat.textstat, "_textstatistics__lang", "en_US")
    return get_cmudict(lang), get_pyphen(lang)


@lru_cache(maxsize=1)
def _cmu_syllables() -> dict[str, int]:
    """Syllables of every CMU dictionary word (lower-case word -> count), built once from
    textstat's dictionary with textstat's own rule (vowel phonemes of the first pronunciation).
    Words whose entry textstat cannot count that way are left out (they go to Pyphen, as in
    textstat). Derived from the dictionary, not from any text: kept across checks."""
    cmu, _ = _dictionaries()
    out: dict[str, int] = {}
    if cmu is None:
        return out
    for word, prons in cmu.items():  # type: ignore[attr-defined]
        try:
            out[word] = len([p for p in prons[0] if p[-1].isdigit()])
        except (TypeError, IndexError, KeyError):
            continue
    return out


@lru_cache(maxsize=50_000)
def _chunk_syllables(chunk: str) -> int:
    """Syllables of one whitespace-free chunk, counted exactly as `textstat.syllable_count` does.

    textstat removes non-contraction apostrophes and other punctuation, lower-cases, splits at
    whitespace and looks every word up in the CMU dictionary (else Pyphen); none of those steps
    crosses whitespace, so a text's count is the sum of its chunks' counts (`_syllables`;
    tests/checks/test_speed_equivalence.py checks this against textstat itself).
    """
    word = chunk if chunk.isalnum() else _PUNCTUATION.sub("", _NON_CONTRACTION.sub("", chunk))
    return _word_syllables(word.lower()) if word else 0


@lru_cache(maxsize=50_000)
def _word_syllables(word: str) -> int:
    """textstat's count for one lower-case word without punctuation (CMU dictionary, else Pyphen)."""
    n = _cmu_syllables().get(word)
    if n is not None:
        return n
    _cmu, pyphen = _dictionaries()
    return len(pyphen.positions(word)) + 1  # type: ignore[attr-defined]


def _syllables(text: str) -> int:
    """The only place syllables are counted: textstat's count for a sentence (or one word).

    The same steps as `_chunk_syllables` on every whitespace-separated chunk, done on the whole
    text at once: the apostrophe and punctuation removals never remove or cross whitespace
    (`\\s` and `str.split` agree on what whitespace is) and lower-casing never looks across it,
    so the words are the chunks' words; each is looked up in the CMU syllable table, else
    counted with Pyphen (cached per word)."""
    if "'" in text:
        text = _NON_CONTRACTION.sub("", text)
    words = _PUNCTUATION.sub("", text).lower().split()
    counts = list(map(_cmu_syllables().get, words))
    if None in counts:  # the CMU counts (None and 0 add nothing), then the other words' Pyphen counts
        missing = [w for w, n in zip(words, counts) if n is None]
        return sum(filter(None, counts)) + sum(map(_word_syllables, missing))
    return sum(counts)  # type: ignore[arg-type]


_syllables.cache_clear = _chunk_syllables.cache_clear  # type: ignore[attr-defined]


@lru_cache(maxsize=20_000)
def _textstat_counts(sentence: str) -> Counts:
    """Words and syllables of one sentence (URLs and e-mail addresses are not words)."""
    # The sub is the identity on a sentence without an e-mail, URL or domain literal (prefilter.py).
    clean = _NOT_WORDS.sub(" ", sentence) if may_match(_NOT_WORDS_LITERALS, folded(sentence)) else sentence
    words = _WORD.findall(clean)
    if not words:
        return Counts(0, 0, 0)
    return Counts(len(words), 1, _syllables(clean), (clean,))


def hard_words(c: Counts) -> list[str]:
    """Words of three or more syllables in the counted text (computed only for findings)."""
    out: list[str] = []
    for chunk in c.hard_words:
        out.extend(_hard_words_in(chunk))
    return out


@lru_cache(maxsize=20_000)
def _hard_words_in(chunk: str) -> tuple[str, ...]:
    """The words of three or more syllables of one counted sentence, cached per sentence text."""
    # a _WORD match has no whitespace: it is one chunk, so _chunk_syllables is _syllables for it;
    # an all-letter (ASCII) word is its own textstat word: its CMU count is looked up directly
    syl = _cmu_syllables()
    out = []
    for w in _WORD.findall(chunk):
        low = w.lower()
        n = syl.get(low) if low.isalnum() else None
        if n is None:
            n = _chunk_syllables(low)
        if n >= 3:
            out.append(w)
    return tuple(out)


def counts_of(units: list[Unit]) -> Counts:
    """Summed counts of prose sentences."""
    words = sentences = syllables = 0
    chunks: list[str] = []
    for u in units:  # the same sums as adding the Counts one by one, without re-copying the tuple each time
        c = _textstat_counts(u.text)
        words += c.words
        sentences += c.sentences
        syllables += c.syllables
        chunks.extend(c.hard_words)
    return Counts(words, sentences, syllables, tuple(chunks))


def document_metrics(ctx: CheckContext) -> dict[str, float]:
    """Document-level metrics for the report (computed once per run)."""
    if "flesch_kincaid_grade" in ctx.readability or ctx.readability.get("_done"):
        return ctx.readability
    _ensure_textstat(ctx)
    c = counts_of(ctx.doc.prose_sentences())
    metrics = c.metrics()
    if metrics:  # empty text (or no prose at all) has no metrics, not zeros
        ctx.readability.update(metrics)
        ctx.readability.update({"words": float(c.words), "sentences": float(c.sentences)})
    ctx.readability["_done"] = 1.0
    return ctx.readability


def _violations(rule: Readability, metrics: dict[str, float]) -> list[tuple[str, float, str, float]]:
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


_NAMES = {"flesch_kincaid_grade": "Flesch–Kincaid grade", "flesch_reading_ease": "Flesch Reading Ease",
          "words_per_sentence": "Words per sentence"}


def _detail(c: Counts) -> str:
    hard = sorted(set(hard_words(c)), key=lambda w: (-len(w), w))[:4]
    parts = [f"{c.words} words"]
    if hard:
        parts.append("long words: " + ", ".join(hard))
    return "; ".join(parts)


def check_readability(rid: str, rule: Readability, ctx: CheckContext) -> list[Finding]:
    """Measure the units the rule's `scope` names and flag those outside its thresholds."""
    _ensure_textstat(ctx)
    document_metrics(ctx)
    prose = ctx.doc.prose_sentences()
    if not prose:
        return []
    units: list[tuple[int | None, int | None, Counts]] = []
    if rule.scope == "document":
        units.append((None, None, counts_of(prose)))
    elif rule.scope == "section":
        for sec in ctx.doc.sections:
            inside = [s for s in prose if sec.start <= s.start < sec.end]
            if inside:
                units.append((sec.start, sec.end, counts_of(inside)))
        if not ctx.doc.headings:  # one section is the whole letter: the document rule already judges it
            units = []
    else:
        for s in prose:
            units.append((s.start, s.end, _textstat_counts(s.text)))
    findings = []
    for start, end, c in units:
        if c.words < rule.min_words:
            continue
        bad = _violations(rule, c.metrics())
        if not bad:
            continue
        metric, value, op, limit = bad[0]
        detail = _detail(c)
        if len(bad) > 1:
            detail += "; also " + ", ".join(f"{_NAMES[m]} {v:.1f}" for m, v, _, _ in bad[1:])
        findings.append(Finding(
            rule=rid, check=CHECK, severity=rule.level, start=start, end=end, source=rule.source or None,
            message=rule.message.format(metric=_NAMES[metric], value=value, limit=limit, op=op, unit=rule.scope, detail=detail),
        ))
    return findings
