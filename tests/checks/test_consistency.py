"""Consistency across an incident's artifacts: drafted from one fact sheet they agree; a planted
date or phone mismatch between two of them is caught and names both places."""

from __future__ import annotations

import pytest

from app.checks.consistency import Artifact, check_consistency
from app.cli import main
from app.core.config import PROJECT_ROOT
from app.domain.channels import CHANNELS
from app.letters.artifacts import draft_artifact

TEMPLATES = PROJECT_ROOT / "templates" / "letters"
CASES = {
    "retailer-card-breach": ("US-CA", "US-MA"),
    "hospital-ransomware": ("US-HIPAA", "US-HIPAA"),
    "saas-credentials": ("EU-GDPR", "EU-GDPR"),
}


def _artifacts(example, facts, rulebook, language="en"):  # type: ignore[no-untyped-def]
    code, regulator = CASES[example]
    return [
        Artifact(
            ch,
            draft_artifact(
                facts,
                rulebook,
                TEMPLATES,
                tone="plain",
                channel=ch,
                language=language,
                jurisdiction=regulator if ch == "regulator" else code,
            ).text,
        )
        for ch in CHANNELS
    ]


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("example", sorted(CASES))
def test_drafted_artifacts_agree(example, language, example_facts, rulebook) -> None:  # type: ignore[no-untyped-def]
    facts = example_facts[example]
    assert check_consistency(_artifacts(example, facts, rulebook, language), facts, rulebook) == []


def test_a_planted_date_mismatch_between_faq_and_letter_names_both(example_facts, rulebook) -> None:  # type: ignore[no-untyped-def]
    facts = example_facts["retailer-card-breach"]
    arts = {a.name: a for a in _artifacts("retailer-card-breach", facts, rulebook)}
    faq = arts["faq"].text.replace(
        "We found out on September 20, 2026", "We found out on September 21, 2026"
    )
    assert faq != arts["faq"].text
    arts["faq"] = Artifact("faq", faq)
    found = check_consistency(list(arts.values()), facts, rulebook)
    errors = [(name, f) for name, f in found if f.severity.value == "error"]
    assert errors and all(name == "faq" and f.rule == "consistency.date" for name, f in errors)
    message = errors[0][1].message
    assert "faq line" in message and "September 21, 2026" in message
    assert "letter line" in message and "September 20, 2026" in message and "(discovery)" in message
    # without facts the mismatch is still found (the artifacts alone disagree)
    assert any(f.severity.value == "error" for _n, f in check_consistency(list(arts.values())))


def test_a_planted_phone_mismatch_names_the_nearest_number(example_facts, rulebook) -> None:  # type: ignore[no-untyped-def]
    facts = example_facts["hospital-ransomware"]
    arts = _artifacts("hospital-ransomware", facts, rulebook, "es")
    arts[2] = Artifact("website", arts[2].text.replace("1-888-555-0193", "1-888-555-0194", 1))
    errors = [
        f for _n, f in check_consistency(arts, facts, rulebook) if f.severity.value == "error"
    ]
    assert (
        errors and "1-888-555-0194" in errors[0].message and "1-888-555-0193" in errors[0].message
    )


def test_cli(tmp_path, example_facts, rulebook, capsys) -> None:  # type: ignore[no-untyped-def]
    facts = example_facts["retailer-card-breach"]
    arts = {a.name: a for a in _artifacts("retailer-card-breach", facts, rulebook)}
    paths = []
    for name in ("letter", "faq"):
        p = tmp_path / f"{name}.md"
        p.write_text(arts[name].text)
        paths.append(f"{name}={p}")
    facts_path = str(PROJECT_ROOT / "examples" / "retailer-card-breach.json")
    assert main(["consistency", *paths, "--facts", facts_path]) == 0
    (tmp_path / "faq.md").write_text(
        arts["faq"].text.replace("September 20, 2026", "September 19, 2026")
    )
    assert main(["consistency", *paths, "--facts", facts_path]) == 1
    out = capsys.readouterr().out
    assert out.startswith("faq: error consistency.date") and "letter line" in out
