"""Literal prefilters: skip a regex on text where it provably cannot match.

For a rule regex, `required_literals` derives a set of plain strings such that **every** match
of the regex contains at least one of them (e.g. `\\bout of an abundance of caution\\b` needs
"out of an abundance of caution"; `\\b(?:hackers?|phishing)\\b` needs "hacker" or "phishing").
When none of them occurs in a piece of text, the regex cannot match there, so a check may skip
it without changing its result. This is sound for any pattern (anchors, lookarounds and `\\b`
included), because the regex itself still runs, unchanged, wherever a literal does occur; the
prefilter only answers "cannot match here".

Case: literals are lower-cased and compared with `folded(text)`, the text lower-cased after
mapping the only characters that Python's case-insensitive matching equates with an ASCII
letter although `str.lower` does not (`İ`, `ı` → `i`, `ſ` → `s`). Literals are ASCII only, so
contextual lower-casing (final sigma) never matters. When folding would change the text's
length (so offsets no longer line up) `folded` returns None and callers run every regex.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

try:  # Python 3.11+
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser as _p  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT} | ({_c.POSSESSIVE_REPEAT} if hasattr(_c, "POSSESSIVE_REPEAT") else set())
_GROUPS = {_c.SUBPATTERN} | ({_c.ATOMIC_GROUP} if hasattr(_c, "ATOMIC_GROUP") else set())
_ZERO_WIDTH = {_c.AT}
_BACKREFS = {_c.GROUPREF, _c.GROUPREF_EXISTS} | ({_c.GROUPREF_IGNORE} if hasattr(_c, "GROUPREF_IGNORE") else set())
_FOLD = str.maketrans({"İ": "i", "ı": "i", "ſ": "s"})

Literals = frozenset[str]


def _better(a: Literals | None, b: Literals | None) -> Literals | None:
    """The more selective of two necessary-literal sets (longest shortest literal, then fewest)."""
    if a is None:
        return b
    if b is None:
        return a
    ka, kb = (min(map(len, a)), -len(a)), (min(map(len, b)), -len(b))
    return a if ka >= kb else b


def _analyse(items: list, icase: bool) -> tuple[str | None, Literals | None]:
    """(exact, best): `exact` is the whole match when the sequence is one fixed string; `best`
    a set of literals one of which every match of the sequence contains (None: no constraint)."""
    best: Literals | None = None
    run: list[str] = []
    exact_ok = True

    def flush() -> None:
        nonlocal best
        if run:
            best = _better(best, frozenset(["".join(run)]))
            run.clear()

    for op, av in items:
        if op is _c.LITERAL:
            ch = chr(av)
            if ch.isascii():
                run.append(ch.lower())
                continue
            exact_ok = False
            flush()
        elif op in _ZERO_WIDTH:
            continue  # zero-width: the characters around it are still adjacent in the match
        elif op in _GROUPS:
            if op is _c.SUBPATTERN:
                _group, add, dele, sub = av
                inner_icase = (icase or bool(add & _c.SRE_FLAG_IGNORECASE)) and not (dele & _c.SRE_FLAG_IGNORECASE)
            else:
                sub, inner_icase = av, icase
            exact, inner = _analyse(list(sub), inner_icase)
            if exact is not None:
                run.append(exact)
                continue
            exact_ok = False
            flush()
            best = _better(best, inner)
        elif op is _c.BRANCH:
            exact_ok = False
            flush()
            alts = [_analyse(list(alt), icase) for alt in av[1]]
            if all(inner is not None for _, inner in alts):
                union: set[str] = set()
                for exact, inner in alts:
                    union.update({exact} if exact is not None else inner)  # type: ignore[arg-type]
                if "" not in union:
                    best = _better(best, frozenset(union))
        elif op in _REPEATS:
            exact_ok = False
            flush()
            lo, _hi, sub = av
            if lo >= 1:
                exact, inner = _analyse(list(sub), icase)
                best = _better(best, frozenset([exact]) if exact else inner)
        else:  # character classes, any, lookarounds, back-references: no literal, breaks the run
            exact_ok = False
            flush()
    if exact_ok:
        return "".join(run), (frozenset(["".join(run)]) if run else None)
    flush()
    return None, best


@lru_cache(maxsize=8192)
def required_literals(pattern: str, ignorecase: bool = True) -> Literals | None:
    """Lower-case strings one of which every match of `pattern` contains; None when unknown.

    `ignorecase` only documents the compile flags; literals are always compared lower-cased
    with `folded(text)`, which is a necessary condition in both cases.
    """
    try:
        parsed = _p.parse(pattern, re.IGNORECASE | re.MULTILINE if ignorecase else re.MULTILINE)
    except Exception:  # noqa: BLE001  anything the parser dislikes: no prefilter
        return None
    _, best = _analyse(list(parsed), ignorecase)
    if not best or "" in best:
        return None
    return best


@lru_cache(maxsize=8192)
def has_backrefs(pattern: str) -> bool:
    """True when the pattern refers to its own groups (dropping alternatives around it would renumber them)."""
    try:
        parsed = _p.parse(pattern, re.MULTILINE)
    except Exception:  # noqa: BLE001
        return True

    def walk(items: list) -> bool:
        for op, av in items:
            if op in _BACKREFS:
                return True
            if op in _GROUPS:
                if walk(list(av[-1])):
                    return True
            elif op is _c.BRANCH:
                if any(walk(list(alt)) for alt in av[1]):
                    return True
            elif op in _REPEATS:
                if walk(list(av[2])):
                    return True
            elif op in (_c.ASSERT, _c.ASSERT_NOT):
                if walk(list(av[1])):
                    return True
        return False

    return walk(list(parsed))


def folded(text: str) -> str | None:
    """`text` lower-cased for literal tests, offset for offset; None when that is impossible."""
    if text.isascii():
        return text.lower()
    low = text.translate(_FOLD).lower()
    return low if len(low) == len(text) else None


def may_match(literals: Literals | None, low: str | None) -> bool:
    """False only when no literal occurs in the folded text (the regex cannot match it)."""
    if literals is None or low is None:
        return True
    return any(lit in low for lit in literals)


def units_with(literals: Literals, low: str, starts: list[int], ends: list[int]) -> set[int]:
    """Indices of units (sorted, non-overlapping spans `starts[i]:ends[i]` of the text) that
    fully contain an occurrence of one of the literals."""
    out: set[int] = set()
    for lit in literals:
        n = len(lit)
        i = low.find(lit)
        while i != -1:
            k = bisect_right(starts, i) - 1
            if k >= 0:
                if i + n <= ends[k]:
                    out.add(k)
                    i = low.find(lit, ends[k])  # the rest of this unit cannot add anything
                    continue
            i = low.find(lit, i + 1)
    return out
