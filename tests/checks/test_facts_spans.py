"""The facts check reads phone numbers, e-mail addresses and websites only inside the sentences
that may hold one: it must find exactly the matches reading the whole text finds (list markers,
headings, wrapped and short lines, abbreviations, addresses at sentence ends, folding that
changes offsets)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from app.checks.facts_consistency import regexes, statements
from app.checks.text import segment

PIECES = st.sampled_from(
    [
        "Call 1-800-555-0100. ",
        "Call (312) 555-0199 today. ",
        "+1 415.555.0123",
        "1. 800 555 0142\n",
        "- 617-555-0100\n",
        "## Call 212-555-0100\n",
        "No. 555-0100-1234. ",
        "Write to help@lakeview-clinic.org.",
        "Write to a.b+c@mail.example.co.uk. Then call.",
        "Visit https://www.example.com/enrol?x=1. ",
        "see lakeview.org, or www.unknown-site.net\n",
        "example.com",
        "8 a.m. to 5 p.m. Call 888-397-3742.",
        "U.S. 555.123.4567 Inc. 555 123 4567",
        "\n\n",
        "\n",
        " ",
        "We are sorry. ",
        "**Contact us**\n",
        "Straße ",
    ]
)
LETTERS = st.lists(
    st.one_of(PIECES, st.text(alphabet="ab .-@()+/\n1", max_size=12)), max_size=25
).map("".join)


@pytest.mark.parametrize("kind", ["phone", "email", "site"])
@hsettings(max_examples=150, deadline=None)
@given(text=LETTERS)
def test_sentence_reading_finds_what_the_whole_text_holds(kind, text: str) -> None:  # type: ignore[no-untyped-def]
    assert _found(kind, text) == [
        (m.start(), m.end()) for m in getattr(regexes(), kind).finditer(text)
    ]


def _found(kind: str, text: str) -> list[tuple[int, int]]:
    """The spans the facts check reads, sentence by sentence (`phone`, `email` or `site`)."""
    return [
        (at + s, at + e)
        for at, st in statements(segment(text))
        for s, e, *_ in getattr(st, kind + "s")
    ]


def test_a_found_address_is_the_whole_match() -> None:
    text = "Questions? Write to help@lakeview.example.org.\n\n- Call 1 (800) 555-0100\n"
    found = {k: [text[s:e] for s, e in _found(k, text)] for k in ("email", "phone", "site")}
    assert found == {
        "email": ["help@lakeview.example.org"],
        "phone": ["1 (800) 555-0100"],
        "site": ["lakeview.example.org"],
    }
