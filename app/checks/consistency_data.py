"""What each artifact says about the data involved and the monitoring service, for the consistency check.

Why a module of its own: dates and phone numbers are single values, but "which data was
involved" is a set, and "who runs the monitoring" a name; both need the artifact's structure.

* **Data involved.** An artifact's list of the data involved is the items of a list under a
  heading ("What Information Was Involved", "Qué datos estuvieron involucrados") or an intro line
  ("These details were involved:") that speak of data being involved, each item that begins with a
  data term (`app/checks/data_terms.py`, English and Spanish). An artifact written as prose, with
  no such list, is read from its sentences that say data was involved, exposed, copied or taken
  (not the ones that deny it or say "if"). Steps, risks and remediation that happen to name a
  data type ("change your password") are not the list.
* **The monitoring provider.** In a paragraph or section about credit monitoring or identity
  protection, the capitalised name after "through", "from", "by", "run by", "de", "con", "lo da"
  (or the name that starts a sentence there, "Experian IdentityWorks will watch your credit").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.checks.data_terms import mentions
from app.checks.text import segment
from app.domain.datatypes import DataType

_INVOLVED = (
    r"involved|exposed|accessed|acquired|affected|included|includes?|copied|viewed|obtained|"
    r"stole|stolen|compromised|breached|"
    r"involucrad[oa]s?|expuest[oa]s?|afectad[oa]s?|comprometid[oa]s?|copi[oó]|copiaron|"
    r"robad[oa]s?|robaron|obtuvo|obtuvieron|vieron|inclu[ií]an?|incluy\w+"
)
_CUE = re.compile(rf"\b(?:{_INVOLVED})\b", re.I)
_DATA_NOUN = re.compile(r"\b(?:information|data|details|datos|informaci[oó]n)\b", re.I)
_NOT = re.compile(r"\b(?:not|no|never|nor|none|neither|nunca|ning[uú]n\w*|ni)\b|n't\b", re.I)
_IF = re.compile(r"^\W*(?:if|whether|when|si|cuando)\b", re.I)
_HEADING = re.compile(r"^\s*(?:#{1,6}\s+(.*)|\*\*([^*]+?)\*\*\s*)$")
_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,2}[.)])\s+(.*)$")
_LEAD = re.compile(
    r"^(?:\*\*)?\s*(?:your|the|their|our|some|su|sus|el|la|los|las|tu|tus)?\s*", re.I
)

_MONITORING = re.compile(
    r"\b(?:credit monitoring|identity (?:theft )?(?:protection|monitoring)|monitoring service|"
    r"monitoreo(?: de cr[eé]dito)?|protecci[oó]n (?:contra el robo )?de (?:la )?identidad)\b",
    re.I,
)
_NAME = r"[A-Z][\w'&.-]*(?:\s+(?:&\s+)?[A-Z][\w'&.-]*)*"
_PROVIDER_AFTER = re.compile(
    rf"(?i:\b(?:through|from|by|via|with|run by|provided by|offered by|de|con|por|mediante|"
    rf"a trav[eé]s de|lo da|lo ofrece|lo presta))\s+({_NAME})"
)
_PROVIDER_FIRST = re.compile(
    rf"(?:^\W*|\*\*\s+)({_NAME})\s+(?i:will|provides|offers|runs|monitors|is offering|vigilar[aá]|ofrece|da)\b"
)
_NOT_NAMES = set(
    (
        "we it you they this the our your i us he she a an nosotros usted ustedes el la "
        "los las su sus le lo monday tuesday wednesday thursday friday saturday sunday "
        "january february march april may june july august september october november december "
        "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre"
    ).split()
)


@dataclass(frozen=True)
class Mention:
    """A data type or a provider named in an artifact: where, and the words as written."""

    key: str
    start: int
    end: int
    shown: str


def data_involved(text: str) -> list[Mention]:
    """The data types an artifact lists as involved (the list, or in prose the sentences saying so)."""
    listed: list[Mention] = []
    heading_cue = intro_cue = False
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\n")
        start, pos = pos, pos + len(line)
        if not body.strip():
            continue
        heading, item = _HEADING.match(body), _ITEM.match(body)
        if heading:
            words = heading.group(1) or heading.group(2) or ""
            heading_cue = bool(_CUE.search(words) and _DATA_NOUN.search(words))
            intro_cue = False
        elif item:
            if heading_cue or intro_cue:
                listed += _item_types(item.group(1), start + item.start(1))
        else:
            last = body.rstrip().rsplit(".", 1)[-1]
            intro_cue = body.rstrip().endswith(":") and bool(_CUE.search(last))
    return listed or _prose_types(text)


def _item_types(item: str, offset: int) -> list[Mention]:
    """The types an item names, when it starts with one ("Name", "Your Social Security number")."""
    found = mentions(item)
    lead = _LEAD.match(item)
    if not found or found[0][0] > (lead.end() if lead else 0):
        return []
    return [Mention(t.value, offset + a, offset + b, item[a:b]) for a, b, t in found]


def _prose_types(text: str) -> list[Mention]:
    out = []
    for unit in segment(text).sentences:
        s = unit.text
        if not _CUE.search(s) or _NOT.search(s) or _IF.search(s):
            continue
        out += [
            Mention(t.value, unit.start + a, unit.start + b, s[a:b])
            for a, b, t in mentions(s)
            if t is not DataType.other
        ]
    return out


def providers(text: str, exclude: tuple[str, ...] = ()) -> list[Mention]:
    """Names of the monitoring provider, read in the lines (or under a heading) that offer monitoring."""
    out: list[Mention] = []
    sentences = segment(text).sentences
    heading = ""
    pos = 0
    for line in text.splitlines(keepends=True):
        start, pos = pos, pos + len(line)
        h = _HEADING.match(line.rstrip("\n"))
        if h:
            heading = h.group(1) or h.group(2) or ""
            continue
        if not (_MONITORING.search(line) or _MONITORING.search(heading)):
            continue
        for unit in sentences:
            if start <= unit.start < pos:
                out += _names(unit.text, unit.start, exclude)
    return out


def _names(sentence: str, offset: int, exclude: tuple[str, ...]) -> list[Mention]:
    data = mentions(sentence)
    out = []
    for pattern in (_PROVIDER_AFTER, _PROVIDER_FIRST):
        for m in pattern.finditer(sentence):
            name = _trim(m.group(1))
            key = provider_key(name)
            inside_data = any(a <= m.start(1) < b for a, b, _t in data)  # "número de Seguro Social"
            if key and not inside_data and not any(key == provider_key(x) for x in exclude):
                out.append(Mention(key, offset + m.start(1), offset + m.start(1) + len(name), name))
    return out


def _trim(name: str) -> str:
    words = name.rstrip(".,;:").split()
    while words and words[-1].lower().strip(".,") in _NOT_NAMES:
        words.pop()
    return " ".join(words)


def provider_key(name: str) -> str:
    """A provider's name compared without case, punctuation or trademark signs ("" if not a name)."""
    words = re.sub(r"[^\w&\s]", " ", name.lower()).split()
    if not words or words[0] in _NOT_NAMES:
        return ""
    return " ".join(words)


def same_provider(a: str, b: str) -> bool:
    """'experian' and 'experian identityworks' name one provider (a short form of the other)."""
    wa, wb = set(a.split()), set(b.split())
    return wa <= wb or wb <= wa
