"""Headings the segmenter recognises: Markdown, bold-only lines (with a trailing colon or
spaces), and not a long line that merely starts bold (a letter pasted without line breaks)."""

from __future__ import annotations

import pytest

from app.checks.text import normalise_heading, segment


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("## What Happened", "What Happened"),
        ("**What Happened**", "What Happened"),
        ("**What happened:**", "What happened"),
        ("__What We Are Doing__ :", "What We Are Doing"),
        ("  **For More Information**\t", "For More Information"),
        ("**Title**\n", "Title"),
        ("**Title** x", None),
        ("**Title**: more words", None),
        ("**Title***", "Title*"),
        ("**Title**\r", None),
        ("**" + "word " * 13 + "**", None),  # a bold sentence, not a heading
    ],
)
def test_heading_lines(line: str, title: str | None) -> None:
    assert normalise_heading(line) == title


def test_a_long_line_that_starts_bold_is_prose() -> None:
    text = "**Lakeview Regional Medical Center** " + "We are writing to you today. " * 200
    doc = segment(text)
    assert doc.headings == []
    assert len(doc.sentences) == 200  # the bold name opens the first sentence
