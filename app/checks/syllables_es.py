"""Spanish syllable counts for the Spanish readability formulas (Fernández-Huerta, Szigriszt-Pazos).

Why rules and not a dictionary: Spanish spelling shows its syllables. A syllable has one vowel
nucleus; two strong vowels (a, e, o, or an accented í/ú) side by side are two syllables (hiatus:
"le-er", "dí-a", "a-é-re-o"); a weak vowel (i, u, ü) next to another vowel joins it (diphthong:
"ai-re", "cau-sa", "pin-güi-no"); the u of "que/qui/gue/gui" is silent; a final "y" after a
vowel is part of it ("muy", "hoy"). These rules are what Spanish grammars teach and are exact for
ordinary words. textstat counts Spanish syllables with Pyphen's hyphenation dictionary, which
never splits vowels and keeps two letters at each end: it undercounts hiatus and short words
("agua" 1, "día" 1, "oído" 2, "monitoreo" 4), so its Spanish scores come out too easy
(tests/checks/test_readability_es.py shows both on a list of words). The formulas themselves
use textstat's constants. Counts are cached per word; nothing is downloaded.
"""

from __future__ import annotations

import re
from functools import lru_cache

WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
"""A Spanish word: letters, accented letters and ñ included (no digits)."""

_STRONG = frozenset("aeoáéóíú")  # accented i/u carry the stress: they behave as strong vowels
_VOWELS = frozenset("aeiouáéíóúü")
_SILENT_U = re.compile(r"(?<=[qg])u(?=[eiéí])")


@lru_cache(maxsize=50_000)
def word_syllables(word: str) -> int:
    """Syllables of one Spanish word (at least 1)."""
    w = _SILENT_U.sub("", word.lower())
    if w == "y":
        return 1
    if w.endswith("y") and len(w) > 1 and w[-2] in _VOWELS:
        w = w[:-1] + "i"  # muy, hoy, ley: the final y closes a diphthong
    count = 0
    prev = ""
    for ch in w:
        if ch in _VOWELS:
            if not prev:
                count += 1  # a new vowel group: one nucleus
            elif prev in _STRONG and ch in _STRONG:
                count += 1  # hiatus: two strong vowels are two syllables
            prev = ch
        else:
            prev = ""
    return max(count, 1)


def count(text: str) -> int:
    """Syllables of every word in `text`."""
    return sum(word_syllables(w) for w in WORD.findall(text))


def fernandez_huerta(words: int, sentences: int, syllables: int) -> float:
    """Fernández-Huerta (1959) reading ease as textstat computes it: 206.84 − 60·syllables/word − 1.02·words/sentence."""
    return round(206.84 - 60 * (syllables / words) - 1.02 * (words / sentences), 2)


def szigriszt_pazos(words: int, sentences: int, syllables: int) -> float:
    """Szigriszt-Pazos (1993) perspicuity, read on the INFLESZ scale: 206.835 − 62.3·syllables/word − words/sentence."""
    return round(206.835 - 62.3 * (syllables / words) - words / sentences, 2)


def inflesz(score: float) -> str:
    """The INFLESZ band of a Szigriszt-Pazos score (Barrio-Cantalejo et al., 2008)."""
    if score < 40:
        return "muy difícil"
    if score < 55:
        return "algo difícil"
    if score < 65:
        return "normal"
    if score < 80:
        return "bastante fácil"
    return "muy fácil"
