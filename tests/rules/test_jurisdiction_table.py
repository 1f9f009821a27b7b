"""docs/jurisdictions.md's table is the one generated from the rule files (regenerate with
`python -m app.rulebook.jurisdiction_table --write`)."""

from __future__ import annotations

from app.rulebook.jurisdiction_table import DOC, END, START, render_table, splice


def test_doc_table_matches_rule_files(rulebook) -> None:  # type: ignore[no-untyped-def]
    text = DOC.read_text()
    assert START in text and END in text
    assert splice(text, render_table(rulebook.jurisdictions)) == text, (
        "run: python -m app.rulebook.jurisdiction_table --write"
    )


def test_table_has_one_row_per_jurisdiction(rulebook) -> None:  # type: ignore[no-untyped-def]
    table = render_table(rulebook.jurisdictions)
    rows = [
        line
        for line in table.splitlines()
        if line.startswith("| ") and not line.startswith("| Code")
    ]
    assert [r.split(" | ")[0][2:] for r in rows] == sorted(rulebook.jurisdictions)
    for code, rule in rulebook.jurisdictions.items():
        row = next(r for r in rows if r.startswith(f"| {code} |"))
        assert (
            f"| {rule.status.upper()} |" in row
            and f"| {len(rule.sources)} (" in row
            and rule.reviewed.isoformat() in row
        )
