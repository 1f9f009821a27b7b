"""One recipients row: the CSV header check, residence and address of a row, and filling a letter for it."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from app.domain.regions import RESIDENCE_CODES, US_STATES
from app.export.document import ExportDocument
from app.export.merge.bind import pdf_pages
from app.export.merge.plan import MERGE_FIELD, MergeError, MergePlan, VariantLetter

REQUIRED_COLUMNS = ("recipient_id", "name", "address_line1", "city", "postal_code", "country")


def check_columns(name: str, header: list[str]) -> None:
    """Refuse a recipients CSV whose header lacks a required column (names every missing one)."""
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if "region" not in header and "state" not in header:
        missing.append("region (or state)")
    if missing:
        raise MergeError(f"{name}: missing columns: {', '.join(missing)}")


_US_NAMES = {name.lower(): code for code, name in US_STATES.items()}
_COUNTRY_NAMES = {
    name.lower(): code for code, name in RESIDENCE_CODES.items() if not code.startswith("US-")
}
_US_ALIASES = {"", "US", "USA", "U.S.", "U.S.A.", "UNITED STATES", "UNITED STATES OF AMERICA"}


class Reject(Exception):
    """A row that cannot be produced: ``code`` (stable) and ``reason`` (a sentence)."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


def _short(value: str) -> str:
    value = " ".join(value.split())
    return value if len(value) <= 24 else value[:21] + "..."


def residence_of(row: Mapping[str, str | None]) -> str:
    """Return the residence code of a row from ``region``/``state`` and ``country``.

    Raises :class:`Reject` when the state or country is missing or unknown.
    """
    region = (row.get("region") or row.get("state") or "").strip()
    country = (row.get("country") or "").strip()
    cu = country.upper()
    if cu in _US_ALIASES:
        if not region:
            raise Reject("missing_state", "no state: a US address needs its state")
        ru = region.upper()
        code = ru if ru.startswith("US-") else f"US-{ru}"
        if code in US_STATES:
            return code
        if region.lower() in _US_NAMES:
            return _US_NAMES[region.lower()]
        raise Reject("unknown_state", f"unknown US state {_short(region)!r}")
    code = cu if cu in RESIDENCE_CODES else _COUNTRY_NAMES.get(country.lower(), "")
    if not code:
        raise Reject("unknown_country", f"unknown country {_short(country)!r}")
    sub = f"{code}-{region.upper()}"
    return sub if sub in RESIDENCE_CODES else code


def language_of(row: Mapping[str, str | None]) -> str:
    """The recipient's language from the optional `language` column: `es`, `es-MX`, `ES` -> `es`;
    empty or absent -> `en`."""
    value = (row.get("language") or "").strip().lower().replace("_", "-")
    return value.split("-")[0] or "en"


def clean(value: str | None) -> str:
    """One line of plain text: whitespace collapsed, markup and merge brackets removed."""
    text = " ".join((value or "").split())
    return text.replace("[", "(").replace("]", ")").replace("*", "")


def address_lines(row: Mapping[str, str | None], residence: str) -> list[str]:
    """Postal address lines (after the name) of a row."""
    lines = [clean(row.get("address_line1")), clean(row.get("address_line2"))]
    region = (
        residence[3:]
        if residence.startswith("US-")
        else clean(row.get("region") or row.get("state"))
    )
    city = clean(row.get("city"))
    postal = clean(row.get("postal_code"))
    if residence.startswith("US-"):
        lines.append(f"{city}, {region} {postal}".strip().strip(","))
    else:
        lines.append(" ".join(p for p in (postal, city, region) if p))
        lines.append(RESIDENCE_CODES.get(residence.split("-")[0], residence).upper())
    return [ln for ln in lines if ln]


class Filler:
    """Fill a letter's merge fields by joining pre-split segments (no regex per recipient)."""

    def __init__(self, letter: VariantLetter):
        self.letter = letter
        self.parts = MERGE_FIELD.split(letter.text)  # text, field, text, field, ...
        self.needs_code = "activation_code" in letter.fields

    def document(self, name: str, address: list[str], code: str | None) -> ExportDocument:
        """The letter of one recipient, merge fields filled."""
        values = {"name": name, "activation_code": code or ""}
        parts = self.parts
        text = "".join(p if i % 2 == 0 else values[p] for i, p in enumerate(parts))
        lt = self.letter
        return ExportDocument(
            text=text,
            title=lt.title,
            organisation=lt.organisation,
            letterhead=lt.letterhead,
            approved=True,
            version_hash=lt.version_hash,
            enrollment_code=code if self.needs_code else None,
            enroll_by=lt.enroll_by if self.needs_code else None,
            recipient={"name": name, "address_lines": address},
        )


def classify(
    row: Mapping[str, str | None], plan: MergePlan, fillers: Mapping[str, Filler]
) -> tuple[str, Filler, str, list[str], str | None]:
    """Check one row (id already checked): (residence, filler, name, address lines, activation
    code), or raise :class:`Reject` with the reason the row cannot get a letter."""
    residence = residence_of(row)
    letter = plan.letter_for(residence, language_of(row))
    if letter is None:
        raise Reject("no_variant", f"no letter variant for residence {residence}")
    refused = plan.refusals.get(residence)
    if refused is not None:
        raise Reject(*refused)
    name = clean(row.get("name"))
    if not name:
        raise Reject("missing_name", "no name")
    if not clean(row.get("address_line1")) or not clean(row.get("city")):
        raise Reject("missing_address", "missing address (address_line1 and city are required)")
    filler = fillers[letter.variant_id]
    code = clean(row.get("activation_code")) or None
    if filler.needs_code and not code:
        raise Reject(
            "missing_activation_code",
            f"letter {letter.variant_id} needs an activation code; row has none",
        )
    return residence, filler, name, address_lines(row, residence), code


def renderer(fmt: str, page_size: str) -> Callable[[ExportDocument], tuple[bytes, int | None]]:
    """A function rendering a document to (bytes, page count or None) in `fmt`."""
    if fmt == "text":
        from app.export.text import render_text

        return lambda doc: (render_text(doc).encode("utf-8"), None)
    from app.export.pdf import render_pdf

    def pdf(doc: ExportDocument) -> tuple[bytes, int | None]:
        data = render_pdf(doc, page_size=page_size)  # type: ignore[arg-type]
        return data, pdf_pages(data)

    return pdf
