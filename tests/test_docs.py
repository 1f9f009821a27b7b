"""The docs match the code: every setting, error code and rule kind is documented (datasette habit)."""

from __future__ import annotations

from app.core.config import PROJECT_ROOT, Settings
from app.core.errors import ERROR_CODES
from app.rulebook.schema import KINDS

README = (PROJECT_ROOT / "README.md").read_text()
DOCS = PROJECT_ROOT / "docs"


def test_readme_starts_with_the_two_commands():
    head = README.split("\n## ")[0]
    assert "make serve" in head and "make test" in head


def test_every_setting_is_in_the_readme_table():
    for name, field in Settings.model_fields.items():
        assert f"`CANDOR_{name}`" in README, (
            f"CANDOR_{name} is missing from README's configuration table"
        )
        assert field.description, f"Settings.{name} has no description"


def test_every_error_code_is_documented():
    api = (DOCS / "api.md").read_text()
    for code in ERROR_CODES:
        assert f"`{code}`" in api, f"error code {code} is missing from docs/api.md"


def test_every_rule_kind_is_documented():
    text = (DOCS / "rule-format.md").read_text()
    for kind in KINDS:
        assert f"`{kind}`" in text, f"rule kind {kind} is missing from docs/rule-format.md"


def test_every_cli_command_is_in_the_readme_or_docs():
    from app.cli import subcommands

    alldocs = README + "".join(p.read_text() for p in DOCS.glob("*.md"))
    for name in subcommands():
        assert f"candor {name}" in alldocs, f"`candor {name}` is not documented"
