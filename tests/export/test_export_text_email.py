import email
import email.policy
from html.parser import HTMLParser

from app.export.email import build_email, email_html, to_bytes
from app.export.text import render_text, render_text_many


def test_text_export_reads_like_the_letter(doc, ca_headings):
    out = render_text(doc)
    assert not out.startswith("DRAFT")
    assert "Notice of Data Breach\n=====================" in out
    for heading in ca_headings:
        assert f"{heading}\n{'-' * len(heading)}" in out
    assert "- Your Social Security number and date of birth" in out
    assert "1. Enroll in the free credit monitoring" in out
    assert "Your enrollment code: AC-7Q4-ZK9" in out and "Enroll by: June 30, 2025" in out
    assert out.index("Notice of Data Breach") < out.index("AC-7Q4-ZK9") < out.index("What Happened")
    assert "**locked" not in out
    assert "we found the intrusion on march 3, 2025 and locked" in out.lower()
    assert "[[missing: breach_date]]" in out
    assert "Jane Doe\n42 Elm Street\nSpringfield, IL 62704" in out


def test_text_export_draft_first_line(make_doc):
    out = render_text(make_doc(approved=False))
    assert out.splitlines()[0].startswith("DRAFT — NOT APPROVED")


def test_text_many_per_recipient(make_doc):
    docs = [make_doc(recipient={"name": n, "address_lines": []}) for n in ("Ann", "Bo")]
    outs = list(render_text_many(docs))
    assert "Ann" in outs[0] and "Bo" in outs[1] and "Ann" not in outs[1]


def test_text_export_keeps_hostile_text_literal(make_doc, hostile):
    out = render_text(make_doc(text=hostile))
    assert "Hello {{ 7*7 }}" in out and "<script>document.cookie</script>" in out


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attrs = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend((tag, k, v or "") for k, v in attrs)


def test_email_has_both_parts_and_subject(doc):
    msg = build_email(doc, sender="Acme Health <privacy@acme.example>")
    assert msg.get_content_type() == "multipart/alternative"
    parts = list(msg.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    assert msg["Subject"] == "Notice of Data Breach"
    assert msg["To"] == "jane@example.com"
    assert "What You Can Do" in parts[0].get_content()
    assert "<h2" in parts[1].get_content()
    parsed = email.message_from_bytes(to_bytes(msg), policy=email.policy.default)
    assert parsed.get_body(("plain",)).get_content().startswith("Acme Health, Inc.")
    assert "AC-7Q4-ZK9" in parsed.get_body(("html",)).get_content()


def test_email_html_has_no_remote_resources_or_style_blocks(make_doc, hostile):
    html = email_html(make_doc(text=hostile))
    parser = _Collector()
    parser.feed(html)
    assert not {"img", "script", "link", "style", "a", "iframe"} & set(parser.tags)
    for tag, name, value in parser.attrs:
        assert name not in {"src", "href", "background", "srcset"}, (tag, name, value)
        assert "url(" not in value and "http" not in value
    assert "&lt;img src=&quot;http://evil.example/p.png&quot;&gt;" in html
    assert "&#123;&#123; 7*7 &#125;&#125;" in html
    styled = [t for t, name, _ in parser.attrs if name == "style"]
    assert {"h1", "p", "li"} <= set(styled)


def test_email_draft_marks_subject_and_both_parts(make_doc):
    msg = build_email(make_doc(approved=False))
    assert msg["Subject"].startswith("[DRAFT — NOT APPROVED]")
    plain, html = (p.get_content() for p in msg.iter_parts())
    assert plain.startswith("DRAFT — NOT APPROVED") and "DRAFT — NOT APPROVED" in html


def test_email_header_injection_is_neutralised(make_doc):
    msg = build_email(make_doc(title="Notice\r\nBcc: victim@example.com"), to="a@example.com")
    headers = to_bytes(msg).split(b"\r\n\r\n", 1)[0]
    assert b"\r\nBcc:" not in headers
    assert msg["Subject"] == "Notice Bcc: victim@example.com"
    assert msg["Bcc"] is None
