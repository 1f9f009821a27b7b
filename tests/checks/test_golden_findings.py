"""Golden findings: the compiler-style output of `candor check` for a few fixture letters.

A change in any rule, detector or message shows up here as a readable diff. After an intended
change, rewrite the files with `pytest tests/checks/test_golden_findings.py --update-golden`
and review the diff.
"""

from __future__ import annotations

import pytest
from support.golden import assert_golden

from app.checks.engine import run_checks
from app.commands.check import format_text
from app.core.config import PROJECT_ROOT

LETTERS = PROJECT_ROOT / "tests" / "fixtures" / "letters"
GOLDEN = PROJECT_ROOT / "tests" / "golden" / "findings"
CASES = [
    ("01_ca_model_form_payroll", ("US-CA",), "plain"),
    ("03_ma_forbidden_ransomware", ("US-MA",), "plain"),
    ("07_hedged_corporate_cyberattack", ("US-GENERIC",), "formal"),
    ("21_hipaa_business_associate_ransomware", ("US-HIPAA",), "empathetic"),
]


@pytest.mark.parametrize(("name", "jurisdictions", "tone"), CASES)
def test_golden_findings(name, jurisdictions, tone, rulebook, settings, update_golden) -> None:  # type: ignore[no-untyped-def]
    letter = LETTERS / f"{name}.md"
    if not letter.exists():
        pytest.skip(f"fixture {name} not present")
    text = letter.read_text()
    report = run_checks(
        text,
        rulebook=rulebook,
        settings=settings,
        jurisdictions=jurisdictions,
        tone=tone,
        grammar=False,
    )
    got = f"# {name} {' '.join(jurisdictions)} tone={tone}\n" + format_text(report, text) + "\n"
    path = GOLDEN / f"{name}.txt"
    assert_golden(path, got, update_golden)
