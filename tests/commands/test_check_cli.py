"""`candor check`: compiler-style lines, JSON Report, exit codes 0 / 1 / 2."""

from __future__ import annotations

import io
import json
import re

import pytest

from app.cli import main
from app.core.config import PROJECT_ROOT, get_settings

LETTERS = PROJECT_ROOT / "tests" / "fixtures" / "letters"
EXAMPLE = str(PROJECT_ROOT / "examples" / "retailer-card-breach.json")
LINE = re.compile(r"^\d+:\d+ (suggestion|warning|error) [\w.-]+ \S.*$")


def _letter(tmp_path, text: str) -> str:  # type: ignore[no-untyped-def]
    p = tmp_path / "letter.md"
    p.write_text(text)
    return str(p)


def test_text_output_is_one_finding_per_line(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = _letter(
        tmp_path, "Hello Sam,\n\nYour data may have been affected by a sophisticated cyberattack.\n"
    )
    code = main(["check", path, "--no-grammar"])
    out = capsys.readouterr().out.strip().splitlines()
    assert code == 0  # warnings only
    assert out and all(LINE.match(line) for line in out), out
    hedge = next(line for line in out if "empathy.hedging" in line)
    assert hedge.startswith("3:11 warning")


def test_error_findings_exit_1(capsys) -> None:  # type: ignore[no-untyped-def]
    code = main(
        [
            "check",
            str(LETTERS / "03_ma_forbidden_ransomware.md"),
            "--jurisdiction",
            "US-MA",
            "--no-grammar",
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert re.search(r"^\d+:\d+ error legal\.us-ma\.what_happened ", out, re.M)


def test_json_is_the_report(capsys) -> None:  # type: ignore[no-untyped-def]
    code = main(
        [
            "check",
            str(LETTERS / "01_ca_model_form_payroll.md"),
            "--jurisdiction",
            "US-CA",
            "--facts",
            EXAMPLE,
            "--tone",
            "formal",
            "--format",
            "json",
            "--no-grammar",
        ]
    )
    body = json.loads(capsys.readouterr().out)
    assert code in (0, 1)
    assert set(body) >= {
        "findings",
        "elements",
        "empathy",
        "readability",
        "grammar",
        "rulebook",
        "stats",
    }
    assert body["rulebook"].startswith("sha256:") and body["grammar"]["status"] == "skipped"
    assert {e["jurisdiction"] for e in body["elements"]} == {"US-CA"}


def test_stdin(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("sys.stdin", io.StringIO("We take your privacy very seriously."))
    assert main(["check", "-", "--no-grammar"]) == 0
    assert "empathy.cliches" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["check", "/nonexistent/letter.md"], "file not found"),
        (["check", "LETTER", "--jurisdiction", "XX-ZZ"], "Unknown jurisdiction XX-ZZ"),
        (["check", "LETTER", "--facts", "BADFACTS"], "invalid JSON"),
        (["check", "LETTER", "--tone", "snarky"], "Unknown tone"),
    ],
)
def test_bad_input_exits_2_with_one_line(args, needle, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    letter = _letter(tmp_path, "Hello.")
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    args = [letter if a == "LETTER" else str(bad) if a == "BADFACTS" else a for a in args] + [
        "--no-grammar"
    ]
    try:
        code = main(args)
    except SystemExit as exc:  # argparse rejects a bad choice before the command runs
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert needle in err and err.count("\n") == 0 and "Traceback" not in err


def test_too_long_text_exits_2(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CANDOR_MAX_TEXT_CHARS", "50")
    get_settings.cache_clear()
    assert main(["check", _letter(tmp_path, "x" * 51), "--no-grammar"]) == 2
    err = capsys.readouterr().err
    assert "limit is 50" in err and err.strip().count("\n") == 0


def test_rules_listing(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    assert "empathy.hedging" in out and "US-CA" in out and "reviewed 20" in out
    assert main(["rules", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["rulebook"].startswith("sha256:") and any(
        j["code"] == "US-MA" for j in data["jurisdictions"]
    )
