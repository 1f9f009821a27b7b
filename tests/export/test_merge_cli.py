"""`candor merge --plan ...`: output, exit codes, one-line errors, resume."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest

_TESTS_DIR = str(Path(__file__).resolve().parents[1])
if _TESTS_DIR not in sys.path:
    sys.path.insert(0, _TESTS_DIR)

from support.recipients import BAD_ROWS, letter_text, write_recipients  # noqa: E402

from app.cli import main  # noqa: E402

STATES = ["US-CA", "US-MA", "US-NY"]


def make_plan(tmp_path: Path, *, approved: bool = True) -> Path:
    letters = {}
    for code in STATES:
        vid = code.lower()
        (tmp_path / f"{vid}.md").write_text(letter_text(vid))
        letters[code] = {
            "file": f"{vid}.md",
            "approved": approved if code == "US-MA" else True,
            "variant": vid,
            "organisation": "Example Co.",
        }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"letters": letters}))
    return path


def test_merge_with_plan_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = make_plan(tmp_path)
    src = tmp_path / "r.csv"
    write_recipients(src, 90, STATES, bad=True)
    code = main(
        [
            "merge",
            "--plan",
            str(plan),
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
    assert out.out.startswith("90 letters (us-ca=30, us-ma=30, us-ny=30);")
    assert f"{len(BAD_ROWS)} rejected" in out.out
    assert "Person" not in out.out + out.err
    with open(tmp_path / "out" / "manifest.csv", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == 90
    # Re-running resumes: nothing new, nothing duplicated.
    assert (
        main(
            [
                "merge",
                "--plan",
                str(plan),
                str(src),
                "--out",
                str(tmp_path / "out"),
                "--format",
                "text",
                "--quiet",
            ]
        )
        == 0
    )
    assert "90 letters" in capsys.readouterr().out
    assert len(list((tmp_path / "out" / "letters").rglob("*.txt"))) == 90


def test_merge_pdf_per_variant(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = make_plan(tmp_path)
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


def test_unapproved_exit_2_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = make_plan(tmp_path, approved=False)
    src = tmp_path / "r.csv"
    write_recipients(src, 3, STATES)
    code = main(
        ["merge", "--plan", str(plan), str(src), "--out", str(tmp_path / "out"), "--format", "text"]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "not approved" in err and "Traceback" not in err


@pytest.mark.parametrize("case", ["no-recipients", "bad-json", "no-source"])
def test_bad_input_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str) -> None:
    plan = make_plan(tmp_path)
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
    else:
        argv = ["merge", str(src), "--out", str(tmp_path / "o")]
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse errors
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("candor: error:") and err.count("\n") == 1


def test_merge_draft_set_from_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--draft-set INCIDENT`: the incident's approved drafts from the store; others left out."""
    from app.core.config import Settings, get_settings
    from app.main import create_app
    from app.store import repositories as repo

    url = f"sqlite:///{tmp_path}/c.db"
    app = create_app(
        Settings(
            ENVIRONMENT="test", DATABASE_URL=url, EXPORT_DIR=tmp_path / "exports", DEMO_DATA=True
        )
    )
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
