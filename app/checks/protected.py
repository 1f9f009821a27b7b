"""Spans of a letter no grammar or spelling engine may flag: URLs, e-mail addresses, phone numbers,
activation and reference codes, `[[…]]` markers, postal-address parts ("P.O. Box", "GA 30348",
"Street NE": a spell checker offered "P.S." for "P.O."), and the names the incident facts give.

Why: a spell checker flags `www`, host names, enrolment codes and the organisation's own name
("Quillstack", "IdentityWorks") in every letter; those findings are noise the editor learns to
ignore, and they hide real ones. The grammar adapters drop every finding that overlaps one of
these spans (and Harper is asked not to lint them at all).

The per-letter dictionary is built from the facts: organisation, brand and product names,
people, service providers and monitoring vendors, contact addresses; plus the agency names
of the rulebook (Equifax, Experian, TransUnion, ...). A finding on one of its words is dropped.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.domain.facts import IncidentFacts

_URL = r"\b(?:https?://|www\.)[^\s<>()\[\]]+|\b(?:[a-z0-9-]+\.)+(?:com|org|net|gov|edu|io|app|co|uk|de|fr|ie|ca|au|us|info|eu|health)\b(?:/[^\s<>()\[\]]*)?"
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_PHONE = r"(?:\+\d{1,3}[ .-]?|\b1[ .-])?(?:\(?\d{2,4}\)?[ .-]?){1,3}\d{3,4}\b|\b1-\d{3}-[A-Z]{2,}-[A-Z]{2,}\b|\b\d{3}-[A-Z-]{5,}\b"
# codes: a token mixing letters and digits (XK7-PQ22), or an all-caps/digit run with dashes
_CODE = r"\b(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z])[A-Z0-9]+(?:-[A-Z0-9]+)*\b|\b[A-Z0-9]{2,}(?:-[A-Z0-9]{2,})+\b"
_MARKER = r"\[\[[^\]]*\]\]"
# postal addresses (the agencies' in every US letter): "P.O. Box", "GA 30348-5069", "Court Street NE"
_POSTAL = (
    r"(?-i:\bP\.\s?O\.\s+Box\b|\bPO Box\b|\b[A-Z]{2}\s+\d{5}(?:-\d{4})?\b"
    r"|\b(?:Street|St\.|Avenue|Ave\.|Road|Rd\.|Boulevard|Blvd\.|Parkway|Drive|Lane|Way|Place|Court)"
    r"\s+(?:NE|NW|SE|SW)\b)"
)
PROTECTED = re.compile(
    "|".join(f"(?:{p})" for p in (_MARKER, _URL, _EMAIL, _PHONE, _CODE, _POSTAL)), re.IGNORECASE
)
"""Python's form, used to drop findings (the source of truth)."""

HARPER_MASK = r"\[\[[^\]]*\]\]|(?i:https?://\S+|www\.\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
"""A simpler mask in Rust-regex syntax for Harper's `regex_mask`: markers, URLs, e-mail addresses
(masking numbers too would make Harper read "July 2, 2026" as a comma without a space; phone
numbers and codes are dropped after linting instead)."""

_WORD = re.compile(r"[A-Za-z][A-Za-z'’.&-]*[A-Za-z]|[A-Za-z]")


def protected_spans(text: str) -> list[tuple[int, int]]:
    """Half-open spans of `text` that must not be flagged, in order."""
    return [(m.start(), m.end()) for m in PROTECTED.finditer(text) if m.end() > m.start()]


def _strings(facts: IncidentFacts) -> list[str]:
    """Every name-like string in the facts (walks the model: names, products, people, providers)."""
    out: list[str] = []

    def walk(value: Any, path: str) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{path}.{k}")
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v, path)
        elif value is not None and _NAME_PATHS.search(path):
            out.append(str(value))

    walk(facts.model_dump(mode="json"), "")
    return out


_NAME_PATHS = re.compile(
    r"name|company|brand|product|provider|vendor|signatory|third_parties|dpo|address|street|city|region|website|url|email",
    re.IGNORECASE,
)


def letter_dictionary(
    facts: IncidentFacts | None, extra: list[str] | tuple[str, ...] = ()
) -> frozenset[str]:
    """Lower-case words a spelling finding may not flag in this letter: the capitalised words (proper
    names: "Lakeview", "IdentityWorks", "TransUnion") of the facts' names and of `extra`; lower-case
    connecting words ("of", "the") are ordinary English and stay checkable."""
    words: set[str] = set()
    for s in ([*_strings(facts)] if facts is not None else []) + list(extra):
        for w in _WORD.findall(s):
            if w.islower():
                continue
            words.add(w.lower())
            words.update(
                part.lower() for part in re.split(r"[.&'’-]", w) if part and not part.islower()
            )
    return frozenset(words)


def is_protected(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """True when [start, end) overlaps a protected span."""
    return any(s < end and start < e for s, e in spans) or any(s == start == e for s, e in spans)
