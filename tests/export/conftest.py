import io

import pytest
from support.recipients import CA_HEADINGS

from app.export.document import ExportDocument

CA_LETTER = """# Notice of Data Breach

Dear Jane Doe,

We are writing to tell you about a data security incident that involved your personal information.

## What Happened
On [[missing: breach_date]] an attacker used a stolen password to reach our billing system.
We found the intrusion on March 3, 2025 and **locked the account the same day**.

## What Information Was Involved
- Your name and mailing address
- Your Social Security number
  and date of birth

## What We Are Doing
We reset every staff password and added two-step sign-in.

## What You Can Do
1. Enroll in the free credit monitoring we offer,
   using the code in the box above.
2. Place a free credit freeze with each of the three credit bureaus.
3. Review your credit reports at annualcreditreport.com.

## For More Information
Call us toll-free at 1-800-555-0100, Monday to Friday, 9 a.m. to 5 p.m.

Sincerely,
Alex Smith
Chief Privacy Officer
"""


HOSTILE = (
    "# Notice <script>alert('t')</script>\n\n"
    "Hello {{ 7*7 }} and {% for x in y %}loop{% endfor %} "
    '<img src="http://evil.example/p.png"> <a href="javascript:alert(1)">x</a>\n\n'
    "- item <script>document.cookie</script>\n"
)


def make_doc(text=CA_LETTER, **kw):
    fields = dict(
        text=text,
        title="Notice of Data Breach",
        organisation="Acme Health",
        letterhead="Acme Health, Inc.\n100 Main Street, Springfield, IL 62701\n1-800-555-0100",
        approved=True,
        version_hash="3f2a9c0d5e6b7a8190c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3",
        enrollment_code="AC-7Q4-ZK9",
        enroll_by="June 30, 2025",
        recipient={
            "name": "Jane Doe",
            "address_lines": ["42 Elm Street", "Springfield, IL 62704"],
            "email": "jane@example.com",
        },
    )
    fields.update(kw)
    return ExportDocument(**fields)


def _pdf_text(data: bytes) -> tuple[int, list[str]]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), [page.extract_text() for page in reader.pages]


@pytest.fixture
def doc():
    return make_doc()


@pytest.fixture(name="make_doc")
def make_doc_fixture():
    """Factory: make_doc(text=..., approved=False, ...) -> ExportDocument."""
    return make_doc


@pytest.fixture
def pdf_text():
    """pdf_text(bytes) -> (page count, [text of each page])."""
    return _pdf_text


@pytest.fixture
def ca_headings():
    return list(CA_HEADINGS)


@pytest.fixture
def hostile():
    return HOSTILE
