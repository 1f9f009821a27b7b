"""`candor corpus DIR`: the corpus table (text / JSON / CSV), chart and HTML, clean errors.

The JSON test runs on the real fixture corpus (tests/fixtures/letters) and checks the schema
and the figures against what the per-letter rows, the labels and `candor check` say, so a
wrong aggregation, a wrong family count or a row that disagrees with the full check fails.
"""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest
import yaml

from app.checks.engine import run_checks
from app.cli import main
from app.core.config import PROJECT_ROOT, get_settings
from app.corpus.families import family_rules

LETTERS = PROJECT_ROOT / "tests" / "fixtures" / "letters"


@pytest.fixture(scope="module")
def corpus_json() -> dict:
    out = io.StringIO()
    import contextlib

    with contextlib.redirect_stdout(out):
        assert main(["corpus", str(LETTERS), "--format", "json"]) == 0
    return json.loads(out.getvalue())


def test_json_schema_and_counts(corpus_json, rulebook) -> None:  # type: ignore[no-untyped-def]
    letters = sorted(
        p.name for p in LETTERS.glob("*.md") if not p.name.lower().startswith("readme")
    )
    data = corpus_json
    assert set(data) == {"folder", "rulebook", "summary", "published", "rows", "skipped"}
    assert data["rulebook"] == rulebook.hash and data["skipped"] == []
    assert [r["file"] for r in data["rows"]] == letters, (
        "every letter once, README skipped, name order"
    )
    s = data["summary"]
    assert s["letters"] == len(letters)
    assert (
        set(s["downplaying"])
        == set(family_rules(rulebook))
        == {"hedge", "no_evidence", "euphemism", "blame", "minimising", "assurance", "caution"}
    )
    row_keys = {
        "file",
        "words",
        "sentences",
        "flesch_kincaid_grade",
        "flesch_reading_ease",
        "reading_ease_band",
        "downplaying",
        "jurisdictions",
        "elements",
        "apology",
        "apology_components",
        "first_action_at",
        "first_action_in_first_third",
    }
    assert all(set(r) == row_keys for r in data["rows"])
    pub = data["published"]
    assert (
        pub["letters"],
        pub["share_difficult_or_fairly_difficult"],
        pub["median_flesch_kincaid_grade"],
    ) == (161, 0.97, 10.0)
    assert "Zou" in pub["source"] and "CHI 2019" in pub["source"]


def test_json_figures_agree_with_the_rows(corpus_json) -> None:  # type: ignore[no-untyped-def]
    rows, s = corpus_json["rows"], corpus_json["summary"]
    n = len(rows)
    share = lambda k: round(k / n, 4)  # noqa: E731
    for fam, v in s["downplaying"].items():
        assert v == share(sum(1 for r in rows if r["downplaying"][fam] > 0)), fam
    fre = [r["flesch_reading_ease"] for r in rows if r["flesch_reading_ease"] is not None]
    assert s["readability"]["share_fairly_difficult_or_harder"] == share(
        sum(1 for v in fre if v < 60)
    )
    assert s["readability"]["flesch_reading_ease"]["n"] == len(fre)
    fk = sorted(r["flesch_kincaid_grade"] for r in rows if r["flesch_kincaid_grade"] is not None)
    mid = len(fk) // 2
    median = fk[mid] if len(fk) % 2 else (fk[mid - 1] + fk[mid]) / 2
    assert s["readability"]["flesch_kincaid_grade"]["median"] == pytest.approx(median, abs=0.01)
    assert abs(sum(s["readability"]["bands"].values()) - share(len(fre))) < 0.001
    assert s["apology"] == share(sum(1 for r in rows if r["apology"]))
    assert s["first_action_in_first_third"] == share(
        sum(1 for r in rows if r["first_action_in_first_third"])
    )
    for r in rows:
        at = r["first_action_at"]
        assert r["first_action_in_first_third"] == (at is not None and at < 1 / 3)
    for j, shares in s["elements"].items():
        checked = [r for r in rows if j in r["jurisdictions"]]
        assert s["letters_per_jurisdiction"][j] == len(checked) > 0
        for e, v in shares.items():
            assert v == round(sum(1 for r in checked if r["elements"][j][e]) / len(checked), 4), (
                j,
                e,
            )
    assert all(0.0 <= v <= 1.0 for v in s["downplaying"].values())


def test_rows_agree_with_the_labels_and_candor_check(corpus_json, rulebook, settings) -> None:  # type: ignore[no-untyped-def]
    rows = {r["file"]: r for r in corpus_json["rows"]}
    for labels in sorted(LETTERS.glob("x_*.labels.yml")):
        data = yaml.safe_load(labels.read_text())
        if "downplaying" not in data:  # labelled for elements only
            continue
        row = rows[labels.name.replace(".labels.yml", ".md")]
        assert row["jurisdictions"] == [
            j for j in data["jurisdictions"] if j in rulebook.jurisdictions
        ]
        for fam in {d["family"] for d in data["downplaying"]}:
            assert row["downplaying"][fam] > 0, (row["file"], fam)
    dish = rows["x_dish_network_2023.md"]
    assert dish["downplaying"]["no_evidence"] == 1 and dish["downplaying"]["assurance"] == 1
    assert dish["downplaying"]["hedge"] == 0
    name = "07_hedged_corporate_cyberattack.md"
    report = run_checks(
        (LETTERS / name).read_text(), rulebook=rulebook, settings=settings, grammar=False
    )
    assert rows[name]["flesch_kincaid_grade"] == report.readability["flesch_kincaid_grade"]
    assert rows[name]["downplaying"]["hedge"] == sum(
        1 for f in report.findings if f.rule == "empathy.hedging"
    )
    assert rows[name]["apology_components"]["repair"] is True


def test_csv_has_one_row_per_letter(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["corpus", str(LETTERS), "--format", "csv"]) == 0
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(table) == len(
        [p for p in LETTERS.glob("*.md") if not p.name.lower().startswith("readme")]
    )
    first = table[0]
    assert {
        "file",
        "flesch_kincaid_grade",
        "downplaying_hedge",
        "component_regret",
        "first_action_in_first_third",
    } <= set(first)
    assert any(k.startswith("US-CA:") for k in first)


def test_text_table_beside_published_figures(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    for name in ("x_dish_network_2023.md", "07_hedged_corporate_cyberattack.md"):
        shutil.copy(LETTERS / name, tmp_path / name)
    assert main(["corpus", str(tmp_path), "--jurisdiction", "US-CA"]) == 0
    out = capsys.readouterr().out
    assert "2 letters" in out and "Zou et al. 2019" in out and "downplaying: no_evidence" in out
    assert "required elements, US-CA (2 letters)" in out
    assert "x_dish_network_2023.md" in out


def test_out_writes_chart_and_html(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "letters"
    src.mkdir()
    shutil.copy(LETTERS / "x_dish_network_2023.md", src / "<b>notice.md")
    shutil.copy(LETTERS / "07_hedged_corporate_cyberattack.md", src / "07.txt")
    out = tmp_path / "report"
    assert main(["corpus", str(src), "--out", str(out)]) == 0
    png = (out / "corpus.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    page = (out / "corpus.html").read_text()
    assert '<img src="corpus.png"' in page and "Zou" in page
    assert "&lt;b&gt;notice.md" in page and "<b>notice" not in page


def test_unreadable_and_empty_files_are_skipped_with_the_reason(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    shutil.copy(LETTERS / "x_dish_network_2023.md", tmp_path / "a.md")
    (tmp_path / "b.md").write_bytes(b"\xff\xfe not utf-8 \x80")
    (tmp_path / "c.txt").write_text("   \n")
    (tmp_path / "README.md").write_text("not a letter")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    assert main(["corpus", str(tmp_path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["file"] for r in data["rows"]] == ["a.md"]
    assert data["skipped"] == [
        {"file": "b.md", "reason": "not UTF-8 text"},
        {"file": "c.txt", "reason": "empty"},
    ]


def test_too_long_letter_is_skipped_not_fatal(tmp_path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CANDOR_MAX_TEXT_CHARS", "1000")
    get_settings.cache_clear()
    (tmp_path / "short.md").write_text(
        "We are sorry. Your name was in a file that was stolen. Change your password today."
    )
    (tmp_path / "long.md").write_text("Word. " * 400)
    assert main(["corpus", str(tmp_path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["file"] for r in data["rows"]] == ["short.md"]
    assert data["skipped"][0]["file"] == "long.md" and "limit" in data["skipped"][0]["reason"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["corpus", "/nonexistent/folder"], "not a folder"),
        (["corpus", "{letters}", "--jurisdiction", "US-XX"], "unknown jurisdiction US-XX"),
        (["corpus", "{empty}"], "no letters to check"),
        (["corpus", "{letters}", "--format", "xml"], "invalid choice"),
    ],
)
def test_bad_input_is_one_line_exit_2(tmp_path, capsys, args, message) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "empty").mkdir()
    args = [a.format(letters=LETTERS, empty=tmp_path / "empty") for a in args]
    with pytest.raises(SystemExit) if "--format" in args and "xml" in args else _nullcontext():
        code = main(args)
        assert code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("candor: error:") and message in err and len(err.splitlines()) == 1, err


class _nullcontext:
    def __enter__(self):  # type: ignore[no-untyped-def]
        return self

    def __exit__(self, *exc):  # type: ignore[no-untyped-def]
        return False
