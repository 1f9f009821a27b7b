"""Spanish: the syllable rules, the Spanish formulas (textstat's constants), Spanish hedges, and
the legal element detectors reading a Spanish letter."""

from __future__ import annotations

import pytest
from support.artifacts import TEMPLATES, check, draft

from app.checks import syllables_es
from app.checks.engine import run_checks
from app.checks.legal import detect
from app.checks.text import segment
from app.domain.datatypes import DataType
from app.letters.content import load_content

# Syllables as Spanish grammars divide them (hiatus, diphthongs, silent u, final y).
GOLD = {
    "información": 4,
    "agua": 2,
    "violación": 3,
    "electrónico": 5,
    "contraseña": 4,
    "aéreo": 4,
    "día": 2,
    "que": 1,
    "crédito": 3,
    "monitoreo": 5,
    "ahora": 3,
    "país": 2,
    "oído": 3,
    "guerra": 2,
    "pingüino": 3,
    "leer": 2,
    "poeta": 3,
    "teatro": 3,
    "aire": 2,
    "causa": 2,
    "europeo": 4,
    "empleado": 4,
    "muy": 1,
    "hoy": 1,
    "y": 1,
    "ya": 1,
    "Uruguay": 3,
    "quien": 1,
    "búho": 2,
    "prohibir": 3,
}


@pytest.mark.parametrize(("word", "n"), sorted(GOLD.items()))
def test_spanish_syllables(word: str, n: int) -> None:
    assert syllables_es.word_syllables(word) == n


def test_formulas_use_textstats_constants() -> None:
    """textstat's own counts fed to our formulas give textstat's Spanish scores (the constants agree);
    only the syllable counts differ, where Pyphen misses a hiatus or a one-letter syllable."""
    textstat = pytest.importorskip("textstat")
    text = "Su tarjeta tiene un problema. Llame hoy a su banco. Pida una tarjeta nueva en el día."
    try:
        textstat.set_lang("es")
        words, sentences = textstat.lexicon_count(text), textstat.sentence_count(text)
        syl = textstat.syllable_count(text)
        fh, sp = textstat.fernandez_huerta(text), textstat.szigriszt_pazos(text)
    finally:
        textstat.set_lang("en")
    assert syllables_es.fernandez_huerta(words, sentences, syl) == pytest.approx(fh, abs=0.01)
    assert syllables_es.szigriszt_pazos(words, sentences, syl) == pytest.approx(sp, abs=0.01)
    assert (
        syllables_es.count(text) == syl + 2
    )  # "una" (u-na) and "día" (dí-a): Pyphen counts 1 each


def test_a_spanish_letter_is_measured_with_the_spanish_formula_and_its_hedge_flagged(
    example_facts, rulebook, settings
) -> None:  # type: ignore[no-untyped-def]
    facts = example_facts["hospital-ransomware"]
    text = draft(facts, rulebook, tone="plain", language="es", jurisdiction="US-HIPAA")
    hedged = text.replace(
        "Estos datos suyos estuvieron involucrados:",
        "Es posible que sus datos hayan sido vistos por una persona no autorizada. Estos datos suyos estuvieron involucrados:",
    )
    assert hedged != text
    report = check(
        hedged,
        facts,
        rulebook,
        settings,
        tone="plain",
        jurisdiction="US-HIPAA",
        language="es",
        grammar=True,
    )
    assert set(report.readability) >= {"fernandez_huerta", "szigriszt_pazos"}
    assert "flesch_kincaid_grade" not in report.readability
    hedges = [f for f in report.findings if f.rule == "es.empathy.hedging"]
    assert hedges and hedged[hedges[0].start : hedges[0].end].startswith("Es posible que")
    assert report.grammar.status == "skipped" and "es" in report.grammar.detail
    # The English rules do not read Spanish text (no false "say you are sorry" on a Spanish apology).
    assert not [f for f in report.findings if f.rule.startswith("empathy.")]


def test_a_hard_spanish_text_fails_the_spanish_target(rulebook, settings) -> None:  # type: ignore[no-untyped-def]
    hard = (
        "No obstante las circunstancias anteriormente mencionadas, la investigación exhaustiva de la "
        "organización determinó que individuos no autorizados accedieron a infraestructuras "
        "administrativas que contenían información personal identificable especialmente sensible."
    )
    report = run_checks(
        hard, rulebook=rulebook, settings=settings, tone="plain", grammar=False, language="es"
    )
    assert any(f.rule == "es.readability.plain" for f in report.findings)
    assert report.readability["szigriszt_pazos"] < 40


@pytest.mark.parametrize("code", ["US-GENERIC", "US-CA", "US-HIPAA"])
def test_legal_elements_are_detected_in_a_spanish_letter(
    code, example_facts, rulebook, settings
) -> None:  # type: ignore[no-untyped-def]
    facts = example_facts["hospital-ransomware"]
    text = draft(facts, rulebook, tone="formal", language="es", jurisdiction=code)
    report = check(text, facts, rulebook, settings, tone="formal", jurisdiction=code, language="es")
    required = [
        e for e in report.elements if e.jurisdiction == code and e.requirement == "required"
    ]
    assert required and all(e.ok for e in required), [e.element for e in required if not e.ok]
    # The same letter read with the English detectors misses most of them: the Spanish ones do the work.
    english = check(text, facts, rulebook, settings, tone="formal", jurisdiction=code)
    assert [e for e in english.elements if e.requirement == "required" and not e.ok]


def test_a_spanish_letter_without_its_what_happened_section_fails(
    example_facts, rulebook, settings
) -> None:  # type: ignore[no-untyped-def]
    facts = example_facts["hospital-ransomware"]
    text = draft(facts, rulebook, tone="plain", language="es", jurisdiction="US-HIPAA")
    head, rest = text.split("## Qué pasó", 1)
    cut = head + "## Qué datos" + rest.split("## Qué datos", 1)[1]
    report = check(
        cut, facts, rulebook, settings, tone="plain", jurisdiction="US-HIPAA", language="es"
    )
    missing = {f.rule for f in report.findings}
    assert "legal.us-hipaa.what_happened" in missing and "legal.us-hipaa.discovery_date" in missing


def test_every_spanish_detector_has_examples_that_hold(rulebook) -> None:
    spanish = rulebook.localised_elements["es"]
    assert len(spanish) >= 25
    for eid, edef in spanish.items():
        assert edef.examples and edef.examples.flag, f"{eid}: no flag examples"
        for text in edef.examples.flag:
            assert detect(segment(text), edef), f"{eid}: not detected: {text!r}"
        for text in edef.examples.pass_:
            assert not detect(segment(text), edef), f"{eid}: false positive: {text!r}"


def test_spanish_content_labels_every_data_type() -> None:
    content = load_content(str(TEMPLATES / "es"))
    assert content.language == "es"
    assert set(content.labels) == set(DataType), set(DataType) - set(content.labels)
    assert set(content.causes) == set(load_content(str(TEMPLATES)).causes)
    assert [s.id for s in content.steps] == [s.id for s in load_content(str(TEMPLATES)).steps]


def test_a_missing_translation_is_a_visible_gap_not_english(
    example_facts, rulebook, settings
) -> None:  # type: ignore[no-untyped-def]
    from app.domain.localisation import Translations

    facts = example_facts["retailer-card-breach"].model_copy(
        update={"translations": Translations()}
    )
    text = draft(facts, rulebook, tone="plain", language="es", jurisdiction="US-CA")
    assert "[[missing: translations.es.summary]]" in text and "Criminals placed" not in text
    report = check(
        text, facts, rulebook, settings, tone="plain", jurisdiction="US-CA", language="es"
    )
    assert report.has_errors
