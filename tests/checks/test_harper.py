"""Harper, the embedded grammar and spelling engine: planted errors found with fixes, nothing
flagged inside protected spans (URLs, e-mail addresses, phone numbers, codes, `[[…]]` markers,
names from the facts), Candor's own letters clean, and the per-paragraph cache."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from app.checks.base import Severity
from app.checks.engine import run_checks
from app.checks.harper_checker import HarperChecker
from app.checks.protected import letter_dictionary, protected_spans
from app.core.config import PROJECT_ROOT, Settings
from app.domain.facts import IncidentFacts
from app.letters.drafting import draft_letter

HARPER = HarperChecker()
TEMPLATES = PROJECT_ROOT / "templates" / "letters"


def _run(text, rulebook, settings, facts=None):  # type: ignore[no-untyped-def]
    return run_checks(text, rulebook=rulebook, settings=settings, facts=facts, grammar=HARPER)


def test_planted_errors_are_found_with_spans_and_fixes(rulebook, settings) -> None:  # type: ignore[no-untyped-def]
    text = "Dear Sam,\n\nWe found a error in the the system last week.\n\nPlease read teh enclosed sheet."
    report = _run(text, rulebook, settings)
    assert report.grammar.status == "ok"
    grammar = {text[f.start : f.end]: f for f in report.findings if f.check == "grammar"}
    assert grammar["a"].suggestion == "an" and grammar["a"].severity is Severity.warning
    assert grammar["the the"].suggestion == "the"
    assert grammar["teh"].suggestion == "the"
    assert all(f.source == "Harper" and f.message for f in grammar.values())


def test_spelling_is_a_suggestion_and_names_from_the_facts_are_not_flagged(
    rulebook, settings, example_facts
) -> None:  # type: ignore[no-untyped-def]
    facts = example_facts["hospital-ransomware"]
    org = facts.organisation.name
    text = f"{org} wrote to you. Plese call us. Your IdentityWorks code is below."
    report = _run(text, rulebook, settings, facts)
    flagged = {text[f.start : f.end]: f for f in report.findings if f.check == "grammar"}
    assert flagged["Plese"].severity is Severity.suggestion and flagged["Plese"].suggestion
    for word in org.split() + ["IdentityWorks"]:
        assert word not in flagged, word


def test_letter_dictionary_comes_from_the_facts(example_facts) -> None:  # type: ignore[no-untyped-def]
    facts = example_facts["hospital-ransomware"]
    words = letter_dictionary(facts, ["TransUnion"])
    assert {w.lower() for w in facts.organisation.name.split()} <= words
    assert "transunion" in words


URLS = st.builds(
    lambda host, tld, path: f"https://www.{host}.{tld}/{path}",
    st.from_regex(r"[a-z]{3,12}(?:-[a-z]{2,8})?", fullmatch=True),
    st.sampled_from(["com", "org", "net", "io"]),
    st.from_regex(r"[a-z0-9]{0,8}(?:/[a-z0-9-]{1,8}){0,2}", fullmatch=True),
)
EMAILS = st.builds(
    lambda user, host: f"{user}@{host}.com",
    st.from_regex(r"[a-z]{2,8}(?:[._][a-z]{2,8})?", fullmatch=True),
    st.from_regex(r"[a-z]{3,10}", fullmatch=True),
)
PHONES = st.builds(
    lambda a, b, c, style: style.format(a, b, c),
    st.integers(200, 999),
    st.integers(200, 999),
    st.integers(0, 9999),
    st.sampled_from(["1-{}-{}-{:04d}", "({}) {}-{:04d}", "{}.{}.{:04d}", "+1 {} {} {:04d}"]),
)
CODES = st.from_regex(r"[A-Z]{2,3}[0-9]{2,4}-[A-Z0-9]{3,5}", fullmatch=True)
MARKERS = st.from_regex(r"\[\[(?:missing|recipient): [a-z_.]{3,20}\]\]", fullmatch=True)
BASE = (
    "Dear patient,\n\nWe are writing about an incident at our clinic. You can reach us at {x} if you have "
    "questions.\n\nPlease keep this letter. See {y} for more.\n"
)


@hsettings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    x=st.one_of(URLS, EMAILS, PHONES, CODES, MARKERS),
    y=st.one_of(URLS, EMAILS, PHONES, CODES, MARKERS),
)
def test_nothing_is_flagged_inside_protected_spans(x: str, y: str, rulebook, settings) -> None:  # type: ignore[no-untyped-def]
    text = BASE.format(x=x, y=y)
    report = _run(text, rulebook, settings)
    inserted = [(text.index(x), text.index(x) + len(x)), (text.rindex(y), text.rindex(y) + len(y))]
    assert all(any(s <= a and b <= e for s, e in protected_spans(text)) for a, b in inserted), (
        "not protected"
    )
    for f in report.findings:
        if f.check == "grammar":
            assert not any(f.start < e and s < f.end for s, e in inserted), (
                text[f.start : f.end],
                f.message,
            )


def test_each_paragraph_is_linted_once(rulebook, settings) -> None:  # type: ignore[no-untyped-def]
    checker = HarperChecker()
    text = "First paragraph with a error.\n\nSecond paragraph is fine."
    checker.check(text)
    assert checker.cached_paragraphs == 2
    edited = text.replace("fine", "fine too")
    findings, status = checker.check(edited)
    assert checker.cached_paragraphs == 3 and status.status == "ok"
    assert [edited[f.start : f.end] for f in findings] == ["a"]


def test_missing_engine_is_unavailable_not_an_error(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import builtins

    real_import = builtins.__import__

    def no_harper(name, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name == "harper":
            raise ImportError("No module named 'harper'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_harper)
    findings, status = HarperChecker().check("We found a error.")
    assert findings == [] and status.status == "unavailable" and "harper-py" in status.detail


EXAMPLES = sorted(p.stem for p in (PROJECT_ROOT / "examples").glob("*.json"))


@pytest.mark.parametrize("example", EXAMPLES)
@pytest.mark.parametrize("tone", ["plain", "empathetic", "formal"])
def test_candor_letters_get_no_grammar_warning(
    example: str, tone: str, rulebook, settings: Settings
) -> None:  # type: ignore[no-untyped-def]
    facts = IncidentFacts.model_validate(
        json.loads((PROJECT_ROOT / "examples" / f"{example}.json").read_text())
    )
    text = draft_letter(facts, rulebook, TEMPLATES, tone=tone, jurisdiction="US-GENERIC").text
    report = _run(text, rulebook, settings, facts)
    assert report.grammar.status == "ok"
    bad = [
        (text[f.start : f.end], f.rule, f.message)
        for f in report.findings
        if f.check == "grammar" and f.severity is not Severity.suggestion
    ]
    assert not bad, bad


def test_agency_addresses_and_house_style_are_not_flagged(
    rulebook, settings, example_facts
) -> None:  # type: ignore[no-untyped-def]
    # the Oregon letter lists the credit bureaus' P.O. boxes and the Oregon DOJ's "Court Street NE"
    facts = example_facts["retailer-card-breach"]
    text = draft_letter(facts, rulebook, TEMPLATES, tone="plain", jurisdiction="US-OR").text
    assert "P.O. Box" in text and "Street NE" in text and "emails, texts or calls" in text
    report = _run(text, rulebook, settings, facts)
    flagged = [(text[f.start : f.end], f.rule) for f in report.findings if f.check == "grammar"]
    assert not [
        x for x in flagged if x[0] in ("P.O.", "GA", "NE", "TX", "OR") or "OxfordComma" in x[1]
    ], flagged
    # a planted misspelling beside an address is still found
    planted = _run(
        text.replace("Who else can help", "Who else can halp"), rulebook, settings, facts
    )
    assert any(f.check == "grammar" for f in planted.findings)


def test_disk_cache_serves_a_new_process_without_a_linter(tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = "We found a error.\n\nThe second paragraph is fine."
    first = HarperChecker(disk_cache=tmp_path).check(text)
    fresh = HarperChecker(disk_cache=tmp_path)  # as a new command-line process would
    again = fresh.check(text)
    assert again == first and not fresh.linter_built  # every paragraph came from the folder
    assert len(list((tmp_path / "grammar").glob("harper-*.json"))) == 2
