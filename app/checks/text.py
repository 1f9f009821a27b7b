"""Segment a letter into paragraphs, sections and sentences with character offsets.

Every check reads the letter through one `Document`, so a sentence, a heading or a paragraph
means the same thing to the readability, empathy, legal and facts checks, and every span they
report is an offset into the original text (never into a cleaned copy).

The segmentation is deliberately forgiving: letters arrive as Candor's Markdown, as e-mails
with hard-wrapped lines, or pasted from a word processor with plain-text headings. Rules:

* paragraphs are blocks separated by blank lines;
* a heading is a Markdown heading (`## What Happened`), a line that is only bold
  (`**What Happened**`), or a short stand-alone line without final punctuation or digits
  (`What Happened`, `What happened:`); a heading starts a section;
* inside a paragraph, list items and lines after a line ending in `.!?:` or a short line
  (an address block, a signature) start a new sentence; long wrapped lines are joined;
* inside a line, sentences end at `.!?` followed by a space and an upper-case letter, digit,
  quote or bracket, unless the word before the full stop is a known abbreviation.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property

from app.checks.caching import text_cache

_BLANK_LINE = re.compile(r"\n[ \t]*\n+")
_LIST_ITEM = re.compile(r"[ \t]*(?:[-*+•]|\d{1,2}[.)])[ \t]+")
_MD_HEADING = re.compile(r"^[ \t]{0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$")
_BOLD_LINE = re.compile(r"^[ \t]*(?:\*\*|__)(.+?)(?:\*\*|__)[ \t]*:?[ \t]*$")
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9•*-])")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st ave inc co corp ltd no nos p.o o u.s e.g i.e a.m p.m jan feb mar apr jun jul aug sep sept "
    "oct nov dec etc vs jr sr llc n.w n.e s.w s.e nw ne sw se blvd rd ste dept fig approx est tel ph".split()
)
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")
_SPACE = str.maketrans("\n\r\t\f\v", "     ")
SHORT_LINE = 50
"""A line shorter than this inside a paragraph ends its sentence (addresses, signatures)."""


@dataclass(frozen=True)
class Unit:
    """A span of the text: a sentence, a paragraph or a section."""

    start: int
    end: int
    text: str
    kind: str = "sentence"
    heading: str | None = (
        None  # for sections: the heading text (normalised), None before the first heading
    )

    @cached_property
    def words(self) -> int:
        """Number of words (letters/digits runs)."""
        return _word_count(self.text)


@text_cache(maxsize=20_000)
def _word_count(text: str) -> int:
    """Words of a sentence, counted once per sentence text (every check asks for every one)."""
    return len(_WORD.findall(text))


@dataclass(frozen=True)
class Heading:
    """A heading line: its span and its text without Markdown markers or a trailing colon."""

    start: int
    end: int
    title: str


def normalise_heading(line: str) -> str | None:
    """Return the heading text of `line` if it looks like a heading, else None."""
    m = _MD_HEADING.match(line)
    if m:
        return m.group(2).strip(" *_:").strip()
    m = _BOLD_LINE.match(line) if _ends_bold(line) else None
    if m:
        title = m.group(1).strip(" :")
        if len(title.split()) <= 12:
            return title
    return None


def _ends_bold(line: str) -> bool:
    """The line ends as `_BOLD_LINE` needs (`**` or `__`, then spaces and at most one colon),
    read from the end: a long line that only starts bold (a letter pasted without line breaks)
    is then not read character by character by the pattern's `(.+?)`."""
    end = line[:-1] if line.endswith("\n") else line  # (`$` also matches before a final newline)
    end = end.rstrip(" \t")
    if end.endswith(":"):
        end = end[:-1].rstrip(" \t")
    return end.endswith(("**", "__"))


def _plain_heading(line: str) -> str | None:
    """A stand-alone short line without final punctuation or digits (pasted letters)."""
    s = line.strip()
    if not s or len(s) > 70 or any(ch.isdigit() for ch in s):
        return None
    if s[-1] in ".,;!" or not s[0].isupper() or _LIST_ITEM.match(line):
        return None
    words = s.rstrip(":?").split()
    if not 1 <= len(words) <= 8:
        return None
    if s.endswith("?") and len(words) > 6:
        return None
    return s.rstrip(":").strip()


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the full stop at `dot` ends a known abbreviation or an initial."""
    j = dot
    while j > 0 and (text[j - 1].isalpha() or text[j - 1] == "."):
        j -= 1
    word = text[j:dot].lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


_TIME_ZONES = frozenset(
    "eastern central mountain pacific et ct mt pt est cst mst pst edt cdt mdt pdt gmt bst cet utc local".split()
)


def _time_then_sentence(text: str, dot: int, end: int) -> bool:
    """'8 a.m. to 5 p.m. You may ...': a time abbreviation that ends the sentence."""
    if text[max(0, dot - 3) : dot].lower() not in ("a.m", "p.m"):
        return False
    m = _WORD.match(text, dot + 1 + (len(text[dot + 1 : end]) - len(text[dot + 1 : end].lstrip())))
    return bool(m) and m.group()[0].isupper() and m.group().lower() not in _TIME_ZONES


def _split_line(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split text[start:end] into sentences at sentence-final punctuation."""
    out: list[tuple[int, int]] = []
    s = start
    for m in _SENTENCE_END.finditer(text, start, end):
        if m.group().startswith(".") and len(m.group()) == 1 and _is_abbreviation(text, m.start()):
            if not _time_then_sentence(text, m.start(), end):
                continue
        out.append((s, m.end()))
        s = m.end()
    out.append((s, end))
    return out


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


@dataclass
class Document:
    """A letter, segmented once and shared by every check."""

    text: str
    paragraphs: list[Unit] = field(default_factory=list)
    sentences: list[Unit] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    sections: list[Unit] = field(default_factory=list)
    prose: list[Unit] = field(default_factory=list)
    """The prose sentences (`prose_sentences()`), found when the text is segmented."""
    words: int = 0
    """Words in all sentences and headings."""
    _line_starts: list[int] = field(default_factory=list)

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset (for compiler-style output)."""
        i = bisect_right(self._line_starts, offset) - 1
        return i + 1, offset - self._line_starts[i] + 1

    def sentence_at(self, offset: int) -> Unit | None:
        """The sentence containing `offset`, if any."""
        starts = [s.start for s in self.sentences]
        i = bisect_right(starts, offset) - 1
        if i >= 0 and self.sentences[i].start <= offset < max(
            self.sentences[i].end, self.sentences[i].start + 1
        ):
            return self.sentences[i]
        return None

    def section_of(self, offset: int) -> Unit | None:
        """The section containing `offset`."""
        for sec in self.sections:
            if sec.start <= offset < sec.end:
                return sec
        return None

    @cached_property
    def flat(self) -> str:
        """The text with line breaks read as spaces (same length, so offsets stay valid):
        sentence patterns read a sentence wrapped over lines as one line."""
        return self.text.translate(_SPACE)

    def prose_sentences(self) -> list[Unit]:
        """Sentences that are prose (not headings, address lines or bare signatures)."""
        return list(self.prose)


def _is_prose(kind: str, text: str, words: int) -> bool:
    """A sentence, not a heading, that ends as a sentence does and has three words or more."""
    return kind != "heading" and text[-1:] in ".!?:;)\"'”’" and words >= 3


@text_cache(maxsize=64)
def segment(text: str) -> Document:
    """Segment `text` into paragraphs, headings, sections and sentences (offsets into `text`).

    Cached per text: treat the returned Document as read-only. Each paragraph's sentences and
    headings are cached per paragraph text (they depend on nothing outside it), so re-checking
    an edited letter re-reads only the changed paragraphs."""
    doc = Document(text=text)
    doc._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    pos = 0
    blocks: list[tuple[int, int]] = []
    for m in _BLANK_LINE.finditer(text):
        blocks.append((pos, m.start()))
        pos = m.end()
    blocks.append((pos, len(text)))
    for b_start, b_end in blocks:
        b_start, b_end = _trim(text, b_start, b_end)
        if b_start >= b_end:
            continue
        paragraph = text[b_start:b_end]
        doc.paragraphs.append(Unit(b_start, b_end, paragraph, "paragraph"))
        for s, e, kind, title, words, prose in _paragraph_units(paragraph):
            s, e = s + b_start, e + b_start
            if title is not None:
                doc.headings.append(Heading(s, e, title))
            unit = Unit(s, e, text[s:e], kind)
            doc.sentences.append(unit)
            doc.words += words
            if prose:
                doc.prose.append(unit)
    _build_sections(doc)
    return doc


Span = tuple[int, int, str, "str | None", int, bool]
"""A sentence or heading of a paragraph: start, end (in the paragraph), kind, heading title,
words, and whether it is prose."""


@text_cache(maxsize=4096)
def _paragraph_units(text: str) -> tuple[Span, ...]:
    """The sentences and headings of one paragraph (trimmed, without blank lines), in order."""
    out: list[tuple[int, int, str, str | None]] = []
    lines: list[tuple[int, int]] = []
    pos, end = 0, len(text)
    while pos <= end:
        nl = text.find("\n", pos, end)
        stop = end if nl == -1 else nl
        lines.append((pos, stop))
        if nl == -1:
            break
        pos = nl + 1
    single = len(lines) == 1
    run_start: int | None = None
    run_end = 0
    for ls, le in lines:
        line = text[ls:le]
        title = normalise_heading(line)
        if title is None and single:
            title = _plain_heading(line)
        if title is None and not single and (ls, le) == lines[0] and len(lines) > 1:
            # "What happened:" / "**What happened**" on its own first line of a block
            stripped = line.strip()
            if stripped.endswith(":") and _plain_heading(stripped):
                title = _plain_heading(stripped)
        if title is not None:
            if run_start is not None:
                _flush(text, run_start, run_end, out)
                run_start = None
            hs, he = _trim(text, ls, le)
            out.append((hs, he, "heading", title))
            continue
        new_unit = _LIST_ITEM.match(line) is not None
        if run_start is not None and not new_unit:
            prev = text[run_start:run_end].rstrip()
            prev_line = prev.rsplit("\n", 1)[-1]
            if prev_line[-1:] in ".!?:" or len(prev_line.strip()) < SHORT_LINE:
                new_unit = True
        if new_unit and run_start is not None:
            _flush(text, run_start, run_end, out)
            run_start = None
        if run_start is None:
            run_start = ls
        run_end = le
    if run_start is not None:
        _flush(text, run_start, run_end, out)
    return tuple(
        (s, e, kind, title, n, _is_prose(kind, text[s:e], n))
        for s, e, kind, title in out
        for n in (_word_count(text[s:e]),)
    )


def _flush(text: str, start: int, end: int, out: list[tuple[int, int, str, str | None]]) -> None:
    m = _LIST_ITEM.match(text, start)
    if m and m.end() <= end:
        start = m.end()
    for s, e in _split_line(text, start, end):
        s, e = _trim(text, s, e)
        if s < e:
            out.append((s, e, "sentence", None))


def _build_sections(doc: Document) -> None:
    """A section runs from a heading (or the start) to the next heading."""
    text = doc.text
    bounds: list[tuple[int, str | None]] = [(0, None)] + [(h.start, h.title) for h in doc.headings]
    for i, (s, title) in enumerate(bounds):
        e = bounds[i + 1][0] if i + 1 < len(bounds) else len(text)
        if e > s or (i == 0 and not text):
            doc.sections.append(Unit(s, e, text[s:e], "section", heading=title))
    if not doc.sections:
        doc.sections.append(Unit(0, len(text), text, "section"))
