"""`candor draft`: prints the letter; bad input exits 2 with one line naming the field."""

from __future__ import annotations

import json

from app.cli import main
from app.core.config import PROJECT_ROOT

EXAMPLE = str(PROJECT_ROOT / "examples" / "retailer-card-breach.json")


def test_draft_prints_letter(capsys):
    assert main(["draft", EXAMPLE, "--tone", "plain", "--jurisdiction", "US-CA"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("**Harbor & Pine Outfitters**") and "# Notice of Data Breach" in out


def test_draft_html(capsys):
    assert main(["draft", EXAMPLE, "--tone", "formal", "--format", "html"]) == 0
    out = capsys.readouterr().out
    assert "<h1>" in out and "<script" not in out


def test_bad_facts_exit_2_with_field(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "organisation": {"name": "A"},
                "incident": {"breach_start": "2026-03-05", "discovery_date": "2026-03-01"},
            }
        )
    )
    assert main(["draft", str(bad), "--tone", "plain"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "incident.discovery_date" in err and "Traceback" not in err


def test_invalid_json_and_missing_file_exit_2(tmp_path, capsys):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert main(["draft", str(broken)]) == 2
    assert "invalid JSON at line 1" in capsys.readouterr().err
    assert main(["draft", str(tmp_path / "nope.json")]) == 2
    assert "file not found" in capsys.readouterr().err


def test_unknown_jurisdiction_and_tone_exit_2(capsys):
    assert main(["draft", EXAMPLE, "--jurisdiction", "US-XX"]) == 2
    assert "unknown code" in capsys.readouterr().err
    try:
        main(["draft", EXAMPLE, "--tone", "chirpy"])
    except SystemExit as exc:
        assert exc.code == 2
