"""`candor obligations`: text and JSON reports; bad input exits 2 with one line, never a traceback."""

from __future__ import annotations

import json

from app.cli import main
from app.core.config import PROJECT_ROOT

EXAMPLE = str(PROJECT_ROOT / "examples" / "saas-credentials.json")


def _write(tmp_path, data) -> str:  # type: ignore[no-untyped-def]
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(data))
    return str(path)


def test_json_shape(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    facts = {
        "organisation": {"name": "Acme"},
        "incident": {"discovery_date": "2026-03-02"},
        "data_types": ["name", "ssn"],
        "affected": {"US-CA": 600, "US-MA": 50},
    }
    assert (
        main(["obligations", _write(tmp_path, facts), "--format", "json", "--today", "2026-03-10"])
        == 0
    )
    body = json.loads(capsys.readouterr().out)
    assert {"obligations", "variants", "jurisdictions", "today"} <= set(body)
    for o in body["obligations"]:
        assert {
            "jurisdiction",
            "obligation",
            "recipient",
            "due",
            "days_left",
            "citation",
            "unverified",
        } <= set(o)
        assert o["obligation"] in ("individuals", "regulator", "cra", "media")
    ca = next(
        o
        for o in body["obligations"]
        if o["jurisdiction"] == "US-CA" and o["obligation"] == "individuals"
    )
    assert ca["due"] == "2026-04-01" and ca["days_left"] == 22
    assert sorted(sorted(v["residences"]) for v in body["variants"]) == [["US-CA"], ["US-MA"]]


def test_text_report(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["obligations", EXAMPLE, "--today", "2026-10-08"]) == 0
    out = capsys.readouterr().out
    assert "Letter variants:" in out and "EU-GDPR" in out and "Why:" in out
    assert (
        "US-MA does not apply" in out
    )  # credentials are not personal information in Massachusetts


def test_stdin(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(open(EXAMPLE).read()))
    assert main(["obligations", "-", "--format", "json", "--today", "2026-10-08"]) == 0
    assert json.loads(capsys.readouterr().out)["today"] == "2026-10-08"


def test_bad_facts_exit_2(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert (
        main(
            [
                "obligations",
                _write(tmp_path, {"organisation": {"name": "A"}, "affected": {"US-XX": 3}}),
            ]
        )
        == 2
    )
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "affected" in err and "Traceback" not in err


def test_bad_today_exit_2(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["obligations", EXAMPLE, "--today", "tomorrow"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--today" in err


def test_missing_file_and_bad_format_exit_2(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["obligations", str(tmp_path / "nope.json")]) == 2
    assert "file not found" in capsys.readouterr().err
    try:
        code = main(["obligations", EXAMPLE, "--format", "xml"])
    except SystemExit as exc:  # argparse exits on bad choices
        code = exc.code
    assert code == 2
