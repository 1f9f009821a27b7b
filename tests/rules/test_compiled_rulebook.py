"""The compiled rulebook (rules as plain records, app/rulebook/compiled.py) checks letters exactly
as the validated models do, and loads from the cache without pydantic or YAML."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys

import pytest

from app.checks.engine import run_checks
from app.core.config import PROJECT_ROOT
from app.rulebook.cache import load_rulebook_cached
from app.rulebook.compiled import Record, compile_rulebook
from app.rulebook.loader import load_rulebook

LETTERS = sorted((PROJECT_ROOT / "tests" / "fixtures" / "letters").glob("*.md"))
HEAVY = ("pydantic", "pydantic_core", "pydantic_settings", "yaml", "fastapi", "sqlalchemy")


@pytest.fixture(scope="module")
def both():  # type: ignore[no-untyped-def]
    models = load_rulebook(PROJECT_ROOT / "rules")
    return models, compile_rulebook(models)


def test_records_carry_the_fields_and_methods_of_the_models(both) -> None:  # type: ignore[no-untyped-def]
    models, records = both
    assert records.hash == models.hash and set(records.rules) == set(models.rules)
    for code, law in models.jurisdictions.items():
        rec = records.jurisdictions[code]
        assert isinstance(rec, Record) and type(rec).__name__ == "LegalRule"
        assert rec.element_ids() == law.element_ids()
        assert (rec.is_unverified, rec.has_content_rules) == (
            law.is_unverified,
            law.has_content_rules,
        )
        assert [s.primary for s in rec.sources] == [s.primary for s in law.sources]
        assert [s.publisher for s in rec.sources] == [s.publisher for s in law.sources]
    rid, rule = next(iter(models.rules.items()))
    assert set(vars(records.rules[rid])) == set(type(rule).model_fields)
    with pytest.raises(AttributeError):
        records.rules[rid].kind = "other"


@pytest.mark.parametrize("letter", LETTERS[::4], ids=lambda p: p.stem)
def test_compiled_rules_give_the_same_report(both, letter) -> None:  # type: ignore[no-untyped-def]
    models, records = both
    text = letter.read_text()
    kwargs = {"jurisdictions": ("US-CA", "US-MA", "US-HIPAA"), "tone": None, "grammar": False}
    kwargs["settings"] = None
    assert run_checks(text, rulebook=records, **kwargs) == run_checks(
        text, rulebook=models, **kwargs
    )


def test_a_pickled_compiled_rulebook_loads_without_pydantic(both, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "rb.pickle"
    path.write_bytes(pickle.dumps(both[1], protocol=pickle.HIGHEST_PROTOCOL))
    code = (
        "import json, pickle, sys\n"
        f"rb = pickle.loads(open({str(path)!r}, 'rb').read())\n"
        "assert rb.jurisdictions['US-CA'].element_ids()\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PROJECT_ROOT
    )
    loaded = {m.split(".")[0] for m in json.loads(out.stdout)}
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_the_cache_keeps_models_and_records_apart(tmp_path) -> None:  # type: ignore[no-untyped-def]
    models = load_rulebook_cached(PROJECT_ROOT / "rules", tmp_path)
    records = load_rulebook_cached(PROJECT_ROOT / "rules", tmp_path, compiled=True)
    again = load_rulebook_cached(PROJECT_ROOT / "rules", tmp_path, compiled=True)
    assert not isinstance(models.rules["empathy.hedging"], Record)
    assert isinstance(records.rules["empathy.hedging"], Record) and again == records
    assert len(list(tmp_path.glob("rulebook-*-compiled.pickle"))) == 1
    assert len(list(tmp_path.glob("rulebook-*-models.pickle"))) == 1
