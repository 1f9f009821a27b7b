"""`candor check --format github|sarif`, several files at once, and the compiled-rulebook cache.

SARIF is checked against the constraints of the SARIF 2.1.0 schema that our output uses (a
hand-written subset: the OASIS schema file itself is not shipped here), and round-tripped:
every finding of the JSON report appears as a result at the same line and column.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import jsonschema_rs
import pytest

from app.cli import main
from app.core.config import PROJECT_ROOT, get_settings

LETTERS = PROJECT_ROOT / "tests" / "fixtures" / "letters"
LETTER = str(LETTERS / "07_hedged_corporate_cyberattack.md")
OTHER = str(LETTERS / "05_hipaa_lost_laptop.md")
GITHUB = re.compile(
    r"^::(error|warning|notice) file=[^,]+,line=\d+(,col=\d+,endLine=\d+,endColumn=\d+)?,title=[\w.%-]+::\S.*$"
)

_LEVEL = {"enum": ["none", "note", "warning", "error"]}
_POS = {"type": "integer", "minimum": 1}
SARIF_SUBSET = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "version": {"const": "2.1.0"},
        "$schema": {"type": "string"},
        "runs": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["tool", "results"],
                "properties": {
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {
                            "driver": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "rules": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "required": ["id"],
                                            "properties": {
                                                "id": {"type": "string"},
                                                "defaultConfiguration": {
                                                    "type": "object",
                                                    "properties": {"level": _LEVEL},
                                                },
                                            },
                                        },
                                    },
                                },
                            }
                        },
                    },
                    "columnKind": {"enum": ["utf16CodeUnits", "unicodeCodePoints"]},
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["message"],
                            "properties": {
                                "ruleId": {"type": "string"},
                                "ruleIndex": {"type": "integer", "minimum": -1},
                                "level": _LEVEL,
                                "message": {
                                    "type": "object",
                                    "required": ["text"],
                                    "properties": {"text": {"type": "string", "minLength": 1}},
                                },
                                "locations": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "physicalLocation": {
                                                "type": "object",
                                                "required": ["artifactLocation"],
                                                "properties": {
                                                    "artifactLocation": {
                                                        "type": "object",
                                                        "required": ["uri"],
                                                    },
                                                    "region": {
                                                        "type": "object",
                                                        "properties": {
                                                            "startLine": _POS,
                                                            "startColumn": _POS,
                                                            "endLine": _POS,
                                                            "endColumn": _POS,
                                                            "charOffset": {
                                                                "type": "integer",
                                                                "minimum": 0,
                                                            },
                                                            "charLength": {
                                                                "type": "integer",
                                                                "minimum": 0,
                                                            },
                                                        },
                                                    },
                                                },
                                            }
                                        },
                                    },
                                },
                                "partialFingerprints": {
                                    "type": "object",
                                    "additionalProperties": {"type": "string"},
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CANDOR_CACHE_DIR", str(tmp_path / "cache"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _run(args, capsys):  # type: ignore[no-untyped-def]
    code = main(args)
    return code, capsys.readouterr().out


def test_github_annotations(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out = _run(["check", LETTER, "--no-grammar", "--format", "github"], capsys)
    lines = out.strip().splitlines()
    assert code == 0 and lines
    assert all(GITHUB.match(line) for line in lines), [x for x in lines if not GITHUB.match(x)][:3]
    assert any(line.startswith("::warning") and "empathy.hedging" in line for line in lines)


def test_github_escapes_newlines_and_percent() -> None:
    from app.checks.base import Finding, Report, Severity
    from app.commands.report_formats import format_github

    f = Finding(
        rule="x.y",
        check="phrases",
        severity=Severity.error,
        message="50% off,\nreally",
        start=0,
        end=2,
    )
    out = format_github(Report(findings=[f]), "ab\ncd", "a,b:c.md")
    assert (
        out
        == "::error file=a%2Cb%3Ac.md,line=1,col=1,endLine=1,endColumn=3,title=x.y::50%25 off, really"
    )


def test_sarif_is_valid_and_matches_the_json_report(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out = _run(["check", LETTER, "--no-grammar", "--format", "sarif"], capsys)
    log = json.loads(out)
    jsonschema_rs.validate(SARIF_SUBSET, log)
    _, js = _run(["check", LETTER, "--no-grammar", "--format", "json"], capsys)
    report = json.loads(js)
    results = log["runs"][0]["results"]
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert len(results) == len(report["findings"])
    text = open(LETTER, encoding="utf-8").read()
    for f, r in zip(report["findings"], results, strict=True):
        assert r["ruleId"] == f["rule"] == rules[r["ruleIndex"]]["id"]
        assert r["partialFingerprints"]["candorFindingId/v1"] == f["id"]
        region = r["locations"][0]["physicalLocation"]["region"]
        if f["start"] is not None:
            assert region["charOffset"] == f["start"]
            line_start = text.rfind("\n", 0, f["start"]) + 1
            assert region["startLine"] == text.count("\n", 0, f["start"]) + 1
            assert region["startColumn"] == f["start"] - line_start + 1


def test_several_files_in_one_run(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out = _run(["check", LETTER, OTHER, "--no-grammar"], capsys)
    lines = out.strip().splitlines()
    assert {line.split(":", 1)[0] for line in lines} == {LETTER, OTHER}
    code, out = _run(["check", LETTER, OTHER, "--no-grammar", "--format", "sarif"], capsys)
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in json.loads(out)["runs"][0]["results"]
    }
    assert uris == {LETTER, OTHER}
    code = main(["check", LETTER, OTHER, "--format", "json"])
    assert code == 2 and "one file" in capsys.readouterr().err


def test_output_identical_with_and_without_the_rulebook_cache(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Whole processes: an empty cache folder (builds the cache), the same folder again (reads
    it), and an unusable cache folder (no cache at all) give byte-identical output."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")

    def run(cache: str) -> str:
        env = {"CANDOR_CACHE_DIR": cache, "PATH": "/usr/bin:/bin"}
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "app.cli",
                "check",
                LETTER,
                "--no-grammar",
                "--format",
                "json",
                "--jurisdiction",
                "US-CA",
                "--jurisdiction",
                "US-MA",
            ],
            capture_output=True,
            text=True,
            env=env,
            cwd=PROJECT_ROOT,
            check=False,
        )
        assert done.returncode in (0, 1), done.stderr
        return done.stdout

    fresh = str(tmp_path / "cache")
    first = run(fresh)
    assert list((tmp_path / "cache").glob("rulebook-*.pickle")), (
        "the compiled rulebook was not cached"
    )
    assert run(fresh) == first
    assert run(str(blocker / "cache")) == first
