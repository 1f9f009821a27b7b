"""Agency contacts live in the agency directory (rules/legal/agencies.yml), not in Python (issue 14.6).

The facts check treats the directory's numbers and sites as known; a writer who adds an agency
(or a site of one) edits the YAML, and no check keeps a list of its own.
"""

from __future__ import annotations

import ast
import re
import shutil

from app.checks.engine import run_checks
from app.core.config import PROJECT_ROOT
from app.rulebook.loader import load_rulebook

CITED = (
    "For tax-related identity theft, call the IRS at 1-800-908-4490 or visit www.irs.gov/identitytheft. "
    "Learn more about your rights at www.consumerfinance.gov and report fraud at reportfraud.ftc.gov."
)


def _facts_findings(text: str, rulebook, settings, example_facts) -> list[str]:  # type: ignore[no-untyped-def]
    facts = next(iter(example_facts.values()))
    report = run_checks(text, rulebook=rulebook, settings=settings, facts=facts, grammar=False)
    return [
        text[f.start : f.end] for f in report.findings if f.rule in ("facts.phone", "facts.website")
    ]


def test_sites_and_numbers_of_the_directory_are_known(rulebook, settings, example_facts) -> None:  # type: ignore[no-untyped-def]
    assert _facts_findings(CITED, rulebook, settings, example_facts) == []
    unknown = "Call 1-800-555-0199 or visit www.not-an-agency.example."
    assert _facts_findings(unknown, rulebook, settings, example_facts) == [
        "1-800-555-0199",
        "www.not-an-agency.example",
    ]


def test_the_directory_is_what_makes_them_known(tmp_path, settings, example_facts) -> None:  # type: ignore[no-untyped-def]
    rules = tmp_path / "rules"
    shutil.copytree(PROJECT_ROOT / "rules", rules)
    directory = rules / "legal" / "agencies.yml"
    text = directory.read_text()
    text = text[: text.index("  irs:")]  # the IRS entry is the file's last
    directory.write_text(text.replace("    other_websites: [ftc.gov]", ""))
    flagged = _facts_findings(CITED, load_rulebook(rules), settings, example_facts)
    assert flagged == ["1-800-908-4490", "www.irs.gov/identitytheft", "reportfraud.ftc.gov"]


def _code_strings(source: str) -> list[str]:
    """String constants of a module that are not docstrings (comments are not tokens of the tree)."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_no_agency_contact_is_written_into_the_code(rulebook) -> None:  # type: ignore[no-untyped-def]
    numbers, domains = set(), set()
    for agency in rulebook.all_agencies():
        if agency.phone:
            numbers.add(re.sub(r"\D", "", agency.phone)[-10:])
        for site in [agency.website, *agency.other_websites]:
            if site:
                domains.add(re.sub(r"^(https?://)?(www\.)?", "", site).split("/")[0].lower())
    assert (
        "8774384338" in numbers and "identitytheft.gov" in domains
    )  # the test reads the directory
    found = []
    for path in sorted((PROJECT_ROOT / "app").rglob("*.py")):
        for value in _code_strings(path.read_text()):
            digits = re.sub(r"\D", "", value)
            found += [f"{path.name}: {n}" for n in numbers if n in digits]
            found += [f"{path.name}: {d}" for d in domains if d in value.lower()]
    assert not found, (
        f"agency contacts written into the code (put them in rules/legal/agencies.yml): {found}"
    )
