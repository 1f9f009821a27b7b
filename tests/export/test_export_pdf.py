import pytest

from app.export.document import WATERMARK
from app.export.pdf import css_string, letter_html, render_pdf, render_pdf_many


def squash(text: str) -> str:
    """Text extraction may break lines anywhere: compare on single-spaced text."""
    return " ".join(text.split())


def test_approved_pdf_has_letter_text_code_and_no_watermark(doc, pdf_text, ca_headings):
    data = render_pdf(doc)
    assert data.startswith(b"%PDF-")
    pages, texts = pdf_text(data)
    assert pages >= 1
    full = squash(" ".join(texts))
    assert "Notice of Data Breach" in full
    for heading in ca_headings:
        assert heading in full
    assert "an attacker used a stolen password to reach our billing system" in full
    assert "[[missing: breach_date]]" in full
    assert "AC-7Q4-ZK9" in full and "June 30, 2025" in full
    assert "Jane Doe" in full and "42 Elm Street" in full
    assert "Acme Health, Inc." in full
    assert "DRAFT" not in full
    assert "Page 1 of" in full


def test_unapproved_pdf_has_watermark_on_every_page(make_doc, pdf_text):
    long_text = "# Notice of Data Breach\n\n" + "\n\n".join(
        f"## Section {i}\n" + "We are telling you what happened and what you can do. " * 25
        for i in range(8)
    )
    pages, texts = pdf_text(render_pdf(make_doc(text=long_text, approved=False)))
    assert pages > 1
    for text in texts:
        assert WATERMARK in squash(text)


def test_long_letter_spans_pages_with_page_numbers(make_doc, pdf_text):
    long_text = "# Notice of Data Breach\n\n" + "\n\n".join(
        f"## Section {i}\n" + "A plain sentence about the incident. " * 40 for i in range(10)
    )
    pages, texts = pdf_text(render_pdf(make_doc(text=long_text), page_size="Letter"))
    assert pages > 1
    for n, text in enumerate(texts, start=1):
        assert f"Page {n} of {pages}" in squash(text)


def test_no_enrolment_box_or_recipient_when_not_given(make_doc, pdf_text):
    doc = make_doc(enrollment_code=None, enroll_by=None, recipient=None)
    html = letter_html(doc)
    assert 'class="enrolment"' not in html and "<address" not in html
    _, texts = pdf_text(render_pdf(doc))
    assert "enrollment code" not in " ".join(texts)


def test_enrolment_box_follows_title(make_doc):
    html = letter_html(make_doc())
    assert html.index("<h1>Notice of Data Breach</h1>") < html.index('class="enrolment"')
    assert html.index('class="enrolment"') < html.index("<h2>What Happened</h2>")


def test_hostile_text_is_inert_in_pdf(make_doc, pdf_text, hostile):
    doc = make_doc(
        text=hostile,
        title="<script>x</script>",
        organisation='"><b>',
        letterhead="<i>Acme</i>",
        enrollment_code="<b>X</b>",
    )
    html = letter_html(doc)
    body = html.split("<body>", 1)[1]
    assert "<script" not in html and "<img" not in html and "<a " not in html
    assert "<b>" not in html and "<i>" not in html
    assert "{{" not in body
    _, texts = pdf_text(render_pdf(doc))
    full = squash(" ".join(texts))
    assert "{{ 7*7 }}" in full
    assert "<script>alert('t')</script>" in full
    assert "49" not in full


def test_page_size_validation(make_doc):
    with pytest.raises(ValueError, match="page_size"):
        render_pdf(make_doc(), page_size="A5")
    with pytest.raises(ValueError, match="page_size"):
        render_pdf_many([], page_size="a4")


def test_css_string_escapes_quotes_and_newlines():
    assert css_string('a"b\n}') == '"a\\22 b\\a \\7d "'


def test_render_many_renders_each_letter_in_order(make_doc, pdf_text):
    # Speed is measured in bench/ (never asserted on wall-clock time in a test).
    docs = [
        make_doc(recipient={"name": f"Person {i}", "address_lines": [f"{i} Main St"]})
        for i in range(5)
    ]
    outputs = list(render_pdf_many(docs))
    assert len(outputs) == 5
    for i, data in enumerate(outputs):
        _, texts = pdf_text(data)
        assert f"Person {i}" in texts[0]
