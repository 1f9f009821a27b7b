import io
import zipfile

import docx
from docx.enum.text import WD_COLOR_INDEX

from app.export.docx import render_docx


def open_docx(data: bytes):
    return docx.Document(io.BytesIO(data))


def test_headings_lists_and_bold_use_word_structure(doc, ca_headings):
    document = open_docx(render_docx(doc))
    by_text = {p.text: p for p in document.paragraphs}
    assert by_text["Notice of Data Breach"].style.name == "Title"
    for heading in ca_headings:
        assert by_text[heading].style.name == "Heading 1", heading
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert bullets == [
        "Your name and mailing address",
        "Your Social Security number and date of birth",
    ]
    numbered = [p.text for p in document.paragraphs if p.style.name == "List Number"]
    assert len(numbered) == 3
    assert numbered[0].startswith("Enroll in the free credit monitoring we offer, using the code")
    bold = [r.text for p in document.paragraphs for r in p.runs if r.bold]
    assert "locked the account the same day" in bold


def test_subheadings_and_missing_markers():
    from app.export.document import ExportDocument

    doc = ExportDocument(
        text="## Steps\n\n### Freeze\n\nOn [[missing: breach_date]].\n",
        title="t",
        organisation="o",
        approved=True,
    )
    document = open_docx(render_docx(doc))
    styles = {p.text: p.style.name for p in document.paragraphs}
    assert styles["Steps"] == "Heading 1" and styles["Freeze"] == "Heading 2"
    marker = [
        r for p in document.paragraphs for r in p.runs if r.text == "[[missing: breach_date]]"
    ]
    assert marker and marker[0].font.highlight_color == WD_COLOR_INDEX.YELLOW


def test_each_numbered_list_restarts(make_doc):
    data = render_docx(make_doc(text="1. a\n2. b\n\nBetween.\n\n1. c\n2. d\n"))
    document = open_docx(data)
    numbered = document.element.body.xpath("./w:p[w:pPr/w:numPr]")  # python-docx's public XML
    num_ids = {p.text: p.pPr.numPr.numId.val for p in numbered}
    assert num_ids["a"] == num_ids["b"] != num_ids["c"] == num_ids["d"]
    numbering = zipfile.ZipFile(io.BytesIO(data)).read("word/numbering.xml").decode()
    assert numbering.count('<w:startOverride w:val="1"/>') >= 2


def test_draft_watermark_first_paragraph_and_header(make_doc):
    document = open_docx(render_docx(make_doc(approved=False)))
    assert "DRAFT — NOT APPROVED" in document.paragraphs[0].text
    assert "DRAFT — NOT APPROVED" in document.sections[0].header.paragraphs[0].text
    approved = open_docx(render_docx(make_doc(approved=True)))
    all_text = "\n".join(p.text for p in approved.paragraphs)
    assert "DRAFT" not in all_text
    assert "DRAFT" not in approved.sections[0].header.paragraphs[0].text


def test_footer_page_fields_and_metadata(doc):
    data = render_docx(doc)
    footer = (
        zipfile.ZipFile(io.BytesIO(data)).read("word/footer1.xml").decode()
        if "word/footer1.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()
        else ""
    )
    if not footer:  # python-docx names the part footerN.xml; find it
        z = zipfile.ZipFile(io.BytesIO(data))
        footer = "".join(z.read(n).decode() for n in z.namelist() if "footer" in n)
    assert 'w:instr="PAGE"' in footer and 'w:instr="NUMPAGES"' in footer
    props = open_docx(data).core_properties
    assert props.title == "Notice of Data Breach"
    assert props.author == "Acme Health"
    assert props.identifier == doc.version_hash


def test_enrolment_code_recipient_and_letterhead(doc):
    texts = [p.text for p in open_docx(render_docx(doc)).paragraphs]
    joined = "\n".join(texts)
    assert "Your enrollment code: AC-7Q4-ZK9" in texts
    assert "Enroll by: June 30, 2025" in texts
    assert texts.index("Notice of Data Breach") < texts.index("Your enrollment code: AC-7Q4-ZK9")
    assert "Jane Doe\n42 Elm Street\nSpringfield, IL 62704" in joined
    assert texts[0] == "Acme Health, Inc."


def test_hostile_text_is_literal_in_docx(make_doc, hostile):
    data = render_docx(make_doc(text=hostile, letterhead="<b>x</b>"))
    document = open_docx(data)
    joined = "\n".join(p.text for p in document.paragraphs)
    assert "Hello {{ 7*7 }} and {% for x in y %}loop{% endfor %}" in joined
    assert "<script>document.cookie</script>" in joined
    assert "Hello 49" not in joined
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert "<script" not in xml and "&lt;script&gt;" in xml


def test_control_characters_do_not_break_docx(make_doc):
    data = render_docx(make_doc(text="Bad\x00\x01 chars\x0b here", title="t\x00"))
    assert "Bad chars here" in "\n".join(p.text for p in open_docx(data).paragraphs)
    data = render_docx(make_doc(recipient={"name": "A\x00B", "address": "1 St\x07\nTown"}))
    assert "AB\n1 St\nTown" in "\n".join(p.text for p in open_docx(data).paragraphs)
