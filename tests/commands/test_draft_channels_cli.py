"""`candor draft --channel/--language` and `candor check --channel/--language`: every artifact from
the CLI, the recipients' language from the facts, and one-line errors with exit 2."""

from __future__ import annotations

import json

import pytest

from app.cli import main
from app.core.config import PROJECT_ROOT

EXAMPLES = PROJECT_ROOT / "examples"
RETAILER = str(EXAMPLES / "retailer-card-breach.json")
HOSPITAL = str(EXAMPLES / "hospital-ransomware.json")


def test_every_channel_drafts_from_the_cli(capsys):  # type: ignore[no-untyped-def]
    starts = {
        "email": "From: Harbor & Pine Outfitters <help@harborpine.example>",
        "website": "**Harbor & Pine Outfitters**",
        "faq": "# Harbor & Pine Outfitters: questions and answers",
        "press": "**Harbor & Pine Outfitters**",
    }
    for channel, start in starts.items():
        assert main(["draft", RETAILER, "--channel", channel, "--jurisdiction", "US-CA"]) == 0
        assert capsys.readouterr().out.startswith(start), channel
    assert main(["draft", RETAILER, "--channel", "regulator", "--jurisdiction", "US-MA"]) == 0
    assert "1,240 residents of Massachusetts" in capsys.readouterr().out


def test_spanish_letter_from_the_cli_and_its_check(tmp_path, capsys):  # type: ignore[no-untyped-def]
    assert main(["draft", HOSPITAL, "--language", "es", "--jurisdiction", "US-HIPAA"]) == 0
    letter = capsys.readouterr().out
    assert "Estimado/a" in letter and "9 de julio de 2026" in letter
    path = tmp_path / "carta.md"
    path.write_text(letter)
    args = [
        "check",
        str(path),
        "--facts",
        HOSPITAL,
        "--jurisdiction",
        "US-HIPAA",
        "--language",
        "es",
        "--format",
        "json",
    ]
    assert main(args + ["--no-grammar"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert "szigriszt_pazos" in report["readability"] and report["stats"]["language"] == "es"
    assert all(e["ok"] for e in report["elements"])


def test_the_facts_pick_the_recipients_language(tmp_path, capsys):  # type: ignore[no-untyped-def]
    facts = json.loads((EXAMPLES / "hospital-ransomware.json").read_text())
    facts["recipient_languages"] = {"US-IL": "es", "US-MO": "de"}
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(facts))
    assert main(["draft", str(path), "--jurisdiction", "US-IL"]) == 0
    assert "Estimado/a" in capsys.readouterr().out
    assert main(["draft", str(path), "--jurisdiction", "US-MO"]) == 0
    out = capsys.readouterr()
    assert out.out.startswith("**Lakeview") and "Dear " in out.out
    assert "read 'de'" in out.err and "translated" in out.err
    assert main(["draft", str(path), "--jurisdiction", "US-IL", "--language", "en"]) == 0
    assert "Dear " in capsys.readouterr().out


def test_check_runs_the_channels_rules(tmp_path, capsys):  # type: ignore[no-untyped-def]
    path = tmp_path / "email.md"
    path.write_text("Subject: News\n\nHello, we had a problem. Call 1-888-555-0193.\n")
    assert main(["check", str(path), "--channel", "email", "--no-grammar"]) == 1
    out = capsys.readouterr().out
    assert "channels.email.phishing_warning" in out and "channels.email.notice_link" in out


def test_bad_channel_language_and_missing_regulator_exit_2(capsys):  # type: ignore[no-untyped-def]
    for bad in (["--channel", "fax"], ["--language", "fr"]):
        with pytest.raises(SystemExit) as exc:  # argparse refuses a choice outside the list
            main(["draft", RETAILER, *bad])
        assert exc.value.code == 2
        assert bad[0] in capsys.readouterr().err
    assert main(["draft", RETAILER, "--channel", "regulator"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--jurisdiction" in err
    saas = str(EXAMPLES / "saas-credentials.json")
    assert main(["draft", saas, "--channel", "regulator", "--jurisdiction", "US-MA"]) == 2
    err = capsys.readouterr().err.strip()
    assert "No regulator notice is required under US-MA" in err and "Traceback" not in err


def test_email_artifact_as_eml(capsysbinary):  # type: ignore[no-untyped-def]
    import email
    import email.policy

    assert (
        main(["draft", RETAILER, "--channel", "email", "--format", "eml", "--language", "es"]) == 0
    )
    msg = email.message_from_bytes(capsysbinary.readouterr().out, policy=email.policy.default)
    assert msg["From"] == "Harbor & Pine Outfitters <help@harborpine.example>"
    assert msg["Subject"].startswith("[DRAFT") and "violación de datos" in msg["Subject"]
    assert msg.get_content_type() == "multipart/alternative"
    plain = msg.get_body(("plain",)).get_content()
    assert "Asunto:" not in plain and "Estimado/a" in plain
    assert not list(msg.iter_attachments())


def test_eml_only_for_the_email_channel(capsys):  # type: ignore[no-untyped-def]
    assert main(["draft", RETAILER, "--format", "eml"]) == 2
    assert "--channel email" in capsys.readouterr().err
