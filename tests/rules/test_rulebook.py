"""Loading the rulebook: every file valid, bad files refused with `file: field: reason`, hash tracks content."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.checks.registry import REGISTRY
from app.core.config import PROJECT_ROOT
from app.core.errors import RuleLoadError
from app.rulebook.loader import load_rulebook
from app.rulebook.schema import KINDS

RULES = PROJECT_ROOT / "rules"


@pytest.fixture()
def rules_copy(tmp_path: Path) -> Path:
    shutil.copytree(RULES, tmp_path / "rules")
    return tmp_path / "rules"


def _error(root: Path) -> str:
    with pytest.raises(RuleLoadError) as exc:
        load_rulebook(root)
    return exc.value.message


def test_the_repository_rules_load() -> None:
    rb = load_rulebook(RULES)
    assert rb.hash.startswith("sha256:")
    assert {"US-CA", "US-MA", "EU-GDPR", "US-HIPAA"} <= set(rb.jurisdictions)
    assert rb.rules["empathy.hedging"].kind == "sentence_pattern"  # id from the path


def test_registry_covers_exactly_the_closed_set_of_kinds() -> None:
    assert set(REGISTRY) == set(KINDS)


def test_unknown_key_names_file_and_field(rules_copy: Path) -> None:
    (rules_copy / "empathy" / "typo.yml").write_text(
        "kind: phrases\nmessage: m\ntokenz: ['x']\ntokens: ['y']\n"
    )
    msg = _error(rules_copy)
    assert msg.startswith("rules/empathy/typo.yml: tokenz:"), msg
    assert "not permitted" in msg or "extra" in msg.lower()


def test_broken_regex_names_file_and_field(rules_copy: Path) -> None:
    (rules_copy / "empathy" / "broken.yml").write_text(
        "kind: phrases\nmessage: m\ntokens: ['(unclosed']\n"
    )
    msg = _error(rules_copy)
    assert msg.startswith("rules/empathy/broken.yml: tokens"), msg
    assert "regular expression" in msg


def test_unknown_element_id_is_refused(rules_copy: Path) -> None:
    p = rules_copy / "legal" / "us-ma.yml"
    text = p.read_text()
    assert "police_report_right" in text
    p.write_text(text.replace("police_report_right", "polise_report_right", 1))
    msg = _error(rules_copy)
    assert msg.startswith("rules/legal/us-ma.yml: requires/prohibits/conditions:"), msg
    assert "polise_report_right" in msg


def test_bad_placeholder_is_refused(rules_copy: Path) -> None:
    (rules_copy / "empathy" / "ph.yml").write_text(
        "kind: substitution\nmessage: 'Use {replacement}'\nswap: {a: b}\n"
    )
    msg = _error(rules_copy)
    assert msg.startswith("rules/empathy/ph.yml: message: unknown placeholder"), msg
    assert "{replacement}" in msg


def test_unknown_kind_is_refused(rules_copy: Path) -> None:
    (rules_copy / "empathy" / "k.yml").write_text("kind: sentiment\nmessage: m\n")
    msg = _error(rules_copy)
    assert msg.startswith("rules/empathy/k.yml: kind: must be one of"), msg


def test_unknown_macro_is_refused(rules_copy: Path) -> None:
    p = rules_copy / "legal" / "elements.yml"
    p.write_text(
        p.read_text().replace(
            "'%{DATE}%{IN}{0,140}?%{DISCOVER}'", "'%{DAYTE}%{IN}{0,140}?%{DISCOVER}'"
        )
    )
    msg = _error(rules_copy)
    assert msg.startswith("rules/legal/elements.yml:") and "DAYTE" in msg, msg


def test_hash_changes_when_a_file_changes(rules_copy: Path) -> None:
    before = load_rulebook(rules_copy).hash
    assert load_rulebook(rules_copy).hash == before
    p = rules_copy / "empathy" / "hedging.yml"
    p.write_text(p.read_text() + "\n# reviewed again\n")
    assert load_rulebook(rules_copy).hash != before


def test_cli_refuses_to_start_on_a_bad_rule(rules_copy: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from app.cli import main
    from app.core.config import get_settings

    (rules_copy / "empathy" / "broken.yml").write_text(
        "kind: phrases\nmessage: m\ntokens: ['(unclosed']\n"
    )
    monkeypatch.setenv("CANDOR_RULES_DIR", str(rules_copy))
    get_settings.cache_clear()
    try:
        letter = rules_copy.parent / "letter.md"
        letter.write_text("Hello.")
        code = main(["check", str(letter), "--no-grammar"])
    finally:
        get_settings.cache_clear()
    err = capsys.readouterr().err
    assert code == 2
    assert "rules/empathy/broken.yml: tokens" in err and "Traceback" not in err


def test_rules_validate_command(rules_copy: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from app.cli import main

    assert main(["rules", "validate", str(rules_copy)]) == 0
    assert capsys.readouterr().out.startswith("ok:")
    (rules_copy / "empathy" / "k.yml").write_text("kind: sentiment\n")
    assert main(["rules", "validate", str(rules_copy)]) == 2
    assert "k.yml: kind:" in capsys.readouterr().err


def test_service_refuses_to_start_on_a_bad_rule(rules_copy: Path, settings) -> None:  # type: ignore[no-untyped-def]
    from app.main import create_app

    (rules_copy / "empathy" / "typo.yml").write_text(
        "kind: phrases\nmessage: m\ntokens: ['x']\nlevle: error\n"
    )
    with pytest.raises(RuleLoadError, match=r"rules/empathy/typo.yml: levle:"):
        create_app(settings.model_copy(update={"RULES_DIR": rules_copy}))
