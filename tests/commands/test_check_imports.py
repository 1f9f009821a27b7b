"""`candor check` stays as quick to start as a linter: with the rulebook cache warm, checking a
letter imports no pydantic, pydantic-settings, YAML, web or database code (bench/bench_cli.py
measures the time; this test keeps the imports from creeping back)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from app.core.config import PROJECT_ROOT

HEAVY = ("pydantic", "pydantic_core", "pydantic_settings", "yaml", "fastapi", "starlette")
HEAVY += ("sqlalchemy", "jinja2", "httpx", "harper", "language_tool_python", "nltk", "textstat")
LETTER = PROJECT_ROOT / "tests" / "fixtures" / "letters" / "17_legalistic_law_firm_multistate.md"

PROBE = """
import contextlib, io, json, sys
from app.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
    code = main(sys.argv[1:])
print(json.dumps({"code": code, "out": out.getvalue(), "modules": sorted(sys.modules)}))
"""


def _check(tmp_path, *args: str) -> dict:  # type: ignore[no-untyped-def]
    env = {**os.environ, "CANDOR_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "check", str(LETTER), "--no-grammar", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,
        check=True,
    )
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_a_warm_check_imports_no_heavy_library(tmp_path) -> None:  # type: ignore[no-untyped-def]
    cold = _check(tmp_path, "--jurisdiction", "US-CA")  # builds the compiled rulebook
    warm = _check(tmp_path, "--jurisdiction", "US-CA")
    assert warm["out"] == cold["out"] and warm["out"]
    heavy = sorted({m.split(".")[0] for m in warm["modules"]} & set(HEAVY))
    assert heavy == [], f"candor check imported {heavy}"
    assert "yaml" in {m.split(".")[0] for m in cold["modules"]}  # the probe can see imports


def test_facts_still_validate_with_pydantic(tmp_path) -> None:  # type: ignore[no-untyped-def]
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps({"organisation": {"name": 3}}))
    env = {**os.environ, "CANDOR_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", "check", str(LETTER), "--facts", str(facts)],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,
        check=False,
    )
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert "organisation" in done.stderr and "Traceback" not in done.stderr
