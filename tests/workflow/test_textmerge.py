"""Three-way sentence merge (app.workflow.textmerge): pure, with Hypothesis for the merge laws."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.workflow.textmerge import chunks, merge

BASE = (
    "Dear Sam,\n\nWe found the breach on May 1. Call us at 1-800-555-0100. We are sorry.\n\nDana\n"
)


def test_chunks_split_sentences_and_lines_and_join_back() -> None:
    assert chunks(BASE) == [
        "Dear Sam,\n",
        "\n",
        "We found the breach on May 1. ",
        "Call us at 1-800-555-0100. ",
        "We are sorry.\n",
        "\n",
        "Dana\n",
    ]
    assert "".join(chunks("No end")) == "No end" and chunks("") == []


def test_edits_of_different_sentences_merge_even_when_neighbours() -> None:
    ours = BASE.replace("We are sorry.", "We are truly sorry.")
    theirs = BASE.replace("1-800-555-0100", "1-888-555-0199")
    m = merge(BASE, ours, theirs)
    assert m.clean and m.text == BASE.replace("We are sorry.", "We are truly sorry.").replace(
        "1-800-555-0100", "1-888-555-0199"
    )
    assert m.taken_from_theirs >= 1 and m.taken_from_ours >= 1


def test_edits_of_the_same_sentence_overlap_and_keep_both_sides() -> None:
    ours = BASE.replace("Call us at", "Phone us at")
    theirs = BASE.replace("1-800-555-0100", "1-888-555-0199")
    m = merge(BASE, ours, theirs)
    assert not m.clean and len(m.overlaps) == 1
    o = m.overlaps[0]
    assert (o.base, o.ours, o.theirs) == (
        "Call us at 1-800-555-0100. ",
        "Phone us at 1-800-555-0100. ",
        "Call us at 1-888-555-0199. ",
    )
    with pytest.raises(ValueError):
        _ = m.text
    assert m.missing_choices({}) == [0]
    assert "Phone us at 1-800" in m.resolve({0: "ours"}) and "1-888" not in m.resolve({0: "ours"})
    both = m.resolve({0: "both"})
    assert "Call us at 1-888-555-0199. Phone us at 1-800-555-0100. " in both
    assert o.dropped("ours") == o.theirs and o.dropped("both") == ""


def test_two_additions_at_the_same_place_overlap() -> None:
    m = merge(BASE, BASE + "P.S. Alice.\n", BASE + "P.S. Bob.\n")
    assert [(o.ours, o.theirs) for o in m.overlaps] == [("P.S. Alice.\n", "P.S. Bob.\n")]
    assert m.resolve({0: "both"}).endswith("P.S. Bob.\nP.S. Alice.\n")


word = st.text(alphabet="abcdefgh", min_size=2, max_size=6)
sentence = st.lists(word, min_size=1, max_size=3).map(lambda ws: " ".join(ws) + ". ")
texts = st.lists(sentence, min_size=1, max_size=8).map("".join)


@given(texts, texts)
def test_merge_laws(base: str, other: str) -> None:
    assert merge(base, other, base).text == other  # only ours changed
    assert merge(base, base, other).text == other  # only theirs changed
    assert merge(base, other, other).text == other  # both made the same change


@given(st.lists(sentence, min_size=4, max_size=10, unique=True), st.data())
def test_disjoint_sentence_edits_always_merge(sentences: list[str], data: st.DataObject) -> None:
    i = data.draw(st.integers(0, len(sentences) - 1))
    j = data.draw(st.integers(0, len(sentences) - 1).filter(lambda k: k != i))
    ours, theirs = list(sentences), list(sentences)
    ours[i] = "OURS EDIT. "
    theirs[j] = "THEIRS EDIT. "
    m = merge("".join(sentences), "".join(ours), "".join(theirs))
    expected = list(sentences)
    expected[i], expected[j] = "OURS EDIT. ", "THEIRS EDIT. "
    assert m.clean and m.text == "".join(expected)
