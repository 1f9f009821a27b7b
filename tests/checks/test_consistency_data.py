"""Consistency of the data involved and the monitoring provider across an incident's artifacts:
Candor's own drafts agree in every tone and language; a data type one artifact lists and another
leaves out, or another provider's name, is an error naming both places; the same data in other
words (prose, "SSNs", "card details") is not."""

from __future__ import annotations

import re

import pytest
import yaml

from app.checks.consistency import Artifact, check_consistency
from app.checks.consistency_data import data_involved, providers
from app.checks.data_terms import mentions
from app.cli import main
from app.core.config import PROJECT_ROOT
from app.domain.channels import CHANNELS
from app.domain.datatypes import LABELS, DataType
from app.letters.artifacts import draft_artifact

TEMPLATES = PROJECT_ROOT / "templates" / "letters"
CASES = {  # example: (letter variant, regulator notice)
    "retailer-card-breach": ("US-CA", "US-MA"),
    "hospital-ransomware": ("US-HIPAA", "US-HIPAA"),
    "saas-credentials": ("EU-GDPR", "EU-GDPR"),
}


def _draft(example, facts, rulebook, language="en", tone="plain"):  # type: ignore[no-untyped-def]
    code, regulator = CASES[example]
    return {
        ch: draft_artifact(
            facts,
            rulebook,
            TEMPLATES,
            tone=tone,
            channel=ch,
            language=language,
            jurisdiction=regulator if ch == "regulator" else code,
        ).text
        for ch in CHANNELS
    }


def _check(texts, facts=None, rulebook=None):  # type: ignore[no-untyped-def]
    return check_consistency([Artifact(n, t) for n, t in texts.items()], facts, rulebook)


def _errors(found, rule):  # type: ignore[no-untyped-def]
    return [(n, f) for n, f in found if f.severity.value == "error" and f.rule == rule]


def _labels() -> list[tuple[str, str]]:
    """Every label Candor's templates print for a data type, English and Spanish."""
    out = [(t.value, text) for t, text in LABELS.items() if t is not DataType.other]
    for path in (TEMPLATES / "content.yml", TEMPLATES / "es" / "content.yml"):
        content = yaml.safe_load(path.read_text())
        out += [(t, text) for t, text in content.get("labels", {}).items() if t != "other"]
        out += [(t, text) for t, text in content.get("intl", {}).items()]
        out += [(p["type"], p["text"]) for p in content.get("paired", [])]
    return out


@pytest.mark.parametrize(("data_type", "label"), _labels())
def test_every_label_the_templates_print_names_its_type(data_type, label) -> None:  # type: ignore[no-untyped-def]
    found = mentions(label[0].upper() + label[1:])
    assert found and found[0][0] == 0 and found[0][2].value == data_type, (label, found)


@pytest.mark.parametrize("tone", ["plain", "formal", "empathetic"])
@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("example", sorted(CASES))
def test_drafts_list_the_facts_data_and_provider_and_agree(
    example, language, tone, example_facts, rulebook
) -> None:  # type: ignore[no-untyped-def]
    facts = example_facts[example]
    texts = _draft(example, facts, rulebook, language, tone)
    cm = facts.services.credit_monitoring
    for channel, text in texts.items():
        assert {m.key for m in data_involved(text)} == {t.value for t in facts.data_types}, channel
        named = {m.key for m in providers(text, (facts.organisation.name,))}
        assert named == ({cm.provider.lower()} if cm else set()), channel
    assert _check(texts, facts, rulebook) == []
    # without the facts, nothing disagrees either (the agencies' numbers are nobody's mismatch)
    assert _check(texts, None, rulebook) == []


@pytest.mark.parametrize("with_facts", [True, False])
def test_a_faq_listing_a_type_the_letter_does_not_names_both_places(
    with_facts, example_facts, rulebook
) -> None:  # type: ignore[no-untyped-def]
    facts = example_facts["retailer-card-breach"]
    texts = _draft("retailer-card-breach", facts, rulebook)
    texts["faq"] = texts["faq"].replace(
        "- Email address\n", "- Email address\n- Driver's license numbers\n"
    )
    found = _check(texts, facts if with_facts else None, rulebook)
    errors = _errors(found, "consistency.data")
    assert [n for n, _f in errors] == ["faq"], found
    message = errors[0][1].message
    assert "faq line" in message and "Driver's license numbers" in message
    assert "letter's list of the data involved (line" in message
    f = errors[0][1]
    assert texts["faq"][f.start : f.end] == "Driver's license numbers"


# example, language, tone, artifact, planted edit (old -> new), rule, words the error must quote
PLANTED = [
    # a list leaving out a type the facts name is the one flagged (not the letter that lists it)
    ("hospital-ransomware", "es", "plain", "website", "- Número de Seguro Social\n", "",
     "consistency.data", ("Número de Seguro Social", "letter line")),
    ("saas-credentials", "es", "formal", "press", "- Nombre\n", "- Nombre\n- Número de tarjeta de crédito\n",
     "consistency.data", ("tarjeta de crédito", "letter's list")),
    ("hospital-ransomware", "en", "plain", "faq", "run by Experian IdentityWorks", "run by Kroll",
     "consistency.provider", ("'Kroll'", "'Experian IdentityWorks'")),
    ("hospital-ransomware", "es", "empathetic", "website", "gratis de Experian IdentityWorks",
     "gratis de Aura Identity Guard", "consistency.provider", ("Aura Identity Guard", "Experian IdentityWorks")),
]  # fmt: skip


@pytest.mark.parametrize("with_facts", [True, False])
@pytest.mark.parametrize(
    ("example", "language", "tone", "where", "old", "new", "rule", "words"), PLANTED
)
def test_a_planted_mismatch_is_an_error_quoting_both_places(
    example, language, tone, where, old, new, rule, words, with_facts, example_facts, rulebook
) -> None:  # type: ignore[no-untyped-def]
    facts = example_facts[example]
    texts = _draft(example, facts, rulebook, language, tone)
    texts[where] = texts[where].replace(old, new)
    errors = _errors(_check(texts, facts if with_facts else None, rulebook), rule)
    if rule == "consistency.data" and not with_facts:
        # without facts the artifact that lists what another leaves out carries the error
        assert errors and all(words[0].split()[-1] in f.message for _n, f in errors)
        return
    assert [n for n, _f in errors] == [where]
    assert all(w in errors[0][1].message for w in words), errors[0][1].message


def _as_prose(text: str, sentence: str) -> str:
    """Replace the drafted list of data with one sentence, as a hand-written FAQ would."""
    out = re.sub(r"[^\n]*(?:involved|involucrad\w*):\n\n(?:- [^\n]*\n)+", sentence + "\n", text)
    assert out != text
    return out


def test_prose_naming_the_same_data_in_other_words_agrees(example_facts, rulebook) -> None:  # type: ignore[no-untyped-def]
    facts = example_facts["hospital-ransomware"]
    texts = _draft("hospital-ransomware", facts, rulebook)
    texts["faq"] = _as_prose(
        texts["faq"],
        "The files included patients' names, home addresses, birth dates, SSNs, diagnoses and "
        "health insurance member IDs.",
    )
    assert _check(texts, facts, rulebook) == []
    texts["faq"] = texts["faq"].replace("birth dates, SSNs", "birth dates, SSNs, passport numbers")
    errors = _errors(_check(texts, facts, rulebook), "consistency.data")
    assert [n for n, _f in errors] == ["faq"] and "passport numbers" in errors[0][1].message


def test_data_named_in_steps_denials_and_conditions_is_not_the_list(
    example_facts, rulebook
) -> None:  # type: ignore[no-untyped-def]
    facts = example_facts["retailer-card-breach"]
    texts = _draft("retailer-card-breach", facts, rulebook)
    texts["faq"] += (
        "\n## Was my Social Security number involved?\n\nNo. Social Security numbers were not "
        "involved. If your password was involved in another breach, change it. Give the bureau "
        "your date of birth when you call.\n\n## What could happen?\n\nBased on the information "
        "involved, the risks are:\n\n- Someone could use your card number.\n- Phishing e-mails.\n"
    )
    assert _check(texts, facts, rulebook) == []


def test_a_short_form_of_the_provider_agrees_and_an_unknown_one_is_a_warning(
    example_facts, rulebook
) -> None:  # type: ignore[no-untyped-def]
    facts = example_facts["hospital-ransomware"]
    texts = _draft("hospital-ransomware", facts, rulebook)
    texts["faq"] = texts["faq"].replace("run by Experian IdentityWorks", "run by Experian")
    assert _check(texts, facts, rulebook) == []
    # stated in one artifact only, when the facts offer no monitoring: a warning naming the facts
    saas = example_facts["saas-credentials"]
    alone = {"letter": "We are offering 12 months of free credit monitoring through Kroll."}
    found = _check(alone, saas, rulebook)
    assert [(f.rule, f.severity.value) for _n, f in found] == [
        ("consistency.months", "warning"),
        ("consistency.provider", "warning"),
    ]


def test_cli_reports_a_data_mismatch_without_facts(
    tmp_path, example_facts, rulebook, capsys
) -> None:  # type: ignore[no-untyped-def]
    texts = _draft("retailer-card-breach", example_facts["retailer-card-breach"], rulebook)
    paths = []
    for name in ("letter", "website", "faq"):
        (tmp_path / f"{name}.md").write_text(texts[name])
        paths.append(f"{name}={tmp_path / f'{name}.md'}")
    assert main(["consistency", *paths]) == 0
    (tmp_path / "website.md").write_text(
        texts["website"].replace("- Name\n", "- Name\n- Passport number\n")
    )
    assert main(["consistency", *paths]) == 1
    out = capsys.readouterr().out
    assert "website: error consistency.data" in out and "Passport number" in out
