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


def may_match(literals: Literals | None, low: str | None, table: bool = True) -> bool:
    """False only when no literal occurs in the folded text (the regex cannot match it).
    `table=False`: a piece of a text (a paragraph) that is not worth its own one-pass table."""
    if literals is None or low is None:
        return True
    if not table or len(low) < _TABLE_MIN:
        return any(lit in low for lit in literals)
    universe, hits = _table(low)
    for lit in literals:
        if lit in universe:
            if lit in hits:
                return True
        else:
            _UNIVERSE[lit] = None  # covered by the next text's scan
            if lit in low:
                return True
    return False


def units_with(literals: Literals, low: str, starts: list[int], ends: list[int]) -> set[int]:
    """Indices of units (sorted, non-overlapping spans `starts[i]:ends[i]` of the text) that
    fully contain an occurrence of one of the literals."""
    out: set[int] = set()
    for lit in literals:
        n = len(lit)
        for i in occurrences(low, lit):
            k = bisect_right(starts, i) - 1
            if k >= 0 and i + n <= ends[k]:
                out.add(k)
    return out


# --- All literals in one pass ------------------------------------------------------------------
# A whole letter is scanned once for every literal the rules have asked about (`_UNIVERSE`: only
# strings derived from rule regexes, never from a text), instead of once per literal. The scan
# is a look-ahead over a trie of the literals: at each position it matches the longest literal
# starting there, and every other literal starting there is a prefix of that one, so the table
# lists, for each literal, exactly the (overlapping) start offsets `str.find` would give. A
# literal asked about for the first time is looked up with `str.find` and joins the next scan.

_TABLE_MIN = 1000
"""Texts shorter than this (sentences) are searched literal by literal."""
_UNIVERSE: dict[str, None] = {}
_SCANNER: tuple[int, re.Pattern[str], dict[str, tuple[str, ...]], tuple[str, ...]] | None = None


def _trie_regex(words: list[str]) -> str:
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        alts = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body  # greedy: the longer literal first

    return emit(trie)


def _scanner() -> tuple[int, re.Pattern[str], dict[str, tuple[str, ...]], tuple[str, ...]]:
    """(universe size, trie look-ahead over the literals without a line break, literal -> the
    literals it starts with, the literals with a line break)."""
    global _SCANNER
    current = _SCANNER
    if current is None or current[0] != len(_UNIVERSE):
        lits = list(_UNIVERSE)
        inline = [x for x in lits if "\n" not in x]
        chains = {g: tuple(x for x in inline if g.startswith(x)) for g in inline}
        rx = re.compile("(?=(" + _trie_regex(inline) + "))") if inline else re.compile(r"(?!)")
        current = _SCANNER = (len(lits), rx, chains, tuple(x for x in lits if "\n" in x))
    return current


@lru_cache(maxsize=4096)
def _line_matches(line: str, rx: re.Pattern[str]) -> tuple[tuple[int, str], ...]:
    """(offset, longest literal starting there) for one line of a folded text, cached per line
    (and scanner): re-checking an edited letter rescans only the lines that changed."""
    return tuple((m.start(), m.group(1)) for m in rx.finditer(line))


@lru_cache(maxsize=64)
def _table(low: str) -> tuple[frozenset[str], dict[str, tuple[int, ...]]]:
    """(literals covered, literal -> start offsets) for one folded text; cleared per text.

    A literal without a line break lies within one line, so the text's table is its lines'
    tables (offsets shifted by each line's start); the few literals with a line break are
    looked up in the whole text with `str.find`."""
    if not _UNIVERSE:
        return frozenset(), {}
    _n, rx, chains, multiline = _scanner()
    hits: dict[str, list[int]] = {}
    pos = 0
    for line in low.split("\n"):
        if line:
            for p, g in _line_matches(line, rx):
                p += pos
                for lit in chains[g]:
                    if lit in hits:
                        hits[lit].append(p)
                    else:
                        hits[lit] = [p]
        pos += len(line) + 1
    for lit in multiline:
        i = low.find(lit)
        if i != -1:
            found = hits[lit] = []
            while i != -1:
                found.append(i)
                i = low.find(lit, i + 1)
    return frozenset(chains).union(multiline), {k: tuple(v) for k, v in hits.items()}


@lru_cache(maxsize=32_768)
def occurrences(low: str, lit: str) -> tuple[int, ...]:
    """Start offsets of every (overlapping) occurrence of `lit` in the folded text, once per text
    and literal (many rules share literals); cleared with the other per-text caches."""
    if len(low) >= _TABLE_MIN and lit:
        universe, hits = _table(low)
        if lit in universe:
            return hits.get(lit, ())
        _UNIVERSE[lit] = None
    out = []
    i = low.find(lit)
    while i != -1:
        out.append(i)
        i = low.find(lit, i + 1)
    return tuple(out)


@lru_cache(maxsize=8192)
def required_sets(pattern: str, most: int = 1) -> tuple[Literals, ...]:
    """Several literal sets that are each necessary for a match (a match contains one literal of
    every set), the most selective first; () when there is none. Intersecting the units that
    contain each set prunes more than one set alone (a date *and* a breach verb)."""
    try:
        parsed = _p.parse(pattern, re.MULTILINE)
    except Exception:  # noqa: BLE001
        return ()
    exact, cands, _w = _anchor_seq(list(parsed), parsed.state)
    sets = {frozenset([exact])} if exact else {lits for lits, _ in cands if lits and "" not in lits}
    ranked = sorted(sets, key=lambda x: (-min(map(len, x)), len(x), sorted(x)))
    return tuple(ranked[:most])


# --- Anchored scans: whole-text finditer that only tries positions near a required literal ----

_INF = 10**9
MAX_ANCHOR_WIDTH = 48
"""Largest distance between a match start and its anchor literal worth scanning position by position."""


def _width(state: object, item: tuple) -> int:
    hi = _p.SubPattern(state, [item]).getwidth()[1]
    return _INF if hi >= _INF else int(hi)


def _pick(cands: list[tuple[Literals, int]]) -> tuple[Literals, int] | None:
    """The anchor to scan by: near the match start first, then the most selective literals."""
    usable = [c for c in cands if c[1] <= MAX_ANCHOR_WIDTH]
    if not usable:
        return None
    return max(usable, key=lambda c: (min(map(len, c[0])) >= 3, -c[1], min(map(len, c[0])), -len(c[0])))


def _anchor_seq(items: list, state: object) -> tuple[str | None, list[tuple[Literals, int]], int]:
    """(exact, candidates, max width) of a sequence; a candidate (literals, w) means every match
    of the sequence contains one of the literals starting at most w characters after its start."""
    cands: list[tuple[Literals, int]] = []
    prefix = 0  # max width consumed so far
    run: list[str] = []
    run_at = 0
    exact_ok = True

    def flush() -> None:
        if run:
            cands.append((frozenset(["".join(run)]), run_at))
            run.clear()

    def extend(s: str) -> None:
        nonlocal run_at, prefix
        if not run:
            run_at = prefix
        run.append(s)
        prefix = min(_INF, prefix + len(s))

    for item in items:
        op, av = item
        if op is _c.LITERAL and chr(av).isascii():
            extend(chr(av).lower())
            continue
        if op in _ZERO_WIDTH:
            continue
        if op in _GROUPS:
            sub = av[-1] if op is _c.SUBPATTERN else av
            exact, inner, w = _anchor_seq(list(sub), state)
            if exact is not None:
                if exact:
                    extend(exact)
                continue
            exact_ok = False
            flush()
            cands.extend((lits, min(_INF, prefix + iw)) for lits, iw in inner)
            prefix = min(_INF, prefix + w)
            continue
        exact_ok = False
        flush()
        if op is _c.BRANCH:
            alts = [_anchor_seq(list(alt), state) for alt in av[1]]
            union: set[str] = set()
            worst = 0
            for exact, inner, _w in alts:
                if exact:
                    union.add(exact)
                    continue
                best = _pick(inner)
                if best is None:
                    union = set()
                    break
                union.update(best[0])
                worst = max(worst, best[1])
            if union and "" not in union:
                cands.append((frozenset(union), min(_INF, prefix + worst)))
        elif op in _REPEATS and av[0] >= 1:
            exact, inner, _w = _anchor_seq(list(av[2]), state)
            if exact:
                cands.append((frozenset([exact]), prefix))
            else:
                cands.extend((lits, min(_INF, prefix + iw)) for lits, iw in inner)
        prefix = min(_INF, prefix + _width(state, item))
    if exact_ok:
        return "".join(run), [], prefix
    flush()
    return None, cands, prefix


@lru_cache(maxsize=8192)
def anchor(pattern: str) -> tuple[Literals, int] | None:
    """(literals, w): every match of `pattern` contains one of the (lower-case) literals starting at
    most `w` characters after the match start; None when there is no such anchor within
    MAX_ANCHOR_WIDTH (the pattern is then scanned the ordinary way)."""
    try:
        parsed = _p.parse(pattern, re.MULTILINE)
    except Exception:  # noqa: BLE001
        return None
    exact, cands, _w = _anchor_seq(list(parsed), parsed.state)
    if exact:
        cands = [(frozenset([exact]), 0)]
    return _pick(cands)


@lru_cache(maxsize=8192)
def start_plan(pattern: str) -> tuple[tuple[str, Literals | None, Literals | None, int], ...] | None:
    """Where matches of `pattern` can start, per top-level alternative: (kind, anchor literals,
    required literals, width). kind "lits": every match of the alternative contains one of the
    anchor literals starting at most `width` characters after the match start; "bol": the
    alternative begins with `^` (matches start at a line start); "bos": with `\\A` (at 0).
    An alternative whose required literals are all absent cannot match at all. None: some
    alternative has no such plan (or could match the empty string); scan the ordinary way."""
    try:
        parsed = _p.parse(pattern, re.MULTILINE)
    except Exception:  # noqa: BLE001
        return None
    items = list(parsed)
    alts = [list(a) for a in items[0][1][1]] if len(items) == 1 and items[0][0] is _c.BRANCH else [items]
    plan: list[tuple[str, Literals | None, Literals | None, int]] = []
    for alt in alts:
        exact, req = _analyse(alt, True)
        if exact is not None:
            req = frozenset([exact]) if exact else None
        if req is not None and "" in req:
            req = None
        first = alt[0] if alt else None
        while first is not None and first[0] in _GROUPS:  # the first thing a match of a group meets
            sub = list(first[1][-1] if first[0] is _c.SUBPATTERN else first[1])
            first = sub[0] if sub else None
        if first is not None and first[0] is _c.AT and first[1] in (_c.AT_BEGINNING, _c.AT_BEGINNING_STRING):
            if req is None:  # only its literal guarantees the alternative never matches empty
                return None
            plan.append(("bol" if first[1] is _c.AT_BEGINNING else "bos", None, req, 0))
            continue
        a_exact, cands, _w = _anchor_seq(alt, parsed.state)
        best = (frozenset([a_exact]), 0) if a_exact else _pick(cands)
        if best is None:
            return None
        plan.append(("lits", best[0], req, best[1]))
    return tuple(plan)


def _plan_starts(plan: tuple[tuple[str, Literals | None, Literals | None, int], ...], low: str) -> list[int]:
    """Sorted positions where a match of a pattern with this `start_plan` may start."""
    pos: set[int] = set()
    for kind, lits, req, w in plan:
        if req is not None and not any(lit in low for lit in req):
            continue  # this alternative cannot match anywhere in the text
        if kind == "bos":
            pos.add(0)
        elif kind == "bol":
            pos.add(0)
            pos.update(i + 1 for i in occurrences(low, "\n"))
        else:
            for lit in lits:  # type: ignore[union-attr]
                for o in occurrences(low, lit):
                    pos.update(range(max(0, o - w), o + 1))
    return sorted(pos)


def finditer_from(pattern: re.Pattern[str], text: str, starts: list[int]) -> list[re.Match[str]]:
    """Exactly `list(pattern.finditer(text))` minus empty matches, for a pattern that never
    matches the empty string, given sorted positions that include every position where a match
    can start: `pattern.match` at a position is the very attempt `search` makes there (same
    look-behind and `^` context), so trying the positions from `cur` on in order finds the
    leftmost match at or after `cur`, which is `finditer`'s next match."""
    out: list[re.Match[str]] = []
    cur = 0
    match = pattern.match
    for p in starts:
        if p < cur:
            continue
        m = match(text, p)
        if m is not None and m.end() > m.start():
            out.append(m)
            cur = m.end()
    return out


def finditer(pattern: re.Pattern[str], text: str, low: str | None) -> list[re.Match[str]]:
    """Exactly `list(pattern.finditer(text))` minus empty matches, trying only positions near an
    anchor literal (or line starts, for an alternative that begins with `^`) when that is cheaper.

    Every match of an alternative starts at most w characters before an occurrence of one of
    its anchor literals (`start_plan`, `anchor`), and an alternative none of whose required
    literals occurs cannot match; so every match starts at one of the positions `_plan_starts`
    lists, and `finditer_from` over them finds what `finditer` finds. Empty matches are dropped
    (every caller drops them; a pattern with a plan has none).
    """
    if low is not None and not may_match(required_literals(pattern.pattern), low):
        return []  # a required literal is missing: no match anywhere
    plan = start_plan(pattern.pattern) if low is not None else None
    if plan is not None:
        starts = _plan_starts(plan, low)  # type: ignore[arg-type]
        if len(starts) * 12 <= len(text):  # dense candidates: the plain scan is cheaper
            return finditer_from(pattern, text, starts)
        return [m for m in pattern.finditer(text) if m.end() > m.start()]
    a = anchor(pattern.pattern) if low is not None else None
    if a is not None:
        lits, w = a
        found = sorted({i for lit in lits for i in occurrences(low, lit)})  # type: ignore[arg-type]
        if len(found) * (w + 1) * 12 > len(text):  # dense anchors: the plain scan is cheaper
            a = None
    if a is None:
        return [m for m in pattern.finditer(text) if m.end() > m.start()]
    out: list[re.Match[str]] = []
    cur = 0
    match = pattern.match
    for o in found:
        if o < cur:
            continue
        for p in range(max(cur, o - w), o + 1):
            m = match(text, p)
            if m is not None and m.end() > m.start():
                out.append(m)
                cur = m.end()
                break
        else:
            cur = o + 1
    return out


def search(pattern: re.Pattern[str], text: str, low: str | None) -> re.Match[str] | None:
    """Exactly `pattern.search(text)` (a pattern with an anchor literal has no empty match)."""
    if low is not None and not may_match(required_literals(pattern.pattern), low):
        return None  # a required literal is missing: no match anywhere
    if low is None or (start_plan(pattern.pattern) is None and anchor(pattern.pattern) is None):
        return pattern.search(text)
    found = finditer(pattern, text, low)
    return found[0] if found else None
