"""The claims family and the admissions policy on the labelled corpus, with and without facts.

Without facts only the claims nothing can support (guarantees, "we will never ask") and the
admission phrases are judged; the corpus letters that make them are listed here by hand, and any
other finding is a false positive. With facts, the same letter is flagged or passes depending on
what the facts record (dates, an investigation), which is the point of the family.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.checks.engine import run_checks
from app.core.config import PROJECT_ROOT
from app.domain.facts import IncidentFacts
from app.rulebook.loader import load_rulebook

CORPUS = PROJECT_ROOT / "tests" / "fixtures" / "letters"
RULES = load_rulebook(PROJECT_ROOT / "rules")
# Read by hand: the claims and admissions each corpus letter makes (letter -> {rule: matched text}).
EXPECTED = {
    "06_gdpr_eu_shop_dpo": {("claims.never_ask", "will never ask for")},
    "11_misdirected_mail_benefits": {
        ("policy.admissions", "We made a mistake"),
        ("claims.never_ask", "will never ask for"),
    },
    "16_warm_plain_nonprofit_email": {
        ("policy.admissions", "We made a mistake"),
        ("policy.admissions", "we should have done"),
        ("claims.never_ask", "will never ask for"),
    },
}


def _claims(text: str, facts: IncidentFacts | None = None) -> set[tuple[str, str]]:
    report = run_checks(text, rulebook=RULES, settings=None, facts=facts, grammar=False)
    return {
        (f.rule, text[f.start : f.end])
        for f in report.findings
        if f.check == "claims" or f.rule == "policy.admissions"
    }


def test_corpus_without_facts_matches_the_hand_labels() -> None:
    letters = sorted(p for p in CORPUS.glob("*.md") if not p.name.startswith("x_"))
    assert len(letters) >= 30
    got = {p.stem: found for p in letters if (found := _claims(p.read_text()))}
    assert got == EXPECTED


def _facts(**incident) -> IncidentFacts:  # type: ignore[no-untyped-def]
    return IncidentFacts.model_validate(
        {
            "organisation": {"name": "Firm"},
            "incident": incident,
            "remediation": incident.pop("remediation", []),
        }
    )


def _letter(name: str) -> str:
    return (CORPUS / f"{name}.md").read_text()


def test_speed_claim_depends_on_the_dates() -> None:
    text = _letter("17_legalistic_law_firm_multistate")
    late = _facts(discovery_date="2025-12-05", containment_date="2025-12-08")
    same_day = _facts(discovery_date="2025-12-05", containment_date="2025-12-05")
    assert ("claims.as_soon_as", "immediately") in _claims(text, late)
    assert not {r for r in _claims(text, same_day) if r[0] == "claims.as_soon_as"}


def test_investigation_findings_need_an_investigation_on_record() -> None:
    text = _letter("01_ca_model_form_payroll")
    none_recorded = _facts(remediation=["We reset the payroll passwords."])
    recorded = _facts(remediation=["We hired a forensic firm to investigate."])
    assert any(rule == "claims.investigation" for rule, _ in _claims(text, none_recorded))
    assert not any(rule == "claims.investigation" for rule, _ in _claims(text, recorded))


def test_facts_dependent_claims_are_not_judged_without_facts() -> None:
    text = "As soon as we learned of this, we acted. Our investigation determined that the files were copied."
    assert _claims(text) == set()
    facts = _facts(discovery_date="2026-09-20", containment_date="2026-09-22")
    assert {rule for rule, _ in _claims(text, facts)} == {
        "claims.as_soon_as",
        "claims.investigation",
    }


def test_findings_carry_the_rewrite() -> None:
    report = run_checks(
        "We are reviewing our security measures to prevent this from happening again.",
        rulebook=RULES,
        settings=None,
        grammar=False,
    )
    f = next(f for f in report.findings if f.rule == "claims.guarantees")
    assert (
        f.suggestion == "to reduce the risk of this happening again"
        and f.severity.value == "warning"
    )


@pytest.mark.parametrize("allow", [False, True])
def test_admissions_policy_decides_findings_and_the_responsibility_component(
    tmp_path: Path, allow: bool
) -> None:
    import shutil

    shutil.copytree(PROJECT_ROOT / "rules", tmp_path / "rules")
    policy = tmp_path / "rules" / "policy" / "admissions.yml"
    policy.write_text(policy.read_text().replace("allow: false", f"allow: {str(allow).lower()}"))
    rules = load_rulebook(tmp_path / "rules")
    report = run_checks(
        "This was our fault, not yours.", rulebook=rules, settings=None, grammar=False
    )
    flagged = any(f.rule == "policy.admissions" for f in report.findings)
    owned = next(c for c in report.empathy if c.component == "responsibility").detected
    assert flagged is not allow and owned is allow


def test_admissions_policy_is_validated_at_load(tmp_path: Path) -> None:
    import shutil

    from app.core.errors import RuleLoadError

    shutil.copytree(PROJECT_ROOT / "rules", tmp_path / "rules")
    policy = tmp_path / "rules" / "policy" / "admissions.yml"
    text = policy.read_text()
    policy.write_text(
        "\n".join(line for line in text.splitlines() if not line.startswith("reason:"))
    )
    with pytest.raises(RuleLoadError, match=r"admissions.yml: reason: Field required"):
        load_rulebook(tmp_path / "rules")
    policy.write_text(text)
    (tmp_path / "rules" / "policy" / "second.yml").write_text(text)
    with pytest.raises(RuleLoadError, match="only one admissions_policy"):
        load_rulebook(tmp_path / "rules")


def test_skip_when_prohibited_names_known_elements(tmp_path: Path) -> None:
    import shutil

    from app.core.errors import RuleLoadError

    shutil.copytree(PROJECT_ROOT / "rules", tmp_path / "rules")
    rule = tmp_path / "rules" / "empathy" / "explanation.yml"
    rule.write_text(
        rule.read_text().replace(
            "skip_when_prohibited: [what_happened]", "skip_when_prohibited: [what_hapened]"
        )
    )
    with pytest.raises(RuleLoadError, match="skip_when_prohibited: unknown element ids"):
        load_rulebook(tmp_path / "rules")


def test_explanation_advice_is_not_given_where_the_law_forbids_it() -> None:
    text = "We are writing about a data breach. We are sorry."
    ma = run_checks(text, rulebook=RULES, settings=None, jurisdictions=("US-MA",), grammar=False)
    ca = run_checks(text, rulebook=RULES, settings=None, jurisdictions=("US-CA",), grammar=False)
    assert "empathy.explanation" not in {f.rule for f in ma.findings}
    assert "explanation" not in {c.component for c in ma.empathy}
    assert "empathy.explanation" in {f.rule for f in ca.findings}


def test_non_us_letter_rules_apply_only_outside_the_us() -> None:
    text = "Contact each of the three credit bureaus listed below. Call us at 1-844-555-0128."
    eu = {
        f.rule
        for f in run_checks(
            text, rulebook=RULES, settings=None, jurisdictions=("EU-GDPR",), grammar=False
        ).findings
    }
    us = {
        f.rule
        for f in run_checks(
            text, rulebook=RULES, settings=None, jurisdictions=("US-CA",), grammar=False
        ).findings
    }
    assert {
        "family.us_only_content",
        "family.us_phone_only",
        "family.supervisory_authority",
        "family.complaint_right",
    } <= eu
    assert not {r for r in us if r.startswith("family.")}


def test_a_denial_of_misuse_is_an_error_only_when_the_facts_record_misuse() -> None:
    text = "We have no evidence that your information has been misused. Please call us."
    misused = _claims(text, _facts(misuse_known=True))
    assert misused == {("claims.misuse", "no evidence")}
    assert not any(r == "claims.misuse" for r, _ in _claims(text, _facts(misuse_known=False)))
    assert _claims(text) == set(), "not judged without facts"
    report = run_checks(text, rulebook=RULES, settings=None, facts=_facts(misuse_known=True))
    f = next(f for f in report.findings if f.rule == "claims.misuse")
    assert f.severity.value == "error" and f.suggestion == "evidence"
