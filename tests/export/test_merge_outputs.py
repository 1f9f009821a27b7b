"""The text output's fast path (variant rendered once, tokens filled) gives exactly what
render_text gives for the same recipient, and steps aside where a value could change the parse."""

from __future__ import annotations

import pytest
from support.recipients import letter_text

from app.export.merge import VariantLetter
from app.export.merge.outputs import TextOutput
from app.export.merge.rows import Filler, address_lines, clean
from app.export.text import render_text

NAMES = [
    "Pat Sample",
    "José Müller",
    "O'Brien & Sons",
    "Dr. A. B. Smith Jr.",
    "# Not a heading",
    "- not a list",
    "1. one",
    "Zoë **bold** [x]",
    "tab\there",
]


def _letters() -> list[Filler]:
    plain = "# Notice of Data Breach\n\nDear [[recipient: name]],\n\n## What You Can Do\n\n- Enter **[[recipient: activation_code]]** at the site.\n- Call us.\n\nSincerely,\nExample"
    no_code = "# Notice\n\nHello [[recipient: name]], we are sorry.\n"
    return [
        Filler(
            VariantLetter(
                "a",
                letter_text("us-ca"),
                True,
                "h1",
                organisation="Example Co.",
                letterhead="Example Co.\n1 Way",
                enroll_by="May 1, 2027",
            )
        ),
        Filler(
            VariantLetter(
                "b", plain, True, "h2", organisation="Example Co.", enroll_by="June 2, 2027"
            )
        ),
        Filler(VariantLetter("c", no_code, True, "h3")),
    ]


@pytest.mark.parametrize("raw", NAMES)
def test_fast_text_equals_render_text(raw: str) -> None:
    out = TextOutput()
    name = clean(raw)
    for filler in _letters():
        code = "AC-77" if filler.needs_code else None
        rows = [(filler, name, ["12 Oak Ave", "Austin, TX 73301"], code, {})]
        got = out.render(rows)[0][0].decode("utf-8")
        assert out.templates[id(filler)] is not None  # the variant's fast-path template was made
        assert got == render_text(filler.document(name, ["12 Oak Ave", "Austin, TX 73301"], code))


def test_fields_at_line_start_or_in_headings_use_the_full_renderer() -> None:
    heading = Filler(VariantLetter("h", "# For [[recipient: name]]\n\nText.\n", True, "h"))
    line_start = Filler(VariantLetter("s", "# T\n\n[[recipient: name]], hello.\n", True, "h"))
    out = TextOutput()
    for filler in (heading, line_start):
        got = out.render([(filler, "# Hash Name", ["1 Rd", "Town, TX 1"], None, {})])[0][0].decode()
        assert out.templates[id(filler)] is None  # no fast-path template for this variant
        assert got == render_text(filler.document("# Hash Name", ["1 Rd", "Town, TX 1"], None))


ADDRESSES = [
    {"address_line1": "12 Oak Ave", "city": "Austin", "region": "TX", "postal_code": "73301"},
    {"address_line1": "1\x01 Bell\x7f Rd", "city": "Town", "region": "TX", "postal_code": "1"},
    {"address_line1": "5 Elm", "address_line2": "Apt\x0b 2", "city": "", "region": "TX"},
    {"address_line1": "9 Rue", "city": "Paris", "region": "", "postal_code": "75001"},
]


@pytest.mark.parametrize("row", ADDRESSES)
@pytest.mark.parametrize("raw_name", ["Pat Sample", "Pat\x01 Sample", "\x02"])
def test_fast_text_equals_render_text_for_addresses(row: dict[str, str], raw_name: str) -> None:
    """Addresses as the merge builds them (control characters, empty parts, other countries):
    the fast path's address block is the one render_text writes."""
    out = TextOutput()
    residence = "FR" if row["city"] == "Paris" else "US-TX"
    address = address_lines(row, residence)
    name = clean(raw_name)
    for filler in _letters():
        code = "AC\x03-77" if filler.needs_code else None
        got = out.render([(filler, name, address, code, row)])[0][0].decode("utf-8")
        assert got == render_text(filler.document(name, address, code))
