r"""Required literals: which plain strings every match of a rule regex must contain.

Why: Python's `re` tries a case-insensitive pattern at every position of the text, so a check run
costs (positions × patterns) even when a pattern cannot occur in the letter at all. Reading the
pattern's text (never `re`'s private parser) for the strings a match must contain lets a check
leave out a pattern, an alternative or a sentence that lacks all of them: no match can change.

`required_literals(pattern)` returns a set of folded strings, at least one of which is in every
match (`\bout of an abundance of caution\b` → {"out of an abundance of caution"};
`\b(?:may|might) have been\b` → {"may have been", "might have been"}), or None when the
pattern says nothing certain. `required_clauses(pattern)` returns up to four such sets, every
one of which holds for every match (an AND of ORs, as in a trigram index's query): `%{DATE}`
needs a month name *and* a digit (or "early"/"mid"/"late" before the month), so a sentence
where "may" is the modal verb and no digit occurs is not searched for a date. The reading is conservative: a construct it does not know makes
the pattern (or the part holding it) give no literal, which only costs speed.
`tests/checks/test_patterns.py` checks the contract on every rule regex against every corpus
letter and against mangled letters: a literal of the set is in every match.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

MIN_LITERAL = 3
"""Shorter strings ('a', 'we') are in almost every sentence: they filter nothing. A string of
digits counts as long enough whatever its length (see `_length`)."""
DIGITS = frozenset("0123456789")
_CAP = 128
"""Most strings a set may hold. The literal index intersects a set with the strings found in
the letter in one step, so a long list of verbs (the discovery and breach verbs, ~60 each) costs
little and keeps the date detectors off most sentences: with 32 the bench's full check (cold)
was ~9% slower, alternating in one run; the warm check the same."""


class _FoldTable(dict[int, str | int]):
    r"""The character map of `fold`, filled in as characters are met (str.translate reads it).

    Case-insensitive matching takes "İ" and "ı" for "i"; str.casefold() keeps them apart. Every
    other pair it equates (ſ/s, K/k, ς/σ, µ/μ, ...) casefold() maps to one form, character by
    character, so a folded match is a substring of the folded text. `\d` matches every Unicode
    decimal digit ("٣", "３"): each is written as its ASCII digit (one character for one, so
    offsets stay), and the ten ASCII digits stand for all of them."""

    def __missing__(self, code: int) -> str | int:
        c = chr(code)
        if c in "İı":
            out: str | int = "i"
        elif unicodedata.category(c) == "Nd":
            out = str(unicodedata.decimal(c))
        else:
            out = code
        self[code] = out
        return out


_FOLD = _FoldTable()
_PLAIN = re.compile(r"[^\\()\[\]{}|?*+.^$]+")
_ZERO_WIDTH_ESCAPES = frozenset("bBAZ")
_CLASS_ESCAPES = frozenset("DsSwWntrfv")
"""Escapes of one character this reader does not spell out (`\\n`: a line break, which the
literal index reads as a space): they require nothing."""
_FLAG_LETTERS = frozenset("aiLmsu-")


def fold(text: str) -> str:
    """Lower-case `text` the way case-insensitive matching compares letters (for `in` tests only)."""
    if text.isascii():  # (casefold() of ASCII is lower())
        return text.lower()
    return text.translate(_FOLD).casefold()


class _Unknown(Exception):
    """The pattern uses a construct this reader does not follow: it gives no literal."""


# A node's reading: (exact, clauses). `exact` is the set of strings the node matches, when it
# is small and certain, else None; `clauses` is a set of string sets, each of which holds for
# every match of the node (the match contains one of its strings); empty: nothing is certain.
Clause = frozenset[str]
Reading = tuple[frozenset[str] | None, frozenset[Clause]]
_NONE: frozenset[Clause] = frozenset()
_EMPTY: Reading = (frozenset({""}), _NONE)
_OPAQUE: Reading = (None, _NONE)
_MAX_CLAUSES = 4
"""Most clauses kept per node (each costs a look-up; the first ones filter the most)."""


def _product(a: frozenset[str], b: frozenset[str]) -> frozenset[str] | None:
    if len(a) * len(b) > _CAP:
        return None
    return frozenset(x + y for x in a for y in b)


_RARE = frozenset("0123456789@/")
"""Characters rare in prose (digits, "@", "/"): a string of them counts as long enough."""


def _length(s: str) -> int:
    r"""How long a literal counts as: a string of digits, "@" or "/" counts as at least
    MIN_LITERAL, since they are rare in prose, so a pattern that must match a digit (`\d`,
    `[0-9]`), an e-mail's "@" or a web path's "/" is worth skipping on sentences with none,
    where a short word ('a', 'we') would filter nothing."""
    return max(len(s), MIN_LITERAL) if s and _RARE.issuperset(s) else len(s)


def _minimal(lits: frozenset[str]) -> frozenset[str]:
    """The strings that hold no other one ("hacker" in a text settles "hackers" too)."""
    return frozenset(s for s in lits if not any(t != s and t in s for t in lits))


def _shortest(lits: frozenset[str]) -> int:
    return min(map(_length, lits))


def _usable(lits: frozenset[str] | None, shortest: int = 1) -> bool:
    return bool(lits) and len(lits) <= _CAP and _shortest(lits) >= shortest  # type: ignore[arg-type]


def _rank(lits: frozenset[str]) -> tuple[int, int, int]:
    """How selective a set is: longer shortest string, then fewer strings (a digit string
    counts as MIN_LITERAL long; on a tie the really longer one wins)."""
    return (min(8, _shortest(lits)), min(8, min(map(len, lits))), -len(lits))


def _prune(clauses: set[Clause] | frozenset[Clause], shortest: int = 1) -> frozenset[Clause]:
    """The usable clauses (minimal strings; "jan" settles "january", so a shorter set may fit
    the cap), without one another implies (it says less), the most selective first."""
    kept: list[Clause] = []
    for c in sorted({m for m in map(_minimal, clauses) if _usable(m, shortest)}, key=_order):
        kept = [k for k in kept if not _implies(c, k)]
        kept.append(c)
    kept.sort(key=_order, reverse=True)
    return frozenset(kept[:_MAX_CLAUSES])


def _implies(a: Clause, b: Clause) -> bool:
    """True when a text holding a string of `a` always holds one of `b`: every string of `a`
    contains one of `b` ({"no fee", "free"} implies {"fee", "free"}), so `b` says nothing more."""
    return all(any(y in x for y in b) for x in a)


def _order(lits: frozenset[str]) -> tuple[tuple[int, int, int], list[str]]:
    """`_rank`, ties broken by the strings (the same clauses in every process)."""
    return _rank(lits), sorted(lits)


def _clauses_of(reading: Reading) -> frozenset[Clause]:
    """Every clause of a reading, its exact strings counted as one."""
    exact, clauses = reading
    return _prune(clauses | {exact}) if exact is not None else clauses


class _Reader:
    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.i = 0

    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.p[j] if j < len(self.p) else ""

    def alternation(self) -> Reading:
        """Alternatives up to a closing `)` or the end: a clause holds for the whole when it
        joins one clause of each alternative (a clause per alternative, combined)."""
        branches = [self.sequence()]
        while self.peek() == "|":
            self.i += 1
            branches.append(self.sequence())
        if len(branches) == 1:
            return branches[0]
        exact: frozenset[str] | None = frozenset()
        for ex, _ in branches:
            exact = exact | ex if exact is not None and ex is not None else None
        if exact is not None and len(exact) > _CAP:
            exact = None
        joined: frozenset[Clause] = frozenset({frozenset()})
        for branch in branches:
            own = _clauses_of(branch)
            joined = _prune({a | b for a in joined for b in own}) if own else _NONE
            if not joined:
                break
        return exact, joined

    def sequence(self) -> Reading:
        """Items up to `|`, `)` or the end: their exact strings chain, every item's clauses hold."""
        run: frozenset[str] = frozenset({""})  # the product of the exact items so far
        whole: frozenset[str] | None = frozenset({""})  # the same, for the whole sequence
        clauses: set[Clause] = set()
        while self.peek() not in ("", "|", ")"):
            plain = self._plain_run()
            if plain:  # a run of ordinary characters: one exact string at once
                ex: frozenset[str] | None = frozenset({fold(plain)})
            else:
                ex, req = self.quantified()
                clauses |= req
            if ex is None:
                clauses.add(run)
                run, whole = frozenset({""}), None
                continue
            joined = _product(run, ex)
            if joined is None:  # too many strings: keep the run so far, start a new one here
                clauses.add(run)
                joined = ex
            elif _usable(run) and _shortest(joined) < _shortest(run):
                clauses.add(run)  # digits + "x" counts shorter than the digits alone
            run = joined
            whole = _product(whole, ex) if whole is not None else None
        clauses.add(run)
        if whole is not None:
            clauses.add(whole)
        return whole, _prune(clauses)

    def _plain_run(self) -> str:
        """Ordinary characters from here on, except one a quantifier applies to."""
        p, start = self.p, self.i
        m = _PLAIN.match(p, start)
        end = m.end() if m else start
        if end < len(p) and p[end] in "?*+{" and end > start:
            end -= 1  # the quantifier applies to the last character alone
        self.i = end
        return p[start:end]

    def quantified(self) -> Reading:
        reading = self.atom()
        c = self.peek()
        if c in ("?", "*", "+"):
            self.i += 1
            low = 1 if c == "+" else 0
            high_one = c == "?"
        elif c == "{" and self._repeat_ahead():
            low, high_one = self._repeat()
        else:
            return reading
        if self.peek() in ("?", "+"):  # lazy or possessive: the same strings
            self.i += 1
        ex, _ = reading
        if low == 0:
            return (ex | {""} if ex is not None else None) if high_one else None, _NONE
        return None, _clauses_of(reading)  # repeated at least once: its clauses hold

    def _repeat_ahead(self) -> bool:
        j = self.i + 1
        while j < len(self.p) and (self.p[j].isdigit() or self.p[j] == ","):
            j += 1
        return j < len(self.p) and self.p[j] == "}" and j > self.i + 1

    def _repeat(self) -> tuple[int, bool]:
        close = self.p.index("}", self.i)
        body = self.p[self.i + 1 : close]
        self.i = close + 1
        lo, _, hi = body.partition(",")
        low = int(lo) if lo else 0
        high_one = "," not in body and low == 1 or hi == "1"
        return low, high_one

    def atom(self) -> Reading:
        c = self.peek()
        if c == "(":
            return self.group()
        if c == "[":
            start = self.i
            self._skip_class()
            digits = _class_digits(self.p[start + 1 : self.i - 1])
            return (digits, _NONE) if digits else _OPAQUE
        if c == "\\":
            nxt = self.peek(1)
            self.i += 2
            if nxt in _ZERO_WIDTH_ESCAPES:
                return _EMPTY
            if nxt == "d":  # one decimal digit: one of the ten, once folded
                return DIGITS, _NONE
            if nxt in _CLASS_ESCAPES:
                return _OPAQUE
            if nxt in "123456789" and not self.peek().isdigit():
                return _OPAQUE  # a back-reference: what its group matched, nothing certain
            if nxt == "" or nxt.isalnum():  # \x41, \12, \N{...}: not followed here
                raise _Unknown
            return frozenset({fold(nxt)}), _NONE
        if c in ("^", "$"):
            self.i += 1
            return _EMPTY
        if c in (".", "{", "}"):
            self.i += 1
            return _OPAQUE
        self.i += 1
        return frozenset({fold(c)}), _NONE

    def _skip_class(self) -> None:
        j = self.i + 1
        if self.peek(1) == "^":
            j += 1
        if j < len(self.p) and self.p[j] == "]":
            j += 1
        while j < len(self.p) and self.p[j] != "]":
            j += 2 if self.p[j] == "\\" else 1
        if j >= len(self.p):
            raise _Unknown
        self.i = j + 1

    def group(self) -> Reading:
        p = self.p
        self.i += 1
        zero_width = False
        if self.peek() == "?":
            kind = self.peek(1)
            if kind == ":" or kind == ">":
                self.i += 2
            elif kind == "P" and self.peek(2) == "<":
                close = p.find(">", self.i)
                if close == -1:
                    raise _Unknown
                self.i = close + 1
            elif kind in ("=", "!"):
                self.i += 2
                zero_width = True
            elif kind == "<" and self.peek(2) in ("=", "!"):
                self.i += 3
                zero_width = True
            elif kind == "#":
                close = p.find(")", self.i)
                if close == -1:
                    raise _Unknown
                self.i = close + 1
                return _EMPTY
            else:
                j = self.i + 1
                while j < len(p) and p[j] in _FLAG_LETTERS:
                    j += 1
                if j >= len(p) or p[j] not in (":", ")"):
                    raise _Unknown  # (?P=name), (?(1)yes|no), verbose mode, ...
                flags_end = p[j]
                self.i = j + 1
                if flags_end == ")":  # global flags at the start: they match nothing
                    return _EMPTY
        inner = self.alternation()
        if self.peek() != ")":
            raise _Unknown
        self.i += 1
        return _EMPTY if zero_width else inner


def _class_digits(body: str) -> frozenset[str] | None:
    r"""The digits a class `[body]` stands for when it holds digits only (`0-9`, `12`, `\d`),
    else None (a negated class, letters, other escapes: not followed)."""
    out: set[str] = set()
    i = 0
    while i < len(body):
        c = body[i]
        if c == "\\" and body[i + 1 : i + 2] == "d":
            out |= DIGITS
            i += 2
        elif c in DIGITS and body[i + 1 : i + 2] == "-" and body[i + 2 : i + 3] in DIGITS:
            low, high = c, body[i + 2]
            if high < low:
                return None
            out |= {chr(k) for k in range(ord(low), ord(high) + 1)}
            i += 3
        elif c in DIGITS:
            out.add(c)
            i += 1
        else:
            return None
    return frozenset(out) or None


_REGISTERED: set[str] = set()
"""Every literal read so far in this process: a text index (app/checks/literal_index.py) finds
them all in one pass."""
_registry_lock = threading.Lock()
Clauses = tuple[Clause, ...]
_KNOWN: dict[str, Clauses | None] = {}
_asked: set[str] = set()  # patterns of _KNOWN whose literals were registered (on first use)
"""Literals read once and kept with the compiled rulebook (app/rulebook/cache.py): a one-off
command reads them from there instead of reading every pattern again."""


def required_clauses(pattern: str, shortest: int = MIN_LITERAL) -> Clauses | None:
    """Sets of folded strings such that every match of `pattern` contains one string of each
    set (the most selective set first), or None when unknown.

    Each string has at least `shortest` characters (digits, "@" and "/" count as long enough;
    `shortest=1` admits any one character, worth testing only for a slow and rare pattern)."""
    if shortest == MIN_LITERAL and pattern in _KNOWN:
        found = _KNOWN[pattern]
        if found and pattern not in _asked:  # in use here: the text index should find them
            _asked.add(pattern)
            _register(found)
        return found
    return _read(pattern, shortest)


def required_literals(pattern: str, shortest: int = MIN_LITERAL) -> frozenset[str] | None:
    """Folded strings one of which every match of `pattern` contains, or None when unknown:
    the most selective of `required_clauses`."""
    clauses = required_clauses(pattern, shortest)
    return clauses[0] if clauses else None


@lru_cache(maxsize=8192)
def _read(pattern: str, shortest: int) -> Clauses | None:
    reader = _Reader(pattern)
    try:
        reading = reader.alternation()
    except (_Unknown, ValueError, IndexError):
        return None
    if reader.i != len(pattern):  # an unbalanced `)`: not read
        return None
    exact, clauses = reading
    found = _prune(clauses | {exact} if exact is not None else clauses, shortest)
    if not found:
        return None
    out = tuple(sorted(found, key=_order, reverse=True))
    _register(out)
    return out


def _register(clauses: Clauses) -> None:
    global _version
    lits = frozenset().union(*clauses)
    if not lits <= _REGISTERED:
        with _registry_lock:
            _REGISTERED.update(lits)
            _version += 1


_version = 0


def version() -> int:
    """Changes whenever a literal is added (cheap: no copy)."""
    return _version


def registered() -> tuple[int, frozenset[str]]:
    """(version, every literal read so far): the version changes whenever a literal is added."""
    with _registry_lock:
        return _version, frozenset(_REGISTERED)


def read_all(patterns: set[str]) -> dict[str, Clauses | None]:
    """`required_clauses` of every pattern, to keep with a compiled rulebook."""
    return {p: _read(p, MIN_LITERAL) for p in patterns}


def preload(known: dict[str, Clauses | None]) -> None:
    """Take literals read earlier by `read_all` (the same code: the cache key hashes this module)."""
    _KNOWN.update(known)


def may_occur(pattern: str, low: str, shortest: int = MIN_LITERAL) -> bool:
    """False only when `pattern` cannot match a text whose folded form is `low`."""
    clauses = required_clauses(pattern, shortest)
    if clauses is None:
        return True
    for lits in clauses:  # (loops, not any(): this runs thousands of times per check)
        for lit in lits:
            if lit in low:
                break
        else:
            return False
    return True
