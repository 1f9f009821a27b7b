"""Every rule's embedded examples: `flag` sentences must produce a finding, `pass` ones none.

A failure names the rule and says "false negative" (a flag example not flagged) or "false
positive" (a pass example flagged). The meta-test fails when a sentence-level rule (any kind
but the legal vocabulary, jurisdiction files and the agency directory) has no examples.
"""

from __future__ import annotations

import pytest

from app.checks.context import CheckContext
from app.checks.engine import run_rule
from app.checks.text import segment
from app.core.config import PROJECT_ROOT
from app.rulebook.loader import load_rulebook

RULEBOOK = load_rulebook(PROJECT_ROOT / "rules")
DATA_KINDS = {"element_vocabulary", "legal_elements", "agency_directory"}
CASES = [
    pytest.param(rid, expect, text, id=f"{rid}:{expect}:{i}")
    for rid, rule in sorted(RULEBOOK.rules.items())
    if rule.kind not in DATA_KINDS and getattr(rule, "examples", None)
    for expect, texts in (("flag", rule.examples.flag), ("pass", rule.examples.pass_))
    for i, text in enumerate(texts)
]


def findings_for(rid: str, text: str, settings) -> list:  # type: ignore[no-untyped-def]
    """Run one rule on one example, with the facts and jurisdictions its examples name (facts-aware rules)."""
    from app.domain.facts import IncidentFacts

    rule = RULEBOOK.rules[rid]
    examples = rule.examples
    facts = IncidentFacts.model_validate(examples.facts) if examples.facts is not None else None
    ctx = CheckContext(
        doc=segment(text),
        rulebook=RULEBOOK,
        settings=settings,
        facts=facts,
        jurisdictions=tuple(examples.jurisdictions),
        # a channel's rule reads that channel's artifact; a Spanish rule reads Spanish text
        channel=getattr(rule, "channel", None) or (rule.channels[0] if rule.channels else "letter"),
        language=rule.languages[0] if getattr(rule, "languages", None) else "en",
    )
    return run_rule(rid, RULEBOOK.rules[rid], ctx)


@pytest.mark.parametrize(("rid", "expect", "text"), CASES)
def test_rule_example(rid: str, expect: str, text: str, settings) -> None:  # type: ignore[no-untyped-def]
    found = findings_for(rid, text, settings)
    if expect == "flag":
        assert found, f"{rid}: false negative: example not flagged: {text!r}"
    else:
        assert not found, f"{rid}: false positive: {found[0].message!r} on {text!r}"


def test_every_sentence_rule_has_examples() -> None:
    missing = [
        rid
        for rid, rule in sorted(RULEBOOK.rules.items())
        if rule.kind not in DATA_KINDS
        and not (rule.examples and rule.examples.flag and rule.examples.pass_)
    ]
    assert not missing, f"rules without flag and pass examples: {missing}"


def test_meta_test_catches_a_rule_without_examples(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    shutil.copytree(PROJECT_ROOT / "rules", tmp_path / "rules")
    (tmp_path / "rules" / "empathy" / "bare.yml").write_text(
        "kind: phrases\nmode: avoid\nmessage: 'Avoid {match}.'\ntokens: ['\\bsynergy\\b']\n"
    )
    rb = load_rulebook(tmp_path / "rules")
    bare = rb.rules["empathy.bare"]
    assert not (bare.examples and bare.examples.flag), (
        "the meta-test would not notice a rule without examples"
    )


def test_there_are_examples() -> None:
    assert len(CASES) >= 40
