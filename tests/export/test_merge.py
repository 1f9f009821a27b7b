"""Mail merge engine: variant per state, rejects, manifest, resume, refusals, no PII in logs."""

from __future__ import annotations

import csv
import io
import logging
from pathlib import Path

import pytest
from support.recipients import (
    BAD_ROWS,
    CA_HEADINGS,
    STATES_12,
    plan_for,
    variant_id,
    write_recipients,
)

from app.export.merge import (
    MergeError,
    MergeInterrupted,
    MergePlan,
    VariantLetter,
    residence_of,
    run_merge,
    safe_name,
)


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def big_run(tmp_path_factory: pytest.TempPathFactory):
    d = tmp_path_factory.mktemp("merge10k")
    src = d / "recipients.csv"
    counts = write_recipients(src, 10_000, STATES_12, bad=True, duplicates=2)
    result = run_merge(plan_for(STATES_12), src, d / "out", fmt="text")
    return d / "out", counts, result


def test_10k_across_12_states_right_variant_per_state(big_run) -> None:
    out, counts, result = big_run
    assert result.produced == 10_000
    assert dict(result.per_variant) == {variant_id(s): n for s, n in counts.items()}
    manifest = read_csv(out / "manifest.csv")
    assert len(manifest) == 10_000
    assert len({r["recipient_id"] for r in manifest}) == 10_000
    for row in manifest:
        assert row["variant"] == variant_id(row["residence"])
    # Content: every 97th file carries its state's variant marker, the recipient's name and code.
    for row in manifest[::97]:
        text = (out / row["file"]).read_text(encoding="utf-8")
        assert f"VARIANT-{row['variant'].upper()}" in text
        i = int(row["recipient_id"][1:])
        assert f"Dear Person {i} Example," in text
        assert f"AC-{i:07d}" in text
        assert "[[" not in text and "DRAFT" not in text
    ca = next(r for r in manifest if r["residence"] == "US-CA")
    ca_text = (out / ca["file"]).read_text(encoding="utf-8")
    for heading in ("Notice of Data Breach", *CA_HEADINGS):
        assert heading in ca_text
    ma = next(r for r in manifest if r["residence"] == "US-MA")
    assert "What Happened" not in (out / ma["file"]).read_text(encoding="utf-8")
    files = list((out / "letters").rglob("*.txt"))
    assert len(files) == 10_000


def test_rejects_listed_with_reasons_and_no_personal_data(big_run) -> None:
    out, _, result = big_run
    rejects = read_csv(out / "rejects.csv")
    codes = sorted(r["reason_code"] for r in rejects)
    assert codes == sorted([code for _, code in BAD_ROWS] + ["duplicate_id", "duplicate_id"])
    by_id = {
        r["recipient_id"]: r
        for r in rejects
        if r["recipient_id"] and r["reason_code"] != "duplicate_id"
    }
    assert by_id["bad-nostate"]["reason"].startswith("no state")
    assert "ZZ" in by_id["bad-unknown"]["reason"]
    assert by_id["bad-noaddr"]["reason_code"] == "missing_address"
    assert "activation code" in by_id["bad-nocode"]["reason"]
    dup = [r for r in rejects if r["reason_code"] == "duplicate_id"]
    assert dup[0]["recipient_id"] == "r0000000" and "line 2" in dup[0]["reason"]
    raw = (out / "rejects.csv").read_text()
    for row, _ in BAD_ROWS:
        assert row["name"] not in raw and (
            not row["address_line1"] or row["address_line1"] not in raw
        )
    assert result.rejected == len(BAD_ROWS) + 2
    summary = (out / "summary.json").read_text()
    assert '"status": "complete"' in summary


def test_resume_after_interruption_no_duplicates(tmp_path: Path) -> None:
    src = tmp_path / "r.csv"
    write_recipients(src, 1200, STATES_12, bad=True)
    plan = plan_for(STATES_12)
    calls = {"n": 0}

    def stop_after_500(done: int, rejected: int, total: int | None) -> None:
        calls["n"] += 1
        if done >= 500:
            raise MergeInterrupted

    with pytest.raises(MergeInterrupted):
        run_merge(plan, src, tmp_path / "out", progress=stop_after_500, progress_every=50)
    first = read_csv(tmp_path / "out" / "manifest.csv")
    assert 500 <= len(first) < 1200
    # Simulate a crash in the middle of a manifest write: a half line at the end.
    with open(tmp_path / "out" / "manifest.csv", "a", encoding="utf-8") as fh:
        fh.write("r0009999,99,US-C")
    result = run_merge(plan, src, tmp_path / "out")
    assert result.resumed == len(first)
    manifest = read_csv(tmp_path / "out" / "manifest.csv")
    ids = [r["recipient_id"] for r in manifest]
    assert len(ids) == len(set(ids)) == 1200
    assert "r0009999" not in ids
    rejects = read_csv(tmp_path / "out" / "rejects.csv")
    assert len(rejects) == len(BAD_ROWS)
    assert len(list((tmp_path / "out" / "letters").rglob("*.txt"))) == 1200
    # A third run over a completed folder does nothing.
    again = run_merge(plan, src, tmp_path / "out")
    assert again.produced == 0 and len(read_csv(tmp_path / "out" / "manifest.csv")) == 1200


def test_resume_with_other_letters_refused(tmp_path: Path) -> None:
    src = tmp_path / "r.csv"
    write_recipients(src, 20, ["US-CA"])
    run_merge(plan_for(["US-CA"]), src, tmp_path / "out")
    other = MergePlan(
        {"US-CA": VariantLetter("us-ca", "Dear [[recipient: name]], changed.", approved=True)}
    )
    with pytest.raises(MergeError, match="other letters"):
        run_merge(other, src, tmp_path / "out")


def test_unapproved_variant_refused_before_anything_is_written(tmp_path: Path) -> None:
    src = tmp_path / "r.csv"
    write_recipients(src, 5, ["US-CA", "US-MA"])
    plan = plan_for(["US-CA", "US-MA"])
    letters = dict(plan.letters)
    letters["US-MA"] = VariantLetter("us-ma", letters["US-MA"].text, approved=False)
    with pytest.raises(MergeError, match="'us-ma' is not approved"):
        run_merge(MergePlan(letters), src, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_letters_with_missing_facts_or_unknown_fields_refused(tmp_path: Path) -> None:
    src = tmp_path / "r.csv"
    write_recipients(src, 2, ["US-CA"])
    missing = VariantLetter(
        "v", "On [[missing: breach_date]] ... [[recipient: name]]", approved=True
    )
    with pytest.raises(MergeError, match=r"unfilled facts: \[\[missing: breach_date"):
        run_merge(MergePlan({"US-CA": missing}), src, tmp_path / "o1")
    unknown = VariantLetter("v", "Dear [[recipient: ssn]]", approved=True)
    with pytest.raises(MergeError, match="unknown merge fields: ssn"):
        run_merge(MergePlan({"US-CA": unknown}), src, tmp_path / "o2")


def test_missing_columns_refused(tmp_path: Path) -> None:
    src = tmp_path / "r.csv"
    src.write_text("recipient_id,name\n1,A\n")
    with pytest.raises(MergeError, match="missing columns: address_line1"):
        run_merge(plan_for(["US-CA"]), src, tmp_path / "out")


def test_logs_hold_no_names_or_addresses(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    src = tmp_path / "r.csv"
    write_recipients(src, 30, ["US-CA", "US-NY"], bad=True)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(MergeInterrupted):
        run_merge(
            plan_for(["US-CA", "US-NY", "US-MA"]),
            src,
            tmp_path / "out",
            progress_every=10,
            progress=lambda d, r, t: (_ for _ in ()).throw(MergeInterrupted()) if d >= 20 else None,
        )
    run_merge(plan_for(["US-CA", "US-NY", "US-MA"]), src, tmp_path / "out")
    text = caplog.text
    assert "merge:" in text
    assert (
        "Person" not in text
        and "Oak Ave" not in text
        and "Maple" not in text
        and "City" not in text
    )
    manifest = (tmp_path / "out" / "manifest.csv").read_text()
    assert "Person" not in manifest and "Ave" not in manifest


def test_default_variant_and_countries() -> None:
    assert residence_of({"region": "ca", "country": "us"}) == "US-CA"
    assert residence_of({"region": "US-MA", "country": ""}) == "US-MA"
    assert residence_of({"region": "Massachusetts", "country": "USA"}) == "US-MA"
    assert residence_of({"region": "", "country": "DE"}) == "DE"
    assert residence_of({"region": "QC", "country": "CA"}) == "CA-QC"
    assert residence_of({"region": "ON", "country": "Canada"}) == "CA"
    assert safe_name("r001") == "r001"
    assert safe_name("../x") != safe_name("__x") and "/" not in safe_name("../x")


def test_default_letter_for_unlisted_states(tmp_path: Path) -> None:
    src = tmp_path / "r.csv"
    write_recipients(src, 6, ["US-CA", "US-OR", "US-NV"])
    plan = plan_for(["US-CA"])
    generic = VariantLetter(
        "us-generic", "# Notice\n\nDear [[recipient: name]],\n\nGENERIC\n", approved=True
    )
    result = run_merge(MergePlan(plan.letters, default=generic), src, tmp_path / "out")
    assert dict(result.per_variant) == {"us-ca": 2, "us-generic": 4}
    no_default = run_merge(plan, src, tmp_path / "out2")
    assert no_default.reject_reasons["no_variant"] == 4


def pdf_text(data: bytes) -> tuple[int, str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(p.extract_text() for p in reader.pages)


def test_pdf_per_recipient_handful(tmp_path: Path) -> None:
    src = tmp_path / "r.csv"
    write_recipients(src, 4, ["US-CA", "US-MA"])
    result = run_merge(plan_for(["US-CA", "US-MA"]), src, tmp_path / "out", fmt="pdf")
    assert result.produced == 4
    manifest = read_csv(tmp_path / "out" / "manifest.csv")
    for row in manifest:
        pages, text = pdf_text((tmp_path / "out" / row["file"]).read_bytes())
        assert pages == int(row["pages"]) >= 1
        assert f"VARIANT-{row['variant'].upper()}" in text
        assert "DRAFT" not in text
        i = int(row["recipient_id"][1:])
        assert f"Person {i} Example" in text and f"AC-{i:07d}" in text
    ca = next(r for r in manifest if r["residence"] == "US-CA")
    _, text = pdf_text((tmp_path / "out" / ca["file"]).read_bytes())
    for heading in ("Notice of Data Breach", *CA_HEADINGS):
        assert heading in text


def test_pdf_per_variant_merged_with_page_offsets(tmp_path: Path) -> None:
    src = tmp_path / "r.csv"
    write_recipients(src, 7, ["US-CA", "US-MA"], bad=True)
    result = run_merge(
        plan_for(["US-CA", "US-MA"]),
        src,
        tmp_path / "out",
        fmt="pdf",
        mode="per-variant",
        letters_per_part=3,
    )
    assert result.produced == 7
    out = tmp_path / "out"
    assert not (out / "_work").exists()
    manifest = read_csv(out / "manifest.csv")
    assert len(manifest) == 7
    ca_files = sorted({r["file"] for r in manifest if r["variant"] == "us-ca"})
    assert ca_files == ["us-ca-part001.pdf", "us-ca-part002.pdf"]  # 4 CA letters, 3 per part
    assert {r["file"] for r in manifest if r["variant"] == "us-ma"} == {
        "us-ma.pdf"
    }  # 3 fit one part
    for name in ca_files:
        rows = [r for r in manifest if r["file"] == name]
        pages, text = pdf_text((out / name).read_bytes())
        assert pages == sum(int(r["pages"]) for r in rows)
        assert text.count("VARIANT-US-CA") == len(rows)
        from pypdf import PdfReader

        reader = PdfReader(out / name)
        for r in rows:
            first = reader.pages[int(r["first_page"]) - 1].extract_text()
            assert f"Person {int(r['recipient_id'][1:])} Example" in first
    assert len(read_csv(out / "rejects.csv")) == len(BAD_ROWS)


def test_text_per_variant_single_file(tmp_path: Path) -> None:
    src = tmp_path / "r.csv"
    write_recipients(src, 50, ["US-CA", "US-NY"])
    run_merge(plan_for(["US-CA", "US-NY"]), src, tmp_path / "out", mode="per-variant")
    body = (tmp_path / "out" / "us-ny.txt").read_text()
    assert body.count("\f") == 24 and body.count("VARIANT-US-NY") == 25


def test_non_utf8_file_is_a_clear_error(tmp_path: Path) -> None:
    src = tmp_path / "r.csv"
    write_recipients(src, 500, ["US-CA"])  # past the first read buffer
    with open(src, "ab") as fh:
        fh.write(b"r9,M\xfcller,1 Rd,,Town,CA,90001,US,X\n")
    with pytest.raises(MergeError, match="unreadable after row [0-9]+ .*run again to resume"):
        run_merge(plan_for(["US-CA"]), src, tmp_path / "out")
    src.write_bytes(b"\xff\xfe\x00r\x00e")
    with pytest.raises(MergeError, match="not a UTF-8 CSV|missing columns"):
        run_merge(plan_for(["US-CA"]), src, tmp_path / "out2")


def test_no_folder_for_a_variant_nobody_gets(tmp_path: Path) -> None:
    """A plan letter (say an English fallback) that no recipient gets leaves no empty folder."""
    src = tmp_path / "r.csv"
    write_recipients(src, 6, ["US-CA", "US-NY"])
    run_merge(plan_for(STATES_12), src, tmp_path / "out", fmt="text")
    folders = sorted(p.name for p in (tmp_path / "out" / "letters").iterdir())
    assert folders == ["us-ca", "us-ny"]
