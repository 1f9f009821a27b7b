r"""The small Markdown subset letters are written in: parse it once, render it safely anywhere.

Letters come out of Jinja templates and are then edited freely by a person, so the text is
untrusted. This module turns it into a tiny block model and renders that model to HTML (every
character escaped, no raw HTML passthrough) and to readable plain text. The UI and every export
format (PDF, DOCX, text, e-mail) go through it, so the subset is interpreted one way everywhere.

The subset:

- ``# Title``, ``## Heading``, ``### Subheading`` (``####``..``######`` are kept as level 3..6);
- paragraphs separated by blank lines; a single line break inside a paragraph is *kept* (letters
  have address and signature blocks: "Sincerely,\nJane Doe\nPrivacy Officer");
- ``- `` / ``* `` / ``+ `` bullet lists and ``1. `` / ``1) `` numbered lists; an item continues on
  following *indented* lines, joined with a space (also after a blank line). Unlike CommonMark
  there are no "lazy" continuation lines: an unindented line after a list starts a paragraph, so
  "Sincerely," typed right under the last bullet does not vanish into it;
- ``**bold**`` (an unmatched ``**`` stays literal);
- ``[[missing: field]]`` markers stay visible, and are tagged so renderers can highlight them.

Everything else (HTML tags, ``{{ ... }}``, links, images, ``_emphasis_``) is literal text.
Pure: no I/O, no globals besides a small parse cache.
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

__all__ = [
    "Span",
    "Heading",
    "Paragraph",
    "ListBlock",
    "Block",
    "parse",
    "parse_inline",
    "render_html",
    "render_plain",
    "to_html",
    "to_plain",
    "plain_inline",
    "find_missing",
    "sanitize",
    "is_sanitized",
]


@dataclass(frozen=True)
class Span:
    """A run of inline text: plain, bold, and/or a ``[[missing: ...]]`` marker."""

    text: str
    bold: bool = False
    missing: bool = False


@dataclass(frozen=True)
class Heading:
    """``#`` (level 1) to ``######`` (level 6); the subset uses levels 1-3."""

    level: int
    text: str
    kind: str = field(default="heading", init=False)

    @property
    def spans(self) -> tuple[Span, ...]:
        """Inline spans of the heading text."""
        return parse_inline(self.text)


@dataclass(frozen=True)
class Paragraph:
    r"""A paragraph; ``text`` may contain ``\n`` (kept as a line break)."""

    text: str
    kind: str = field(default="paragraph", init=False)

    @property
    def spans(self) -> tuple[Span, ...]:
        """Inline spans of the paragraph text."""
        return parse_inline(self.text)


@dataclass(frozen=True)
class ListBlock:
    """A bullet (``ordered=False``) or numbered list; ``start`` is the first number."""

    ordered: bool
    items: tuple[str, ...]
    start: int = 1
    kind: str = field(default="list", init=False)

    def item_spans(self) -> tuple[tuple[Span, ...], ...]:
        """Inline spans of every item."""
        return tuple(parse_inline(item) for item in self.items)


Block = Heading | Paragraph | ListBlock

# --------------------------------------------------------------------------------------------
# Parsing

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_BULLET = re.compile(r"^ {0,3}([-*+])[ \t]+(\S.*)$")
_ORDERED = re.compile(r"^ {0,3}(\d{1,9})[.)][ \t]+(\S.*)$")
_MISSING = re.compile(r"\[\[\s*missing\s*:[^\[\]\n]*\]\]", re.IGNORECASE)
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", re.DOTALL)


def sanitize(text: str) -> str:
    """Normalise line endings, expand tabs, drop control characters and lone surrogates.

    Control characters cannot be stored in DOCX/XML and confuse PDF text extraction; lone
    surrogates (possible from JSON input) cannot be encoded. They carry no meaning in a letter.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(line.expandtabs(4) for line in text.split("\n"))
    return _CONTROL.sub(lambda m: "\ufffd" if "\ud800" <= m.group() <= "\udfff" else "", text)


def is_sanitized(text: str) -> bool:
    """True when :func:`sanitize` would return ``text`` unchanged (one scan: a mail merge asks
    this for every recipient's name and address, where the answer is nearly always yes)."""
    return "\r" not in text and "\t" not in text and _CONTROL.search(text) is None


def _list_marker(line: str) -> tuple[bool, int, str] | None:
    """``(ordered, number, rest)`` when the line starts a list item."""
    m = _BULLET.match(line)
    if m:
        return False, 0, m.group(2).strip()
    m = _ORDERED.match(line)
    if m:
        return True, int(m.group(1)), m.group(2).strip()
    return None


def _heading(line: str) -> Heading | None:
    m = _HEADING.match(line)
    if not m or not (m.group(2) or "").strip():
        return None
    return Heading(level=len(m.group(1)), text=m.group(2).strip())


def parse(text: str) -> tuple[Block, ...]:
    """Parse letter Markdown into blocks (cached: a mail merge parses one body many times)."""
    return _parse_cached(text)


@lru_cache(maxsize=128)
def _parse_cached(text: str) -> tuple[Block, ...]:
    lines = sanitize(text).split("\n")
    blocks: list[Block] = []
    para: list[str] = []
    list_ordered: bool | None = None
    list_start = 1
    items: list[str] = []

    def flush_para() -> None:
        if para:
            blocks.append(Paragraph("\n".join(para)))
            para.clear()

    def flush_list() -> None:
        nonlocal list_ordered
        if list_ordered is not None:
            blocks.append(ListBlock(ordered=list_ordered, items=tuple(items), start=list_start))
            items.clear()
            list_ordered = None

    for raw in lines:
        line = raw.rstrip()
        if not line.strip():
            flush_para()
            continue
        heading = _heading(line)
        if heading is not None:
            flush_para()
            flush_list()
            blocks.append(heading)
            continue
        marker = _list_marker(line)
        indented = line.startswith("  ") or line.startswith("\t")
        if list_ordered is not None:
            if marker is not None and not (indented and len(line) - len(line.lstrip()) >= 4):
                ordered, number, rest = marker
                if ordered == list_ordered:
                    items.append(rest)
                    continue
                flush_list()
            elif indented:
                # an indented line continues the current item (also after a blank line)
                items[-1] = f"{items[-1]} {line.strip()}"
                continue
            else:
                flush_list()
        if marker is not None:
            ordered, number, rest = marker
            # As in CommonMark, only a list starting at 1 may interrupt a paragraph, so a wrapped
            # line such as "2019. We ..." stays part of its paragraph.
            if para and ordered and number != 1:
                para.append(line.strip())
                continue
            flush_para()
            list_ordered, list_start = ordered, (number if ordered else 1)
            items.append(rest)
            continue
        para.append(line.strip())
    flush_para()
    flush_list()
    return tuple(blocks)


@lru_cache(maxsize=1024)
def parse_inline(text: str) -> tuple[Span, ...]:
    """Split text into spans: ``**bold**`` and ``[[missing: ...]]`` markers, the rest plain."""
    spans: list[Span] = []
    pos = 0
    for m in _BOLD.finditer(text):
        if m.start() > pos:
            spans.extend(_missing_spans(text[pos : m.start()], bold=False))
        spans.extend(_missing_spans(m.group(1), bold=True))
        pos = m.end()
    if pos < len(text):
        spans.extend(_missing_spans(text[pos:], bold=False))
    return tuple(s for s in spans if s.text)


def _missing_spans(text: str, *, bold: bool) -> list[Span]:
    out: list[Span] = []
    pos = 0
    for m in _MISSING.finditer(text):
        out.append(Span(text[pos : m.start()], bold=bold))
        out.append(Span(m.group(), bold=bold, missing=True))
        pos = m.end()
    out.append(Span(text[pos:], bold=bold))
    return out


def find_missing(text: str) -> list[str]:
    """Return the ``[[missing: ...]]`` markers still in the text, in order."""
    return _MISSING.findall(sanitize(text))


# --------------------------------------------------------------------------------------------
# HTML


def escape_html(text: str) -> str:
    """Escape for HTML text and attributes; braces too, so no client-side template runs them."""
    return html.escape(text, quote=True).replace("{", "&#123;").replace("}", "&#125;")


def _attr(tag: str, styles: Mapping[str, str] | None, classes: Mapping[str, str] | None) -> str:
    out = ""
    if classes and classes.get(tag):
        out += f' class="{escape_html(classes[tag])}"'
    if styles and styles.get(tag):
        out += f' style="{escape_html(styles[tag])}"'
    return out


def render_inline_html(
    spans: tuple[Span, ...],
    styles: Mapping[str, str] | None = None,
    classes: Mapping[str, str] | None = None,
) -> str:
    """Spans to escaped HTML: ``<strong>``, ``<mark class="missing">``, ``<br>`` for line breaks."""
    parts: list[str] = []
    for span in spans:
        piece = escape_html(span.text).replace("\n", "<br>\n")
        if span.missing:
            mark_classes = {"mark": "missing", **(classes or {})}
            piece = f"<mark{_attr('mark', styles, mark_classes)}>{piece}</mark>"
        if span.bold:
            piece = f"<strong{_attr('strong', styles, classes)}>{piece}</strong>"
        parts.append(piece)
    return "".join(parts)


def render_html(
    blocks: tuple[Block, ...] | list[Block],
    *,
    styles: Mapping[str, str] | None = None,
    classes: Mapping[str, str] | None = None,
) -> str:
    """Render blocks as an HTML fragment.

    ``styles`` maps a tag name (``h1``, ``p``, ``li``, ``mark``...) to an inline ``style``
    attribute (for e-mail); ``classes`` maps a tag name to a ``class`` attribute.
    """
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            tag = f"h{block.level}"
            out.append(
                f"<{tag}{_attr(tag, styles, classes)}>"
                f"{render_inline_html(block.spans, styles, classes)}</{tag}>"
            )
        elif isinstance(block, Paragraph):
            out.append(
                f"<p{_attr('p', styles, classes)}>"
                f"{render_inline_html(block.spans, styles, classes)}</p>"
            )
        else:
            tag = "ol" if block.ordered else "ul"
            start = f' start="{block.start}"' if block.ordered and block.start != 1 else ""
            lis = "".join(
                f"<li{_attr('li', styles, classes)}>{render_inline_html(s, styles, classes)}</li>\n"
                for s in block.item_spans()
            )
            out.append(f"<{tag}{start}{_attr(tag, styles, classes)}>\n{lis}</{tag}>")
    return "\n".join(out) + ("\n" if out else "")


def to_html(text: str) -> str:
    """Letter Markdown to a safe HTML fragment (no ``<html>``/``<body>``)."""
    return render_html(parse(text))


# --------------------------------------------------------------------------------------------
# Plain text


def plain_inline(text: str) -> str:
    """Inline text without ``**`` markers (missing markers are kept verbatim)."""
    return "".join(span.text for span in parse_inline(text))


def _wrap(text: str, width: int | None, indent: str = "", first: str = "") -> str:
    lines = text.split("\n")
    if width is None:
        return "\n".join((first if i == 0 else indent) + ln for i, ln in enumerate(lines))
    out: list[str] = []
    for i, ln in enumerate(lines):
        out.append(
            textwrap.fill(
                ln,
                width=width,
                initial_indent=first if i == 0 else indent,
                subsequent_indent=indent,
                break_long_words=False,
                break_on_hyphens=False,
            )
            or (first if i == 0 else indent).rstrip()
        )
    return "\n".join(out)


def render_plain(blocks: tuple[Block, ...] | list[Block], *, width: int | None = None) -> str:
    """Blocks to readable plain text.

    Level-1 headings are underlined with ``=``, level 2 with ``-``, deeper levels stand alone;
    bullets become ``- item``, numbered items ``1. item``; blocks are separated by a blank line.
    ``width`` wraps long lines (continuation lines indented under list items).
    """
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            text = " ".join(plain_inline(block.text).split())
            if block.level <= 2:
                underline = ("=" if block.level == 1 else "-") * min(len(text), width or 10**6)
                out.append(f"{text}\n{underline}")
            else:
                out.append(text)
        elif isinstance(block, Paragraph):
            out.append(_wrap(plain_inline(block.text), width))
        else:
            lines = []
            last = block.start + len(block.items) - 1
            for n, item in enumerate(block.items, start=block.start):
                marker = f"{n}. ".ljust(len(f"{last}. ")) if block.ordered else "- "
                lines.append(_wrap(plain_inline(item), width, " " * len(marker), marker))
            out.append("\n".join(lines))
    return "\n\n".join(out) + ("\n" if out else "")


def to_plain(text: str, *, width: int | None = None) -> str:
    """Letter Markdown to readable plain text (see :func:`render_plain`)."""
    return render_plain(parse(text), width=width)
