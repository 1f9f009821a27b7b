"""Word-level redline of two letter texts, for version history, conflicts and facts updates (UI and API)."""

from __future__ import annotations

import re

from diff_match_patch import diff_match_patch

# A token is a run of spaces, one punctuation mark, or a word; a word keeps inner joiners, so a phone
# number (1-877-555-0142), an e-mail address, a date (2026-10-02) or "it's" is one word.
_TOKEN = re.compile(r"\s+|\w+(?:[-.'\u2019/@:]\w+)*|[^\w\s]", re.UNICODE)


def _token_char(i: int) -> str:
    """The i-th distinct token as one character (surrogates skipped), so the diff runs per token."""
    return chr(0x100 + i + (0x800 if 0x100 + i >= 0xD800 else 0))


def redline(old: str, new: str) -> list[tuple[str, str]]:
    """Word-level diff of two texts as (op, text) segments, op in equal | delete | insert.

    Each word (with its inner hyphens, dots and @: a phone number is one word), run of spaces and
    punctuation mark is one token, so a change never cuts a word;
    diff-match-patch's semantic clean-up then folds the small equal bits between changes
    (a space, "the") into the change, so a rewritten phrase reads as one deleted phrase and one
    inserted phrase instead of interleaved fragments.
    """
    table: dict[str, str] = {}
    tokens: list[str] = []

    def encode(text: str) -> str:
        out = []
        for tok in _TOKEN.findall(text):
            if tok not in table:
                table[tok] = _token_char(len(tokens))
                tokens.append(tok)
            out.append(table[tok])
        return "".join(out)

    a, b = encode(old), encode(new)
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0  # exact: letters are short, and a timeout would make diffs differ by load
    diffs = dmp.diff_main(a, b, False)
    dmp.diff_cleanupSemantic(diffs)
    by_char = {c: tok for tok, c in table.items()}
    out: list[tuple[str, str]] = []
    for op, chars in diffs:
        name = _OPS[op]
        text = "".join(by_char[c] for c in chars)
        if not text:
            continue
        if out and out[-1][0] == name:
            out[-1] = (name, out[-1][1] + text)
        else:
            out.append((name, text))
    return out


_OPS = {0: "equal", -1: "delete", 1: "insert"}
