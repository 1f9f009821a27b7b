"""Three-way merge of letter texts, sentence by sentence (the `merge3` package does the merge).

Used for a stale save (base = the version the author started from, theirs = the version saved
meanwhile, ours = the author's text) and for applying new facts to a draft (base = the letter
rendered from the old facts, theirs = rendered from the new facts, ours = the current text).
Texts are split into sentences and lines, so edits to different sentences merge and two edits
of the same sentence are a conflict the author resolves with an explicit choice.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

import merge3

Choice = Literal["ours", "theirs", "both"]
CHOICES: tuple[str, ...] = ("ours", "theirs", "both")
# A sentence ends at . ! or ? (with closing quotes/brackets) followed by spaces, but not after a
# single letter ("U.S. ", "P.S. ", "e.g. "); a line ends at \n.
_BOUNDARY = re.compile(r"(?<!\b[A-Za-z])[.!?]+[\"'\u2019\u201d)\]]*[ \t]+|\n")


def chunks(text: str) -> list[str]:
    """Sentences and line ends, each with its trailing space; ''.join(chunks(t)) == t."""
    out, pos = [], 0
    for m in _BOUNDARY.finditer(text):
        out.append(text[pos : m.end()])
        pos = m.end()
    if pos < len(text):
        out.append(text[pos:])
    return out


@dataclass(frozen=True)
class Overlap:
    """Both sides changed the same sentences differently: base, ours and theirs as text."""

    index: int
    base: str
    ours: str
    theirs: str

    def pick(self, choice: str) -> str:
        """The text for a choice: ours, theirs, or both (theirs first, then ours)."""
        if choice == "ours":
            return self.ours
        if choice == "theirs":
            return self.theirs
        if choice == "both":
            sep = "" if not self.theirs or self.theirs.endswith(("\n", " ")) else " "
            return self.theirs + sep + self.ours
        raise ValueError(f"unknown choice {choice!r}; use one of {', '.join(CHOICES)}")

    def dropped(self, choice: str) -> str:
        """What a choice leaves out (for the audit log)."""
        return {"ours": self.theirs, "theirs": self.ours, "both": ""}[choice]


@dataclass(frozen=True)
class Merged:
    """The merge as parts: merged text runs and overlaps; `taken_from_theirs` counts their changes kept."""

    parts: tuple[str | Overlap, ...]
    taken_from_theirs: int
    taken_from_ours: int

    @property
    def overlaps(self) -> list[Overlap]:
        """The overlapping edits, in text order."""
        return [p for p in self.parts if isinstance(p, Overlap)]

    @property
    def clean(self) -> bool:
        """True when no edits overlap."""
        return not self.overlaps

    @property
    def text(self) -> str:
        """The merged text; only for a clean merge."""
        if not self.clean:
            raise ValueError("the merge has overlapping edits; resolve them with choices")
        return "".join(p for p in self.parts if isinstance(p, str))

    def missing_choices(self, choices: dict[int, str]) -> list[int]:
        """Overlaps without a valid choice."""
        return [o.index for o in self.overlaps if choices.get(o.index) not in CHOICES]

    def resolve(self, choices: dict[int, str]) -> str:
        """The text with each overlap replaced by its chosen side; every overlap needs a choice."""
        missing = self.missing_choices(choices)
        if missing:
            raise ValueError(f"no choice for overlapping edits {missing}")
        return "".join(p if isinstance(p, str) else p.pick(choices[p.index]) for p in self.parts)


def merge(base: str, ours: str, theirs: str) -> Merged:
    """Three-way merge of `ours` and `theirs`, both edited from `base`."""
    parts: list[str | Overlap] = []
    from_theirs = from_ours = 0
    m = merge3.Merge3(chunks(base), chunks(theirs), chunks(ours))
    for group in m.merge_groups():
        kind = group[0]
        if kind == "conflict":
            _, b, t, o = group  # type: ignore[misc]
            side_by_side = _adjacent(list(b), list(o), list(t))
            if side_by_side is None:
                parts.append(
                    Overlap(
                        index=len([p for p in parts if isinstance(p, Overlap)]),
                        base="".join(b),
                        ours="".join(o),
                        theirs="".join(t),
                    )
                )
                continue
            kind, text = "both", side_by_side
        else:
            text = "".join(group[1])
        if kind == "a":
            from_theirs += 1
        elif kind == "b":
            from_ours += 1
        elif kind == "both":
            from_theirs, from_ours = from_theirs + 1, from_ours + 1
        if parts and isinstance(parts[-1], str):
            parts[-1] += text
        else:
            parts.append(text)
    return Merged(parts=tuple(parts), taken_from_theirs=from_theirs, taken_from_ours=from_ours)


def _changes(base: list[str], other: list[str]) -> list[tuple[int, int, list[str]]]:
    ops = difflib.SequenceMatcher(None, base, other, autojunk=False).get_opcodes()
    return [(i1, i2, other[j1:j2]) for tag, i1, i2, j1, j2 in ops if tag != "equal"]


def _touch(a: tuple[int, int, list[str]], b: tuple[int, int, list[str]]) -> bool:
    """Do two changes of base[i1:i2] overlap? Neighbouring sentences do not; two inserts at one place do."""
    (a1, a2, _), (b1, b2, _) = a, b
    if a1 == a2 and b1 == b2:
        return a1 == b1
    if a1 == a2:
        return b1 < a1 < b2
    if b1 == b2:
        return a1 < b1 < a2
    return max(a1, b1) < min(a2, b2)


def _adjacent(base: list[str], ours: list[str], theirs: list[str]) -> str | None:
    """Merge a region diff3 calls a conflict when the two sides changed different (even neighbouring)
    sentences; None when they really touch the same sentence.
    """
    mine, other = _changes(base, ours), _changes(base, theirs)
    if any(_touch(a, b) for a in mine for b in other):
        return None
    out, pos = [], 0
    for i1, i2, repl in sorted(mine + other, key=lambda c: (c[0], c[1])):
        out.extend(base[pos:i1])
        out.extend(repl)
        pos = max(pos, i2)
    out.extend(base[pos:])
    return "".join(out)
