"""`candor merge` runs the merge jobs' fast path in-process (app.export.local_merge): the output
folder must hold the same files as the single-process engine (`run_merge`) makes from the same
plan and recipients — letters byte for byte, manifest, rejects, summary counts — in both modes,
also after a run stopped in the middle of a chunk and resumed; a plan file's translations reach
the right readers and `candor merge` lists each variant's languages.

Real parts: the job's own SQLite database, the in-process runner, files on disk, the CLI's main().
"""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from support.recipients import COLUMNS, STATES_12, plan_for, write_recipients, write_rows

from app.cli import main
from app.core.config import PROJECT_ROOT, Settings
from app.domain.facts import IncidentFacts
from app.export.local_merge import JOB_DIR, run_local_merge
from app.export.merge import MergeError, MergePlan, VariantLetter, run_merge
from app.export.plan import plan_from_json
from app.letters.drafting import draft_letter
from app.store.migrate import alembic_config

N = 130


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    from support.storedb import test_settings

    return test_settings(f"sqlite:///{tmp_path}/unused.db", tmp_path, MERGE_CHUNK_SIZE=40)


def _tree(out: Path) -> dict[str, bytes]:
    """Every output file by relative path (summary.json aside: it holds timings)."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name != "summary.json"
    }


def _counts(out: Path) -> dict:
    data = json.loads((out / "summary.json").read_text())
    return {k: data[k] for k in ("status", "per_variant", "reject_reasons", "files", "format")}


@pytest.mark.parametrize("mode", ["per-recipient", "per-variant"])
def test_same_outputs_as_the_single_process_engine(
    tmp_path: Path, settings: Settings, mode: str
) -> None:
    src = tmp_path / "r.csv"
    write_recipients(src, N, STATES_12, bad=True, duplicates=3)
    plan = plan_for(STATES_12)
    run_merge(plan, src, tmp_path / "engine", fmt="text", mode=mode)
    result = run_local_merge(plan, src, tmp_path / "jobs", settings=settings, mode=mode)
    engine, jobs = _tree(tmp_path / "engine"), _tree(tmp_path / "jobs")
    assert sorted(jobs) == sorted(engine)
    assert jobs == engine
    assert _counts(tmp_path / "jobs") == _counts(tmp_path / "engine")
    assert result.produced == N and result.resumed == 0
    assert not (tmp_path / "jobs" / JOB_DIR).exists()
    assert src.is_file()  # the user's file is copied, never moved


@pytest.mark.parametrize("mode", ["per-recipient", "per-variant"])
def test_a_stopped_run_resumes_to_the_same_outputs(
    tmp_path: Path, settings: Settings, mode: str
) -> None:
    src = tmp_path / "r.csv"
    write_recipients(src, N, STATES_12, bad=True, duplicates=3)
    plan = plan_for(STATES_12)
    run_merge(plan, src, tmp_path / "engine", fmt="text", mode=mode)
    out = tmp_path / "jobs"
    with pytest.raises(MergeError, match="run the same command again"):
        run_local_merge(plan, src, out, settings=settings, mode=mode, hooks={"stop_after": 25})
    assert not (out / "summary.json").exists()
    with sqlite3.connect(out / JOB_DIR / "merge.sqlite") as conn:  # made at head, not migrated
        (revision,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    assert revision == ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    result = run_local_merge(plan, src, out, settings=settings, mode=mode)
    assert 0 < result.resumed < N and result.produced + result.rejected + result.resumed > N
    assert _tree(out) == _tree(tmp_path / "engine")
    again = run_local_merge(plan, src, out, settings=settings, mode=mode)  # complete: nothing to do
    assert again.produced == 0 and sum(again.per_variant.values()) == N


def test_an_output_folder_of_other_letters_is_refused(tmp_path: Path, settings: Settings) -> None:
    src = tmp_path / "r.csv"
    write_recipients(src, 5, STATES_12)
    run_local_merge(plan_for(STATES_12), src, tmp_path / "out", settings=settings)
    with pytest.raises(MergeError, match="other letters"):
        run_local_merge(plan_for(["US-CA"]), src, tmp_path / "out", settings=settings)


def _plan_file(tmp_path: Path, rulebook=None, **extra: object) -> Path:
    """English letters for CA and NY, a Spanish one for CA: Candor-drafted when ``rulebook`` is
    given (they pass the per-recipient proof), else the small test letters."""
    if rulebook is not None:
        data = json.loads((PROJECT_ROOT / "examples" / "hospital-ransomware.json").read_text())
        data["affected"] = {"US-CA": 900, "US-NY": 500}
        data["organisation"]["entity_types"] = ["business"]
        facts = IncidentFacts.model_validate(data)
        templates = PROJECT_ROOT / "templates" / "letters"

        def text(code: str, folder: Path = templates) -> str:
            return draft_letter(facts, rulebook, folder, tone="plain", jurisdiction=code).text

        texts = {
            "us-ca": text("US-CA"),
            "us-ny": text("US-NY"),
            "us-ca.es": text("US-CA", templates / "es"),
        }
    else:
        small = plan_for(["US-CA", "US-NY"]).letters
        texts = {"us-ca": small["US-CA"].text, "us-ny": small["US-NY"].text}
        texts["us-ca.es"] = texts["us-ca"].replace("Dear", "Estimado/a")
    for name, body in texts.items():
        (tmp_path / f"{name}.md").write_text(body)
    data = {
        "letters": {
            "US-CA": {"file": "us-ca.md", "approved": True},
            "US-NY": {"file": "us-ny.md", "approved": True},
        },
        "translations": {"es": {"US-CA": {"file": "us-ca.es.md", "approved": True}}},
        **extra,
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data))
    return path


def test_plan_file_translations_and_languages(tmp_path: Path) -> None:
    plan = plan_from_json(_plan_file(tmp_path))
    assert plan.letter_for("US-CA", "es").variant_id == "us-ca.es"  # type: ignore[union-attr]
    assert plan.letter_for("US-CA", "es").language == "es"  # type: ignore[union-attr]
    assert plan.letter_for("US-NY", "es").variant_id == "us-ny.en-fallback"  # type: ignore[union-attr]
    assert plan.languages() == {
        "us-ca": {"residences": ["US-CA"], "languages": {"en": "us-ca", "es": "us-ca.es"}},
        "us-ny": {"residences": ["US-NY"], "languages": {"en": "us-ny"}},
    }
    no_fallback = plan_from_json(_plan_file(tmp_path, fallback=False))
    assert no_fallback.letter_for("US-NY", "es").variant_id == "us-ny"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("translations", "message"),
    [
        ({"en": {}}, "translations.en: expected a language code"),
        ({"es": []}, "translations.es: expected an object"),
        ({"es": {"US-TX": {"file": "us-ca.es.md", "approved": True}}}, "no English letter"),
        ({"es": {"US-CA": {"file": "gone.md", "approved": True}}}, "cannot read gone.md"),
    ],
)
def test_plan_file_translations_errors_name_the_field(
    tmp_path: Path, translations: object, message: str
) -> None:
    path = _plan_file(tmp_path)
    data = json.loads(path.read_text()) | {"translations": translations}
    path.write_text(json.dumps(data))
    with pytest.raises(MergeError, match=message):
        plan_from_json(path)


def test_default_letter_languages_are_listed_under_other_residences() -> None:
    letter = VariantLetter("generic", "# Hi\n\nDear [[recipient: name]],\n", True)
    es = VariantLetter("generic.es", "# Hola\n\nEstimado [[recipient: name]],\n", True)
    plan = MergePlan({}, letter, translations={"es": {"US-TX": es}})
    assert plan.languages() == {
        "generic": {"residences": ["*"], "languages": {"en": "generic"}},
    }


def test_cli_lists_variant_languages_and_mails_the_spanish_letter(
    tmp_path: Path, rulebook, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    monkeypatch.setenv("CANDOR_DATABASE_URL", f"sqlite:///{tmp_path}/store.db")
    plan = _plan_file(tmp_path, rulebook)
    src = tmp_path / "r.csv"
    rows = [
        {"recipient_id": "a1", "name": "Ana", "address_line1": "1 Oak", "city": "LA",
         "region": "CA", "country": "US", "activation_code": "AC-1", "language": "es"},
        {"recipient_id": "b2", "name": "Bo", "address_line1": "2 Elm", "city": "SF",
         "region": "CA", "country": "US", "activation_code": "AC-2"},
        {"recipient_id": "c3", "name": "Cy", "address_line1": "3 Ash", "city": "NYC",
         "region": "NY", "country": "US", "activation_code": "AC-3", "language": "es"},
    ]  # fmt: skip
    write_rows(src, rows, [*COLUMNS, "language"])
    out = tmp_path / "out"
    code = main(["merge", "--plan", str(plan), str(src), "--out", str(out), "--format", "text"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "merge: variant us-ca: US-CA; languages: en, es (us-ca.es)" in captured.err
    assert "merge: variant us-ny: US-NY; languages: en" in captured.err
    with open(out / "manifest.csv", newline="") as fh:
        variants = {r["recipient_id"]: r["variant"] for r in csv.DictReader(fh)}
    assert json.loads((out / "summary.json").read_text())["proofs"]["US-CA.es"]["ok"]
    assert variants == {"a1": "us-ca.es", "b2": "us-ca", "c3": "us-ny.en-fallback"}
    assert "Estimado/a Ana" in (out / "letters" / "us-ca.es" / "a1.txt").read_text()


def test_cli_lists_only_the_translations_that_passed_their_proof(
    tmp_path: Path, rulebook, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    """The small test letters fail the legal proof: the Spanish one is left out of the plan (its
    readers would get English), so the listing shows English only."""
    monkeypatch.setenv("CANDOR_DATABASE_URL", f"sqlite:///{tmp_path}/store.db")
    src = tmp_path / "r.csv"
    write_recipients(src, 3, ["US-CA"])
    out = tmp_path / "out"
    argv = ["merge", "--plan", str(_plan_file(tmp_path)), str(src), "--out", str(out)]
    assert main([*argv, "--format", "text"]) == 0
    err = capsys.readouterr().err
    assert "merge: variant us-ca: US-CA; languages: en\n" in err
