"""Every element detector's embedded examples: `flag` texts are detected, `pass` texts are not.

The element vocabulary (rules/legal/elements.yml) is the detection contract: a rule author who
changes a detector sees which example broke. The meta-test fails when an element has no
examples (elements that are always present, like `plain_language`, need only `flag`).
"""

from __future__ import annotations

import pytest

from app.checks.legal import detect
from app.checks.text import segment
from app.core.config import PROJECT_ROOT
from app.rulebook.loader import load_rulebook

RULEBOOK = load_rulebook(PROJECT_ROOT / "rules")
CASES = [
    pytest.param(eid, expect, text, id=f"{eid}:{expect}:{i}")
    for eid, edef in sorted(RULEBOOK.elements.items())
    if edef.examples
    for expect, texts in (("flag", edef.examples.flag), ("pass", edef.examples.pass_))
    for i, text in enumerate(texts)
]


def _always_present(edef) -> bool:  # type: ignore[no-untyped-def]
    return edef.detect == ["."]


@pytest.mark.parametrize(("eid", "expect", "text"), CASES)
def test_element_example(eid: str, expect: str, text: str) -> None:
    found = detect(segment(text), RULEBOOK.elements[eid])
    if expect == "flag":
        assert found is not None, f"{eid}: not detected in its flag example {text!r}"
    else:
        assert found is None, (
            f"{eid}: detected in its pass example {text!r} (evidence {found.text!r})"
        )


def test_every_element_has_examples() -> None:
    missing = [
        eid
        for eid, edef in sorted(RULEBOOK.elements.items())
        if not (
            edef.examples and edef.examples.flag and (edef.examples.pass_ or _always_present(edef))
        )
    ]
    assert not missing, f"elements without flag and pass examples: {missing}"
