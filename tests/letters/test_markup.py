from app.letters.markup import (
    Heading,
    ListBlock,
    Paragraph,
    Span,
    find_missing,
    parse,
    parse_inline,
    to_html,
    to_plain,
)


def test_headings_levels_and_non_headings():
    blocks = parse("# Notice of Data Breach\n\n## What Happened\n\n### Detail ##\n\n#hashtag\n")
    assert blocks[:3] == (
        Heading(1, "Notice of Data Breach"),
        Heading(2, "What Happened"),
        Heading(3, "Detail"),
    )
    assert blocks[3] == Paragraph("#hashtag")


def test_paragraphs_split_on_blank_lines_and_keep_line_breaks():
    blocks = parse("First para\nstill first.\n\n\nSincerely,\nJane Doe\nPrivacy Officer\n")
    assert blocks == (
        Paragraph("First para\nstill first."),
        Paragraph("Sincerely,\nJane Doe\nPrivacy Officer"),
    )


def test_bullet_list_with_indented_continuation_lines():
    text = "- Place a fraud alert\n  with one bureau.\n* Freeze your credit\n    at all three.\n"
    (block,) = parse(text)
    assert block == ListBlock(
        ordered=False,
        items=("Place a fraud alert with one bureau.", "Freeze your credit at all three."),
    )


def test_numbered_list_continuation_after_blank_and_start_number():
    text = "3. Third\n   wraps here\n\n   and a second paragraph\n4. Fourth\n"
    (block,) = parse(text)
    assert block.ordered and block.start == 3
    assert block.items == ("Third wraps here and a second paragraph", "Fourth")


def test_unindented_line_after_list_is_a_paragraph_not_a_lazy_continuation():
    blocks = parse("- Change your password\nSincerely,\nACME")
    assert blocks == (ListBlock(False, ("Change your password",)), Paragraph("Sincerely,\nACME"))


def test_list_kind_switch_starts_new_list():
    blocks = parse("- a\n- b\n1. one\n2. two\n")
    assert [type(b) for b in blocks] == [ListBlock, ListBlock]
    assert blocks[0].ordered is False and blocks[1].ordered is True


def test_only_a_list_starting_at_one_interrupts_a_paragraph():
    blocks = parse("The breach began in\n2019. We found it later.\n")
    assert blocks == (Paragraph("The breach began in\n2019. We found it later."),)
    blocks = parse("Steps:\n1. Freeze\n")
    assert blocks == (Paragraph("Steps:"), ListBlock(True, ("Freeze",), 1))


def test_heading_interrupts_list_and_paragraph():
    blocks = parse("Intro\n## What You Can Do\n- a\n## For More Information\nCall us.")
    assert [type(b).__name__ for b in blocks] == [
        "Paragraph",
        "Heading",
        "ListBlock",
        "Heading",
        "Paragraph",
    ]


def test_bold_spans_and_unmatched_markers():
    assert parse_inline("We **found** it") == (Span("We "), Span("found", bold=True), Span(" it"))
    assert parse_inline("2 ** 3 and **open") == (Span("2 ** 3 and **open"),)
    assert to_html("a **b** c") == "<p>a <strong>b</strong> c</p>\n"


def test_missing_markers_stay_visible_everywhere():
    text = "On [[missing: breach_date]] we **learned of [[missing: discovery_date]]**."
    spans = parse_inline(text)
    assert Span("[[missing: breach_date]]", missing=True) in spans
    assert Span("[[missing: discovery_date]]", bold=True, missing=True) in spans
    html = to_html(text)
    assert '<mark class="missing">[[missing: breach_date]]</mark>' in html
    assert "[[missing: breach_date]]" in to_plain(text)
    assert find_missing(text) == ["[[missing: breach_date]]", "[[missing: discovery_date]]"]


def test_html_escapes_everything():
    text = (
        "# <script>alert(1)</script>\n\n<img src=x onerror=alert(1)> {{ 7*7 }} "
        '{% raw %} & "q" \'s\n\n- <b>bold?</b>\n'
    )
    html = to_html(text)
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "{{" not in html and "{%" not in html
    assert "&#123;&#123; 7*7 &#125;&#125;" in html
    assert "49" not in html
    assert "&amp; &quot;q&quot; &#x27;s" in html


def test_plain_text_rendering():
    text = (
        "# Notice of Data Breach\n\n## What Happened\nWe **found** it.\n\n"
        "### Details\nMore.\n\n- one\n  two\n\n9. nine\n10. ten\n"
    )
    assert to_plain(text) == (
        "Notice of Data Breach\n=====================\n\n"
        "What Happened\n-------------\n\n"
        "We found it.\n\n"
        "Details\n\nMore.\n\n"
        "- one two\n\n"
        "9.  nine\n10. ten\n"
    )


def test_plain_text_wraps_list_items_with_hanging_indent():
    out = to_plain("- " + "word " * 30, width=40)
    lines = out.splitlines()
    assert all(len(line) <= 40 for line in lines)
    assert lines[0].startswith("- ") and all(line.startswith("  ") for line in lines[1:])


def test_control_characters_and_crlf_are_normalised():
    blocks = parse("# Title\r\n\r\nBad\x00 char\x0b here\ud800\r\n")
    assert blocks == (Heading(1, "Title"), Paragraph("Bad char here\ufffd"))


def test_empty_and_whitespace_only_text():
    assert parse("") == ()
    assert to_html("  \n\n ") == ""
    assert to_plain("") == ""


def test_long_text_renders_every_section():
    text = "\n\n".join(
        f"## Section {i}\nSome **bold** text [[missing: x]].\n\n- a\n- b" for i in range(2000)
    )
    html = to_html(text + " ")  # bypass the parse cache
    assert html.count("<h2") == 2000
