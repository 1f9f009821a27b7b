import csv
import io

import pytest

from app.export.checklist import CSV_COLUMNS, ChecklistExport, checklist_csv, checklist_pdf

VERSION_HASH = "a" * 40 + "1234"
RULEBOOK_HASH = "b" * 40 + "5678"


@pytest.fixture
def checklist():
    return ChecklistExport(
        incident_name="Acme billing intrusion",
        draft_id="d-42",
        version_number=3,
        version_hash=VERSION_HASH,
        rulebook_hash=RULEBOOK_HASH,
        rows=[
            dict(
                jurisdiction="US-CA",
                element="what_happened",
                label="What happened",
                requirement="required",
                ok=True,
                evidence="On March 1 an attacker used a stolen password.",
                waived_reason=None,
                citation="Cal. Civ. Code § 1798.82(d)",
                unverified=False,
            ),
            dict(
                jurisdiction="US-CA",
                element="toll_free_number",
                label="Toll-free number",
                requirement="required",
                ok=False,
                evidence=None,
                waived_reason=None,
                citation="Cal. Civ. Code § 1798.82(d)(2)",
                unverified=False,
            ),
            dict(
                jurisdiction="US-MA",
                element="affected_count",
                label="Number affected",
                requirement="prohibited",
                ok=False,
                evidence='=HYPERLINK("http://x")',
                waived_reason=None,
                citation="M.G.L. c. 93H § 3",
                unverified=True,
            ),
            dict(
                jurisdiction="US-HIPAA",
                element="discovery_date",
                label="Discovery date",
                requirement="required",
                ok=False,
                evidence=None,
                waived_reason="Counsel: date still under investigation",
                citation="45 CFR 164.404(c)",
                unverified=False,
            ),
        ],
        approvals=[
            {"user": "cmo@acme.example", "role": "cmo", "at": "2025-03-05 10:00 UTC"},
            {"user": "sec@acme.example", "role": "security", "at": "2025-03-05 11:00 UTC"},
        ],
        signed_off_by="compliance@acme.example",
    )


def test_csv_parses_and_carries_hashes(checklist):
    text = checklist_csv(checklist)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == CSV_COLUMNS
    records = list(csv.DictReader(io.StringIO(text)))
    assert len(records) == 4
    for record in records:
        assert record["version_hash"] == VERSION_HASH
        assert record["rulebook_hash"] == RULEBOOK_HASH
        assert record["incident"] == "Acme billing intrusion"
        assert record["version"] == "3"
        assert record["signed_off_by"] == "compliance@acme.example"
        assert "cmo@acme.example (cmo)" in record["approvals"]
    assert [r["status"] for r in records] == ["satisfied", "missing", "present", "waived"]
    assert records[3]["waived_reason"] == "Counsel: date still under investigation"
    assert records[2]["unverified"] == "yes" and records[0]["ok"] == "yes"
    assert records[0]["citation"] == "Cal. Civ. Code § 1798.82(d)"


def test_csv_neutralises_formulas(checklist):
    records = list(csv.DictReader(io.StringIO(checklist_csv(checklist))))
    assert records[2]["evidence"] == '\'=HYPERLINK("http://x")'


def test_checklist_pdf_is_a_printable_table(checklist, pdf_text):
    pages, texts = pdf_text(checklist_pdf(checklist))
    full = " ".join(" ".join(texts).split())
    assert pages >= 1
    assert VERSION_HASH in full and RULEBOOK_HASH in full
    assert "Acme billing intrusion" in full
    assert "compliance@acme.example" in full
    assert "missing" in full and "waived" in full and "present (unverified)" in full
    assert "Page 1 of" in full


def test_checklist_pdf_unsigned_is_marked(checklist, pdf_text):
    unsigned = ChecklistExport(**{**checklist.__dict__, "signed_off_by": None})
    _, texts = pdf_text(checklist_pdf(unsigned))
    assert "NOT SIGNED OFF" in " ".join(texts)
