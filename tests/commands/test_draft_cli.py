"""`candor draft`: prints the letter; bad input exits 2 with one line naming the field."""

from __future__ import annotations

import json

from app.cli import main
from app.core.config import PROJECT_ROOT

EXAMPLE = str(PROJECT_ROOT / "examples" / "retailer-card-breach.json")


def test_draft_prints_letter(capsys):
    assert main(["draft", EXAMPLE, "--tone", "plain", "--jurisdiction", "US-CA"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("**Harbor & Pine Outfitters**") and "# Notice of Data Breach" in out


def test_draft_html(capsys):
    assert main(["draft", EXAMPLE, "--tone", "formal", "--format", "html"]) == 0
    out = capsys.readouterr().out
    assert "<h1>" in out and "<script" not in out


def test_bad_facts_exit_2_with_field(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "organisation": {"name": "A"},
                "incident": {"breach_start": "2026-03-05", "discovery_date": "2026-03-01"},
            }
        )
    )
    assert main(["draft", str(bad), "--tone", "plain"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "incident.discovery_date" in err and "Traceback" not in err


def test_invalid_json_and_missing_file_exit_2(tmp_path, capsys):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert main(["draft", str(broken)]) == 2
    assert "invalid JSON at line 1" in capsys.readouterr().err
    assert main(["draft", str(tmp_path / "nope.json")]) == 2
    assert "file not found" in capsys.readouterr().err


def test_unknown_jurisdiction_and_tone_exit_2(capsys):
    assert main(["draft", EXAMPLE, "--jurisdiction", "US-XX"]) == 2
    assert "unknown code" in capsys.readouterr().err
    try:
        main(["draft", EXAMPLE, "--tone", "chirpy"])
    except SystemExit as exc:
        assert exc.code == 2


def test_a_variant_of_several_laws_drafts_the_letter_its_residents_get(capsys):  # type: ignore[no-untyped-def]
    """The variant key `candor obligations` prints (A+B+C) drafts that variant's letter, not one law's."""
    from app.domain.facts import IncidentFacts
    from app.domain.jurisdictions import applicable_jurisdictions
    from app.domain.variants import plan_variants
    from app.letters.drafting import draft_letter
    from app.rulebook.loader import load_rulebook

    rules = load_rulebook(PROJECT_ROOT / "rules")
    facts = IncidentFacts.model_validate(json.loads(open(EXAMPLE).read()))
    variant = max(
        plan_variants(facts, applicable_jurisdictions(facts, rules), rules),
        key=lambda v: len(v.jurisdictions),
    )
    assert len(variant.jurisdictions) > 1
    key = "+".join(variant.jurisdictions)
    assert main(["obligations", EXAMPLE]) == 0
    assert key in capsys.readouterr().out
    assert main(["draft", EXAMPLE, "--tone", "formal", "--jurisdiction", key]) == 0
    expected = draft_letter(
        facts,
        rules,
        PROJECT_ROOT / "templates" / "letters",
        tone="formal",
        jurisdictions=list(variant.jurisdictions),
    ).text
    assert capsys.readouterr().out == expected
    assert (
        expected
        != draft_letter(
            facts,
            rules,
            PROJECT_ROOT / "templates" / "letters",
            tone="formal",
            jurisdiction=variant.jurisdictions[0],
        ).text
    )


def test_a_variant_key_with_a_bad_code_or_mixed_languages_exits_2(tmp_path, capsys):  # type: ignore[no-untyped-def]
    for key, said in (("US-CA+US-XX", "unknown code 'US-XX'"), ("US-CA+US-CA", "repeated")):
        assert main(["draft", EXAMPLE, "--jurisdiction", key]) == 2
        err = capsys.readouterr().err.strip()
        assert said in err and err.count("\n") == 0
    assert main(["draft", EXAMPLE, "--channel", "regulator", "--jurisdiction", "US-CA+US-NY"]) == 2
    assert "one law" in capsys.readouterr().err
    facts = json.loads(open(EXAMPLE).read())
    facts["recipient_languages"] = {"US-TX": "es"}
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(facts))
    assert main(["draft", str(path), "--jurisdiction", "US-CA+US-TX"]) == 2
    err = capsys.readouterr().err
    assert "en (US-CA) and es (US-TX)" in err and "--language" in err
    assert main(["draft", str(path), "--jurisdiction", "US-CA+US-TX", "--language", "es"]) == 0
    assert "Estimado/a" in capsys.readouterr().out
