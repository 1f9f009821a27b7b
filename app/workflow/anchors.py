"""Carry a range of one version's text to another version (comments, suggestions).

Offsets are code points, as in check reports. A range is mapped through the character diff
between the two texts (diff-match-patch); when the words it covered were rewritten around it, the
nearest copy of its quoted text close by is used; when they are gone, it has no anchor (orphaned).
"""

from __future__ import annotations

from diff_match_patch import diff_match_patch

NEAR = 300
"""How far (code points) from where its range maps a moved quote may be found again: a short
quote ("trust") deleted here must not jump to the same word three paragraphs away."""


def _nearest(text: str, quote: str, around: int) -> tuple[int, int] | None:
    """The occurrence of `quote` in `text` closest to `around`, within NEAR."""
    if not quote:
        return None
    best, i = None, text.find(quote, max(0, around - NEAR - len(quote)))
    while 0 <= i <= around + NEAR:
        if best is None or abs(i - around) < abs(best - around):
            best = i
        i = text.find(quote, i + 1)
    return None if best is None else (best, best + len(quote))


def map_range(old: str, new: str, start: int, end: int, quote: str) -> tuple[int, int] | None:
    """Where the range [start, end) of `old` (which covered `quote`) is in `new`, or None."""
    if old == new:
        return (start, end) if new[start:end] == quote else _nearest(new, quote, start)
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0.5
    diffs = dmp.diff_main(old, new, False)
    s, e = dmp.diff_xIndex(diffs, start), dmp.diff_xIndex(diffs, end)
    if 0 <= s <= e <= len(new) and new[s:e] == quote:
        return s, e
    return _nearest(new, quote, s)
