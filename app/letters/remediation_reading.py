"""What the rules' patterns find in the responder's remediation sentences, read once per draft.

Why: a letter reads the remediation with three sets of patterns: the content's regulators abroad
(left out of a US letter), its steps' `instead` wording (used where a sentence says the step is
done) and the detectors of the elements the letter's laws forbid (Massachusetts: a sentence that
would describe the breach is left out). All of them go into one gate, built once per content,
vocabulary and set of forbidden elements, so a draft reads its sentences in one pass; a regex runs
only on a sentence holding its required literals (app/letters/pattern_gate.py). The answer is kept
per sentences too: the same facts drafted in each tone, re-rendered in the editor or merged for
every recipient ask again.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from app.letters.content import LetterContent
from app.letters.pattern_gate import PatternGate, gate


@dataclass(frozen=True)
class Reading:
    """What the patterns found, sentence by sentence (in the remediation's order)."""

    abroad: tuple[bool, ...]
    """The sentence names a regulator abroad (`foreign_to_us`)."""
    reveals: tuple[bool, ...]
    """A forbidden element's detector finds the sentence and none of its excludes does."""
    done: frozenset[str]
    """The `instead` patterns that match one of the sentences."""


class RemediationReader:
    """The patterns a letter reads the remediation with, for one content and forbidden set."""

    def __init__(
        self,
        content: LetterContent,
        elements: Mapping[str, Any],
        forbidden: frozenset[str],
        owners: tuple[object, ...] = (),
    ) -> None:
        self.owners = owners  # (held: the reader cache is keyed by their ids)
        foreign = tuple(content.foreign_to_us)
        instead = tuple(alt.remediation for s in content.steps for alt in s.instead)
        detectors = [
            (tuple(elements[e].detect), tuple(elements[e].exclude))
            for e in sorted(forbidden)
            if e in elements
        ]
        patterns = (*foreign, *instead, *(p for d, x in detectors for p in (*d, *x)))
        self.gate: PatternGate = gate(tuple(dict.fromkeys(patterns)))
        bit = self.gate.bit
        self._foreign = sum({bit[p] for p in foreign})
        self._instead = tuple(dict.fromkeys((bit[p], p) for p in instead))
        self._detectors = tuple(
            (sum({bit[p] for p in d}), sum({bit[p] for p in x})) for d, x in detectors
        )
        self.forbids = bool(self._detectors)
        self.read = lru_cache(maxsize=1024)(self._read)

    def _read(self, sentences: tuple[str, ...]) -> Reading:
        """The reading of `sentences` (call `read`: kept per sentences)."""
        each = self.gate.bits_each(sentences)
        none = (False,) * len(sentences)
        if not any(each):  # the common case: no sentence holds a literal of any pattern
            return Reading(none, none, frozenset())
        finds = self.gate.finds
        abroad, reveals, done = list(none), list(none), set()
        for i, (s, b) in enumerate(zip(sentences, each, strict=True)):
            if not b:
                continue
            if b & self._foreign:
                abroad[i] = finds(s, b & self._foreign)
            for d, x in self._detectors:
                if b & d and finds(s, b & d) and not (b & x and finds(s, b & x)):
                    reveals[i] = True
                    break
            done.update(p for bit, p in self._instead if b & bit and finds(s, bit))
        return Reading(tuple(abroad), tuple(reveals), frozenset(done))


_lock = threading.Lock()
_READERS: dict[tuple[int, int, str, frozenset[str]], RemediationReader] = {}


def reader(
    content: LetterContent, rulebook: Any, language: str, forbidden: frozenset[str]
) -> RemediationReader:
    """The reader for a content file, a rulebook's `language` vocabulary and a set of forbidden
    elements, built once (both are loaded once and never changed)."""
    key = (id(content), id(rulebook), language, forbidden)
    found = _READERS.get(key)
    if found is None or found.owners[0] is not content or found.owners[1] is not rulebook:
        found = RemediationReader(
            content, rulebook.elements_for(language), forbidden, (content, rulebook)
        )
        with _lock:
            if len(_READERS) >= 64:
                _READERS.clear()
            _READERS[key] = found
    return found
