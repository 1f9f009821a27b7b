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
        letters[code] = {"file": f"{vid}.md", "approved": approved if code == "US-MA" else True,
                         "variant": vid, "organisation": "Example Co."}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"letters": letters}))
    return path


def test_merge_with_plan_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = make_plan(tmp_path)
    src = tmp_path / "r.csv"
    write_recipients(src, 90, STATES, bad=True)
    code = main(["merge", "--plan", str(plan), str(src), "--out", str(tmp_path / "out"), "--format", "text", "--quiet"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert out.out.startswith("90 letters (us-ca=30, us-ma=30, us-ny=30);")
    assert f"{len(BAD_ROWS)} rejected" in out.out
    assert "Person" not in out.out + out.err
    with open(tmp_path / "out" / "manifest.csv", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == 90
    # Re-running resumes: nothing new, nothing duplicated.
    assert main(["merge", "--plan", str(plan), str(src), "--out", str(tmp_path / "out"), "--format", "text",
                 "--quiet"]) == 0
    assert "90 letters" in capsys.readouterr().out
    assert len(list((tmp_path / "out" / "letters").rglob("*.txt"))) == 90


def test_merge_pdf_per_variant(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = make_plan(tmp_path)
    src = tmp_path / "r.csv"
    write_recipients(src, 3, STATES)
    assert main(["merge", "--plan", str(plan), str(src), "--out", str(tmp_path / "out"),
                 "--mode", "per-variant"]) == 0
    assert sorted(p.name for p in (tmp_path / "out").glob("*.pdf")) == ["us-ca.pdf", "us-ma.pdf", "us-ny.pdf"]
    assert "merge: 3 letters" in capsys.readouterr().err  # progress on stderr


def test_unapproved_exit_2_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = make_plan(tmp_path, approved=False)
    src = tmp_path / "r.csv"
    write_recipients(src, 3, STATES)
    code = main(["merge", "--plan", str(plan), str(src), "--out", str(tmp_path / "out"), "--format", "text"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "not approved" in err and "Traceback" not in err


@pytest.mark.parametrize("case", ["no-recipients", "bad-json", "no-source"])
def test_bad_input_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str) -> None:
    plan = make_plan(tmp_path)
    src = tmp_path / "r.csv"
    write_recipients(src, 1, STATES)
    if case == "no-recipients":
        argv = ["merge", "--plan", str(plan), str(tmp_path / "nope.csv"), "--out", str(tmp_path / "o")]
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
