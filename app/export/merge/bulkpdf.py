"""Bulk PDF for the mail merge: each variant laid out once by WeasyPrint, each recipient's parts
(address block, name, activation code) overlaid — print-shop speed with the same letter layout.

Why: WeasyPrint lays a letter out in about half a second; a million letters would take days on one
core. Everything but a few words is the same for every recipient of a variant, so the variant is
laid out once with a fixed-width, invisible placeholder where each merge field goes, WeasyPrint
tells where each placeholder landed (page, position, font, size, weight, colour), and each
recipient gets the variant's pages with only their words drawn on top: Typst sets those words for
a whole batch of recipients in one document (same DejaVu fonts, embedded), and pikepdf (qpdf)
stamps each overlay page onto a copy of the variant's page. The layout never depends on a
recipient: a placeholder's width is the field's widest rendering rounded up to a quarter em (one
cached layout per width class and address length), so the text, the 10 pt minimum, the headings,
the page numbers and the enrolment box are exactly the single-letter export's.

A recipient whose words cannot be laid out this way — a character the DejaVu fonts lack, an
address line wider than the page, more address lines than :data:`MAX_ADDRESS_LINES` — is rendered
one by one by :func:`app.export.pdf.render_pdf`, so every letter is still right.
"""

from __future__ import annotations

import html
import io
import json
import re
import subprocess
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from app.export.document import ExportDocument
from app.export.merge.rows import Filler

MAX_ADDRESS_LINES = 8
RIGHT_MARGIN_PT = 20 / 25.4 * 72  # LETTER_CSS's @page side margin (20 mm)
QUARTER_EM = 4  # width classes per em
_FACES = {
    "regular": "DejaVu Sans",
    "bold": "DejaVu Sans:bold",
    "italic": "DejaVu Sans:italic",
    "bolditalic": "DejaVu Sans:bold:italic",
    "mono": "DejaVu Sans Mono:bold",
}
_TOKEN = re.compile(r"Zq(NAME|CODE|ECODE|A\d)qZ((?:[^\s<&]|&[#\w]+;)*)")
_PX_TO_PT = 0.75


def _token(field: str) -> str:
    return f"Zq{field}qZ"


@cache
def _face(spec: str) -> tuple[dict[int, int], float]:
    """(codepoint -> advance, units per em) of the font fontconfig picks for ``spec``."""
    from fontTools.ttLib import TTFont

    path = subprocess.run(  # noqa: S603 - fixed program, our own argument
        ["fc-match", "-f", "%{file}", spec],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    font = TTFont(path, lazy=True)
    cmap = font.getBestCmap()
    hmtx = font["hmtx"]
    return {cp: hmtx[name][0] for cp, name in cmap.items()}, float(font["head"].unitsPerEm)


def em_width(text: str, faces: Sequence[str]) -> float | None:
    """The widest width of ``text`` in ems over ``faces``; None when a face lacks a character."""
    widest = 0.0
    for face in faces:
        advances, upem = _face(_FACES[face])
        total = 0
        for ch in text:
            adv = advances.get(ord(ch))
            if adv is None:
                return None
            total += adv
        widest = max(widest, total / upem)
    return widest


def width_class(text: str, faces: Sequence[str]) -> int | None:
    """Quarter ems (rounded up, plus one for kerning slack) or None (fall back to one-by-one)."""
    w = em_width(text, faces)
    return None if w is None else int(w * QUARTER_EM) + 2


@dataclass(frozen=True)
class Item:
    """Where one field is drawn: page, baseline position (pt from the top left) and type."""

    page: int
    field: str
    tail: str
    x: float
    y: float
    font: str
    size: float
    weight: int
    italic: bool
    color: str


@dataclass
class Layout:
    """One variant laid out with placeholders: its PDF and where each field goes."""

    pdf: Any  # pikepdf.Pdf
    items: list[Item]
    width: float
    height: float
    pages: int


def _placeholder(match: re.Match[str], widths: dict[str, int]) -> str:
    field, tail = match.group(1), match.group(2)
    w = widths.get(field, widths.get("A", 1)) + (len(tail) * QUARTER_EM if tail else 0)
    tail_attr = html.escape(html.unescape(tail), quote=True)
    return (
        f'<span class="mf" data-f="{field}" data-t="{tail_attr}" style="display:inline-block;'
        f'width:{w / QUARTER_EM:.2f}em;white-space:nowrap"><span style="visibility:hidden">'
        "x</span></span>"
    )


def _walk(box: Any) -> Any:
    yield box
    for child in getattr(box, "children", None) or ():
        yield from _walk(child)


def _color(style: Any) -> str:
    c = style["color"]
    rgb = c.to("srgb").coordinates if hasattr(c, "to") else (c.red, c.green, c.blue)
    return "#{:02x}{:02x}{:02x}".format(*(round(min(max(v, 0.0), 1.0) * 255) for v in rgb))


def build_layout(
    filler: Filler, address_lines: int, widths: dict[str, int], page_size: str
) -> Layout:
    """Lay the variant out once with placeholders (WeasyPrint) and find where they landed."""
    import pikepdf
    import weasyprint

    from app.export.pdf import _letter_css, _renderer, letter_html

    code = _token("ECODE") if filler.needs_code else None
    doc = filler.document(_token("NAME"), [_token(f"A{i}") for i in range(address_lines)], code)
    doc = _body_code(doc, filler)
    source = _TOKEN.sub(lambda m: _placeholder(m, widths), letter_html(doc))
    r = _renderer(f"letter:{page_size}", _letter_css(page_size))
    document = weasyprint.HTML(string=source, url_fetcher=r.fetcher).render(
        stylesheets=[r.css], font_config=r.font_config
    )
    items: list[Item] = []
    for number, page in enumerate(document.pages):
        for box in _walk(page._page_box):
            element = getattr(box, "element", None)
            if (
                element is None
                or element.get("class") != "mf"
                or type(box).__name__ != "InlineBlockBox"
            ):
                continue
            text_box = next(b for b in _walk(box) if type(b).__name__ == "TextBox")
            style = text_box.style
            items.append(
                Item(
                    page=number,
                    field=element.get("data-f"),
                    tail=element.get("data-t") or "",
                    x=text_box.position_x * _PX_TO_PT,
                    y=(text_box.position_y + text_box.baseline) * _PX_TO_PT,
                    font=style["font_family"][0],
                    size=style["font_size"] * _PX_TO_PT,
                    weight=int(style["font_weight"]),
                    italic=style["font_style"] != "normal",
                    color=_color(style),
                )
            )
    data = document.write_pdf()
    first = document.pages[0]
    return Layout(
        pdf=pikepdf.open(io.BytesIO(data)),
        items=items,
        width=first.width * _PX_TO_PT,
        height=first.height * _PX_TO_PT,
        pages=len(document.pages),
    )


def _body_code(doc: ExportDocument, filler: Filler) -> ExportDocument:
    """The body's activation-code fields as the CODE token (the enrolment box keeps ECODE)."""
    if not filler.needs_code:
        return doc
    parts = filler.parts
    values = {"name": _token("NAME"), "activation_code": _token("CODE")}
    text = "".join(p if i % 2 == 0 else values[p] for i, p in enumerate(parts))
    from dataclasses import replace

    return replace(doc, text=text)


OVERLAY = """
#let data = json(bytes(sys.inputs.data))
#set page(width: data.width * 1pt, height: data.height * 1pt, margin: 0pt)
#for (i, items) in data.pages.enumerate() {
  if i > 0 { pagebreak() }
  for it in items {
    place(top + left, dx: it.x * 1pt, dy: it.y * 1pt, text(
      font: it.font, size: it.size * 1pt, weight: it.weight,
      style: if it.italic { "italic" } else { "normal" }, fill: rgb(it.color),
      top-edge: "baseline", bottom-edge: "baseline", it.text))
  }
  [#box()]
}
"""


_RESOURCES = ("/Font", "/ColorSpace", "/ExtGState", "/XObject", "/Pattern", "/Shading")


def stamp(pdf: Any, page: Any, overlay: Any) -> None:
    """Draw ``overlay``'s content on ``page``, inline (not as a form XObject, so every text
    extractor reads it), its resources copied under ``/cnd…`` names that cannot clash."""
    import pikepdf

    def local(d: Any) -> Any:  # a page-own copy: variant pages may share resource dicts
        return (
            pikepdf.Dictionary({k: v for k, v in d.items()})
            if d is not None
            else pikepdf.Dictionary()
        )

    resources = local(page.obj.get(pikepdf.Name.Resources))
    theirs = overlay.obj.get(pikepdf.Name.Resources) or pikepdf.Dictionary()
    renamed: dict[str, pikepdf.Name] = {}
    for category in _RESOURCES:
        if category not in theirs:
            continue
        ours = local(resources.get(category))
        for name, obj in theirs[category].items():
            new = pikepdf.Name("/cnd" + name[1:])
            ours[new] = pdf.copy_foreign(obj)
            renamed[name] = new
        resources[category] = ours
    page.obj.Resources = resources
    ops = []
    for operands, operator in pikepdf.parse_content_stream(overlay):
        ops.append(
            pikepdf.ContentStreamInstruction(
                [renamed.get(str(o), o) if isinstance(o, pikepdf.Name) else o for o in operands],
                operator,
            )
        )
    page.contents_add(pdf.make_stream(b"q\n"), prepend=True)
    page.contents_add(pdf.make_stream(b"\nQ\nq\n" + pikepdf.unparse_content_stream(ops) + b"\nQ\n"))


class BulkPdf:
    """Renders batches of merge letters of any variants (layouts cached per process)."""

    def __init__(self, page_size: str, cache_size: int = 256):
        self.page_size = page_size
        self.layouts: OrderedDict[tuple[Any, ...], Layout] = OrderedDict()
        self.cache_size = cache_size
        self.fallbacks = 0

    def _layout(self, filler: Filler, address_lines: int, widths: dict[str, int]) -> Layout:
        key = (
            filler.letter.variant_id,
            filler.letter.version_hash,
            filler.letter.text,
            address_lines,
            tuple(sorted(widths.items())),
        )
        layout = self.layouts.get(key)
        if layout is None:
            layout = build_layout(filler, address_lines, widths, self.page_size)
            self.layouts[key] = layout
            if len(self.layouts) > self.cache_size:
                self.layouts.popitem(last=False)
        else:
            self.layouts.move_to_end(key)
        return layout

    def _plan(
        self, filler: Filler, name: str, address: list[str], code: str | None
    ) -> tuple[Layout, dict[str, str]] | None:
        lines = [name, *address]  # the address block: the name, then the address lines
        if len(lines) > MAX_ADDRESS_LINES:
            return None
        wname = width_class(name, ("regular", "bold"))
        wcode = width_class(code or "", ("regular", "bold"))
        wecode = width_class(code or "", ("mono",))
        if wname is None or wcode is None or wecode is None:
            return None
        if any(em_width(ln, ("regular",)) is None for ln in lines):
            return None
        widths = {"NAME": wname, "CODE": wcode, "ECODE": wecode, "A": 1}
        layout = self._layout(filler, len(address), widths)
        values = {"NAME": name, "CODE": code or "", "ECODE": code or ""}
        values |= {f"A{i}": ln for i, ln in enumerate(address)}
        right = layout.width - RIGHT_MARGIN_PT  # a line reaching past it would have wrapped
        for it in layout.items:
            if it.field.startswith("A") or (it.field == "NAME" and not it.tail):
                w = em_width(values[it.field], ("regular", "bold")) or 0
                if it.x + w * it.size > right:
                    return None
        return layout, values

    def render(
        self, batch: Sequence[tuple[Filler, str, list[str], str | None]]
    ) -> list[tuple[bytes, int]]:
        """One PDF (bytes, pages) per (filler, name, address lines, code), in order."""
        import pikepdf
        import typst

        from app.export.merge.bind import pdf_pages
        from app.export.pdf import render_pdf

        plans = [self._plan(*row) for row in batch]
        overlay_pages: list[list[dict[str, Any]]] = []
        starts: list[int] = []
        size = None
        for plan in plans:
            if plan is None:
                starts.append(-1)
                continue
            layout, values = plan
            size = size or (layout.width, layout.height)
            starts.append(len(overlay_pages))
            pages: list[list[dict[str, Any]]] = [[] for _ in range(layout.pages)]
            for it in layout.items:
                pages[it.page].append(
                    {
                        "x": it.x,
                        "y": it.y,
                        "font": it.font,
                        "size": it.size,
                        "weight": it.weight,
                        "italic": it.italic,
                        "color": it.color,
                        "text": values[it.field] + it.tail,
                    }
                )
            overlay_pages.extend(pages)
        overlay = None
        if overlay_pages and size:
            data = json.dumps({"width": size[0], "height": size[1], "pages": overlay_pages})
            pdf_bytes = typst.compile(OVERLAY.encode(), sys_inputs={"data": data})
            overlay = pikepdf.open(io.BytesIO(pdf_bytes))
        out: list[tuple[bytes, int]] = []
        for row, plan, start in zip(batch, plans, starts, strict=True):
            if plan is None or overlay is None:
                self.fallbacks += 1
                filler, name, address, code = row
                data_ = render_pdf(filler.document(name, address, code), page_size=self.page_size)  # type: ignore[arg-type]
                out.append((data_, pdf_pages(data_)))
                continue
            layout = plan[0]
            letter = pikepdf.new()
            letter.pages.extend(layout.pdf.pages)
            for i in range(layout.pages):
                if any(it.page == i for it in layout.items):
                    stamp(letter, letter.pages[i], overlay.pages[start + i])
            buf = io.BytesIO()
            letter.docinfo = letter.copy_foreign(layout.pdf.docinfo)
            letter.save(buf)
            out.append((buf.getvalue(), layout.pages))
        return out
