"""`candor merge --plan ...`: output, exit codes, one-line errors, resume."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from support.recipients import BAD_ROWS, person, write_recipients, write_rows
from support.storedb import AUDIT_KEY, test_settings

from app.cli import main
from app.core.config import PROJECT_ROOT
from app.domain.facts import IncidentFacts
from app.letters.drafting import draft_letter

STATES = ["US-CA", "US-MA", "US-NY"]


def facts_data(**changes: object) -> dict:
    """The hospital example as a plain business with patients in CA, MA and NY (monitoring with a
    per-recipient activation code)."""
    data = json.loads((PROJECT_ROOT / "examples" / "hospital-ransomware.json").read_text())
    data["affected"] = {"US-CA": 900, "US-MA": 300, "US-NY": 500}
    data["organisation"]["entity_types"] = ["business"]
    data.update(changes)
    return data


def drafted(tmp_path: Path, rulebook, code: str, facts: dict | None = None) -> str:
    """Draft the plain letter for one state from the facts and write it to `<code>.md`."""
    text = draft_letter(
        IncidentFacts.model_validate(facts or facts_data()),
        rulebook,
        PROJECT_ROOT / "templates" / "letters",
        tone="plain",
        jurisdiction=code,
    ).text
    name = f"{code.lower()}.md"
    (tmp_path / name).write_text(text)
    return name


def make_plan(
    tmp_path: Path,
    rulebook,
    *,
    approved: bool = True,
    files: dict[str, str] | None = None,
    default: str | None = None,
) -> Path:
    """A plan of Candor-drafted letters; `files` maps a residence to the state whose letter it
    gets (default: its own)."""
    letters = {}
    for code, source in (files if files is not None else {c: c for c in STATES}).items():
        name = drafted(tmp_path, rulebook, source)
        letters[code] = {
            "file": name,
            "approved": approved if code == "US-MA" else True,
            "variant": source.lower(),
            "organisation": "Example Co.",
        }
    plan: dict = {"letters": letters}
    if default:
        plan["default"] = {"file": drafted(tmp_path, rulebook, default), "approved": True}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    return path


def merge(tmp_path: Path, plan: Path, src: Path, *extra: str) -> int:
    argv = ["merge", "--plan", str(plan), str(src), "--out", str(tmp_path / "out")]
    return main([*argv, "--format", "text", "--quiet", *extra])


def rejects(tmp_path: Path) -> list[dict[str, str]]:
    with open(tmp_path / "out" / "rejects.csv", newline="") as fh:
        return list(csv.DictReader(fh))


def test_merge_with_plan_text(tmp_path: Path, rulebook, capsys: pytest.CaptureFixture[str]) -> None:
    plan = make_plan(tmp_path, rulebook)
    src = tmp_path / "r.csv"
    write_recipients(src, 90, STATES, bad=True)
    code = merge(tmp_path, plan, src)
    out = capsys.readouterr()
    assert code == 0, out.err
    assert out.out.startswith("90 letters (us-ca=30, us-ma=30, us-ny=30);")
    assert f"{len(BAD_ROWS)} rejected" in out.out
    assert "Person" not in out.out + out.err
    with open(tmp_path / "out" / "manifest.csv", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == 90
    # Re-running resumes: nothing new, nothing duplicated.
    assert merge(tmp_path, plan, src) == 0
    assert "90 letters" in capsys.readouterr().out
    assert len(list((tmp_path / "out" / "letters").rglob("*.txt"))) == 90


def test_merge_pdf_per_variant(
    tmp_path: Path, rulebook, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = make_plan(tmp_path, rulebook)
    src = tmp_path / "r.csv"
    write_recipients(src, 3, STATES)
    assert (
        main(
            [
                "merge",
                "--plan",
                str(plan),
                str(src),
                "--out",
                str(tmp_path / "out"),
                "--mode",
                "per-variant",
            ]
        )
        == 0
    )
    assert sorted(p.name for p in (tmp_path / "out").glob("*.pdf")) == [
        "us-ca.pdf",
        "us-ma.pdf",
        "us-ny.pdf",
    ]
    assert "merge: 3 letters" in capsys.readouterr().err  # progress on stderr


def test_unapproved_exit_2_one_line(
    tmp_path: Path, rulebook, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = make_plan(tmp_path, rulebook, approved=False)
    src = tmp_path / "r.csv"
    write_recipients(src, 3, STATES)
    code = main(
        ["merge", "--plan", str(plan), str(src), "--out", str(tmp_path / "out"), "--format", "text"]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "not approved" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "case", ["no-recipients", "bad-json", "no-source", "bad-facts", "facts-with-draft-set"]
)
def test_bad_input_exit_2(
    tmp_path: Path, rulebook, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    plan = make_plan(tmp_path, rulebook)
    src = tmp_path / "r.csv"
    write_recipients(src, 1, STATES)
    if case == "no-recipients":
        argv = [
            "merge",
            "--plan",
            str(plan),
            str(tmp_path / "nope.csv"),
            "--out",
            str(tmp_path / "o"),
        ]
    elif case == "bad-json":
        plan.write_text("{nope")
        argv = ["merge", "--plan", str(plan), str(src), "--out", str(tmp_path / "o")]
    elif case == "bad-facts":
        bad = facts_data()
        bad["affected"] = {"US-CA": -1}
        (tmp_path / "facts.json").write_text(json.dumps(bad))
        argv = ["merge", "--plan", str(plan), str(src), "--out", str(tmp_path / "o")]
        argv += ["--facts", str(tmp_path / "facts.json")]
    elif case == "facts-with-draft-set":
        argv = ["merge", "--draft-set", "1", str(src), "--out", str(tmp_path / "o")]
        argv += ["--facts", str(tmp_path / "facts.json")]
    else:
        argv = ["merge", str(src), "--out", str(tmp_path / "o")]
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse errors
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("candor: error:") and err.count("\n") == 1


def test_plan_letter_for_another_state_is_rejected_for_its_recipients(
    tmp_path: Path, rulebook, capsys: pytest.CaptureFixture[str]
) -> None:
    """A plan that gives Massachusetts residents the California letter (which states what happened,
    as CA requires and MA forbids): every MA row is rejected `legal_check_failed`, the rest mailed."""
    plan = make_plan(
        tmp_path, rulebook, files={"US-CA": "US-CA", "US-MA": "US-CA", "US-NY": "US-NY"}
    )
    src = tmp_path / "r.csv"
    write_recipients(src, 9, STATES)
    code = merge(tmp_path, plan, src)
    out = capsys.readouterr()
    assert code == 0, out.err
    assert out.out.startswith("6 letters (us-ca=3, us-ny=3); 3 rejected (legal_check_failed=3, ")
    rows = rejects(tmp_path)
    assert {r["recipient_id"] for r in rows} == {"r0000001", "r0000004", "r0000007"}  # the MA rows
    assert {r["reason_code"] for r in rows} == {"legal_check_failed"}
    assert all("US-MA forbids what_happened" in r["reason"] for r in rows)
    with open(tmp_path / "out" / "manifest.csv", newline="") as fh:
        assert {r["residence"] for r in csv.DictReader(fh)} == {"US-CA", "US-NY"}
    proofs = json.loads((tmp_path / "out" / "summary.json").read_text())["proofs"]
    assert proofs["US-MA"]["ok"] is False and proofs["US-MA"]["laws"] == ["US-MA"]
    assert proofs["US-CA"]["ok"] is True and proofs["US-NY"]["ok"] is True
    assert "US-MA rows rejected (legal_check_failed)" in out.err  # said even with --quiet
    assert "Person" not in out.out + out.err


def _write_rows(path: Path, rows: list[tuple[str, str, str]]) -> None:
    """Recipients (id, region, country) with made-up names and addresses."""
    write_rows(
        path, (person(rid, region, name=f"Person {rid}", country=c) for rid, region, c in rows)
    )


def test_default_letter_is_proved_for_each_residence_in_the_file(
    tmp_path: Path, rulebook, capsys: pytest.CaptureFixture[str]
) -> None:
    """A `default` letter goes to residences the plan does not name: each one found in the
    recipients file is proved for its own law (a New York letter is not lawful in Massachusetts,
    nor for German residents, whose letter must name a data protection officer and carry no
    US-only content)."""
    plan = make_plan(tmp_path, rulebook, files={}, default="US-NY")
    src = tmp_path / "r.csv"
    _write_rows(src, [("a", "NY", "US"), ("b", "MA", "US"), ("c", "", "DE"), ("d", "TX", "US")])
    code = merge(tmp_path, plan, src)
    out = capsys.readouterr()
    assert code == 0, out.err
    assert out.out.startswith("2 letters (us-ny=2); 2 rejected (legal_check_failed=2, ")
    got = {r["recipient_id"]: r["reason"] for r in rejects(tmp_path)}
    assert set(got) == {"b", "c"}
    assert "US-MA" in got["b"] and "EU-GDPR requires dpo_contact" in got["c"]
    assert "US-only content" in got["c"]  # the rule family shared by non-US laws counts too
    proofs = json.loads((tmp_path / "out" / "summary.json").read_text())["proofs"]
    assert sorted(proofs) == ["DE", "US-MA", "US-NY", "US-TX"]


def test_facts_file_adds_the_facts_comparison_and_entity_laws(
    tmp_path: Path, rulebook, capsys: pytest.CaptureFixture[str]
) -> None:
    """With `--facts`, letters that disagree with the facts (24 months of monitoring; the facts now
    say 12) are rejected `facts_mismatch`; without it they are proved against residence law only,
    and the run says so. A HIPAA covered entity's facts add US-HIPAA to every US residence's laws."""
    plan = make_plan(tmp_path, rulebook)
    src = tmp_path / "r.csv"
    write_recipients(src, 3, STATES)
    changed = facts_data()
    changed["services"]["credit_monitoring"]["months"] = 12
    (tmp_path / "facts.json").write_text(json.dumps(changed))
    assert (
        main(
            [
                "merge",
                "--plan",
                str(plan),
                str(src),
                "--out",
                str(tmp_path / "o1"),
                "--format",
                "text",
            ]
        )
        == 0
    )
    out = capsys.readouterr()
    assert out.out.startswith("3 letters") and "no --facts given" in out.err
    assert merge(tmp_path, plan, src, "--facts", str(tmp_path / "facts.json")) == 0
    out = capsys.readouterr()
    assert out.out.startswith("0 letters (); 3 rejected (facts_mismatch=3, "), out.out
    assert all("12 months" in r["reason"] for r in rejects(tmp_path))
    hipaa = facts_data()
    hipaa["organisation"]["entity_types"] = ["hipaa_covered_entity"]
    (tmp_path / "facts.json").write_text(json.dumps(hipaa))
    argv = ["merge", "--plan", str(plan), str(src), "--out", str(tmp_path / "o3"), "--quiet"]
    assert main([*argv, "--format", "text", "--facts", str(tmp_path / "facts.json")]) == 0
    proofs = json.loads((tmp_path / "o3" / "summary.json").read_text())["proofs"]
    assert all("US-HIPAA" in p["laws"] for p in proofs.values()), proofs


def test_merge_draft_set_from_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--draft-set INCIDENT`: the incident's approved drafts from the store; others left out."""
    from app.core.config import get_settings
    from app.main import create_app
    from app.store import repositories as repo

    url = f"sqlite:///{tmp_path}/c.db"
    app = create_app(test_settings(url, tmp_path, DEMO_DATA=True))
    with app.state.db.sessions() as session:
        incident = repo.list_incidents(session)[0]
        drafts = repo.list_drafts(session, incident.id)
        ma = next(d for d in drafts if d.residences == ["US-MA"])
        for d in drafts:
            d.state = "in_review" if d.id == ma.id else "approved"
        session.commit()
        other = [code for d in drafts if d.id != ma.id for code in d.residences]
    app.state.db.dispose()
    capsys.readouterr()  # the demo seed's one-time passwords
    monkeypatch.setenv("CANDOR_DATABASE_URL", url)
    monkeypatch.setenv("CANDOR_ENVIRONMENT", "test")
    monkeypatch.setenv("CANDOR_AUDIT_KEY", AUDIT_KEY)
    get_settings.cache_clear()
    try:
        src = tmp_path / "r.csv"
        write_recipients(src, 12, [other[0], "US-MA"])
        code = main(
            [
                "merge",
                "--draft-set",
                str(incident.id),
                str(src),
                "--out",
                str(tmp_path / "out"),
                "--format",
                "text",
                "--quiet",
            ]
        )
        out = capsys.readouterr()
        assert code == 0, out.err
        assert out.out.startswith("6 letters") and "6 rejected" in out.out
        with open(tmp_path / "out" / "rejects.csv", newline="") as fh:
            assert {r["reason_code"] for r in csv.DictReader(fh)} == {
                "no_variant"
            }  # MA not approved
        letter = next((tmp_path / "out" / "letters").rglob("*.txt")).read_text()
        assert "Harbor & Pine" in letter and "DRAFT" not in letter and "[[recipient" not in letter
        assert (
            main(
                [
                    "merge",
                    "--draft-set",
                    "999",
                    str(src),
                    "--out",
                    str(tmp_path / "o2"),
                    "--format",
                    "text",
                ]
            )
            == 2
        )
        assert "999" in capsys.readouterr().err
    finally:
        get_settings.cache_clear()
