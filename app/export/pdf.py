"""PDF export of a letter with WeasyPrint: the printable, mailable form.

Why WeasyPrint: the letter is already HTML-shaped (see :mod:`app.letters.markup`), and CSS paged
media gives us what a mailed letter needs without a layout engine of our own: page size (A4 or
US Letter), "Page N of M" in the footer (CSS counters), a draft watermark repeated on every page
(a ``position: fixed`` element), and a boxed enrolment code and deadline.

Type size: every piece of text, letterhead, address block and page footer included, is at least
10 pt (California requires the notice in no smaller than 10-point type, Civ. Code 1798.82(d)(1)).

Safety: the body is escaped by the markup renderer, every other field is escaped here, and the URL
fetcher refuses every URL, so a letter can never make the renderer fetch anything (no network, no
local files). Only locally installed fonts are used (DejaVu / Liberation through fontconfig).

Speed: importing WeasyPrint costs over a second, so it is imported on first use. The stylesheet
and font configuration are built once per thread and page size and reused; a mail merge should
call :func:`render_pdf_many`, which renders documents one after another with the same resources.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from typing import Any, Literal

from app.export.document import (
    WATERMARK,
    ExportDocument,
    enrollment_lines,
    letterhead_lines,
    recipient_lines,
    split_title,
)
from app.letters.markup import escape_html, render_html

PageSize = Literal["A4", "Letter"]
PAGE_SIZES: dict[str, str] = {"A4": "A4", "Letter": "letter"}

FONT_STACK = '"DejaVu Sans", "Liberation Sans", sans-serif'

LETTER_CSS = """
@page {
  size: %(size)s;
  margin: 20mm 20mm 22mm 20mm;
  @bottom-center {
    content: "Page " counter(page) " of " counter(pages);
    font-family: %(fonts)s; font-size: 10pt; color: #444;
  }
}
html { font-family: %(fonts)s; font-size: 11pt; line-height: 1.45; color: #111;
  overflow-wrap: break-word; }
body { margin: 0; }
.letterhead { border-bottom: 1pt solid #999; padding-bottom: 3mm; margin-bottom: 6mm;
  font-size: 10pt; color: #333; }
.letterhead .org { font-size: 14pt; font-weight: bold; color: #111; }
.recipient { font-style: normal; margin: 0 0 8mm 0; line-height: 1.35; }
h1 { font-size: 18pt; line-height: 1.2; margin: 0 0 4mm 0; }
h2 { font-size: 13pt; margin: 6mm 0 2mm 0; }
h3 { font-size: 11.5pt; margin: 4mm 0 1.5mm 0; }
h4, h5, h6 { font-size: 11pt; margin: 3mm 0 1mm 0; }
h1, h2, h3, h4, h5, h6 { break-after: avoid; }
p { margin: 0 0 3mm 0; orphans: 2; widows: 2; }
ul, ol { margin: 0 0 3mm 0; padding-left: 7mm; }
li { margin-bottom: 1.5mm; break-inside: avoid; }
mark.missing { background: #ffe08a; color: #7a0000; border: 0.5pt dashed #b00000; }
.enrolment { border: 2pt solid #111; background: #fff4cc; padding: 3mm 5mm; margin: 2mm 0 6mm 0;
  break-inside: avoid; }
.enrolment .row { margin: 0.5mm 0; }
.enrolment .label { font-weight: bold; }
.enrolment .value { font-size: 15pt; font-weight: bold; font-family: "DejaVu Sans Mono",
  "Liberation Mono", monospace; letter-spacing: 0.5pt; }
.draft-banner { border: 1.5pt solid #b00000; color: #b00000; font-weight: bold; text-align: center;
  padding: 1.5mm; margin-bottom: 5mm; }
.watermark { position: fixed; top: 115mm; left: -25mm; width: 220mm; text-align: center;
  transform: rotate(-45deg); font-size: 44pt; font-weight: bold; color: rgba(190, 0, 0, 0.16);
  z-index: 10; }
"""


def css_string(text: str) -> str:
    """Quote text as a CSS string, escaping everything but letters, digits and a few safe marks."""
    out = []
    for ch in text:
        if ch.isalnum() and ord(ch) < 128 or ch in " .:_-":
            out.append(ch)
        else:
            out.append(f"\\{ord(ch):x} ")
    return '"' + "".join(out) + '"'


def _page_size(page_size: str) -> str:
    try:
        return PAGE_SIZES[page_size]
    except KeyError:
        choices = ", ".join(PAGE_SIZES)
        raise ValueError(f"page_size: must be one of {choices}, not {page_size!r}") from None


# --------------------------------------------------------------------------------------------
# HTML


def letter_html(doc: ExportDocument) -> str:
    """Build the complete HTML document the PDF is made from (also usable as a print preview)."""
    e = escape_html
    parts: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{e(doc.title)}</title>",
        f'<meta name="author" content="{e(doc.organisation)}">',
        f'<meta name="description" content="{e("version " + doc.version_hash)}">',
        '<meta name="generator" content="Candor">',
    ]
    footer = []
    if doc.version_hash:
        footer.append(
            f"@bottom-right {{ content: {css_string('Version ' + doc.short_hash)}; "
            f"font-size: 10pt; color: #555; }}"
        )
    if not doc.approved:
        footer.append(
            f"@top-center {{ content: {css_string(WATERMARK)}; font-size: 10pt; "
            f"font-weight: bold; color: #b00000; }}"
        )
    if footer:
        parts.append("<style>@page { " + " ".join(footer) + " }</style>")
    parts.append("</head><body>")
    if not doc.approved:
        parts.append(f'<div class="watermark" aria-hidden="true">{e(WATERMARK)}</div>')
        parts.append(f'<p class="draft-banner">{e(WATERMARK)} — do not send</p>')
    head = letterhead_lines(doc)
    if head:
        parts.append(
            '<header class="letterhead">'
            f'<div class="org">{e(head[0])}</div>'
            + "".join(f"<div>{e(ln)}</div>" for ln in head[1:])
            + "</header>"
        )
    address = recipient_lines(doc.recipient)
    if address:
        parts.append(
            '<address class="recipient">' + "<br>".join(e(ln) for ln in address) + "</address>"
        )
    title, rest = split_title(doc.blocks)
    parts.append("<main>")
    parts.append(render_html(title))
    parts.append(enrollment_html(doc))
    parts.append(render_html(rest))
    parts.append("</main></body></html>")
    return "\n".join(p for p in parts if p)


def enrollment_html(doc: ExportDocument) -> str:
    """Build the boxed enrolment code and deadline, or an empty string."""
    rows = enrollment_lines(doc)
    if not rows:
        return ""
    body = "".join(
        f'<div class="row"><span class="label">{escape_html(label)}:</span> '
        f'<span class="value">{escape_html(value)}</span></div>'
        for label, value in rows
    )
    return f'<section class="enrolment">{body}</section>'


# --------------------------------------------------------------------------------------------
# Rendering


class _Renderer:
    """WeasyPrint, a parsed stylesheet, a font configuration and a no-network URL fetcher."""

    def __init__(self, css_text: str):
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import URLFetcher

        self._weasyprint = weasyprint
        self.fetcher = URLFetcher(allowed_protocols=())  # refuses every URL
        self.font_config = FontConfiguration()
        self.css = weasyprint.CSS(
            string=css_text, font_config=self.font_config, url_fetcher=self.fetcher
        )

    def pdf(self, html: str) -> bytes:
        document = self._weasyprint.HTML(string=html, url_fetcher=self.fetcher)
        return document.write_pdf(stylesheets=[self.css], font_config=self.font_config)


_local = threading.local()


def _renderer(key: str, css_text: str) -> _Renderer:
    """One renderer per thread and stylesheet (WeasyPrint objects are not shared across threads)."""
    cache: dict[str, Any] = _local.__dict__.setdefault("renderers", {})
    if key not in cache:
        cache[key] = _Renderer(css_text)
    return cache[key]


def html_to_pdf(html: str, css_text: str, *, key: str) -> bytes:
    """Render a complete HTML document with a stylesheet cached under ``key`` (shared helper)."""
    return _renderer(key, css_text).pdf(html)


def _letter_css(page_size: str) -> str:
    return LETTER_CSS % {"size": _page_size(page_size), "fonts": FONT_STACK}


def render_pdf(doc: ExportDocument, *, page_size: PageSize = "A4") -> bytes:
    """One letter as PDF bytes (A4 or US Letter)."""
    return html_to_pdf(letter_html(doc), _letter_css(page_size), key=f"letter:{page_size}")


def render_pdf_many(
    docs: Iterable[ExportDocument], *, page_size: PageSize = "A4"
) -> Iterator[bytes]:
    """Yield one PDF per document, reusing one stylesheet and font configuration (mail merge).

    The page size is checked and the renderer built before the first document is consumed.
    """
    renderer = _renderer(f"letter:{page_size}", _letter_css(page_size))
    return (renderer.pdf(letter_html(doc)) for doc in docs)
