"""Synthetic recipients and merge plans for mail-merge tests and benchmarks (no real people).

`write_recipients(path, n, states)` streams `n` rows to a CSV (never holding them in memory),
cycling through `states`; `bad_rows` adds one row per reject reason. `write_rows(path, rows)` writes
a few hand-made rows (`person(id, region, ...)`). `letter_text(variant)` is a
short approved-looking letter that uses both merge fields and names its variant in the body, so a
test can tell from a file's content which variant it got.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from app.export.merge import MergePlan, VariantLetter

COLUMNS = [
    "recipient_id",
    "name",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postal_code",
    "country",
    "activation_code",
]

EMAIL_COLUMNS = [*COLUMNS, "email"]  # the e-mail channel's recipients file

STATES_12 = [
    "US-CA",
    "US-MA",
    "US-NY",
    "US-TX",
    "US-FL",
    "US-IL",
    "US-WA",
    "US-PA",
    "US-OH",
    "US-GA",
    "US-NC",
    "US-MI",
]

# Bad rows: (row, expected reason code)
BAD_ROWS: list[tuple[dict[str, str], str]] = [
    (
        {
            "recipient_id": "bad-nostate",
            "name": "No State",
            "address_line1": "1 Main St",
            "city": "Springfield",
            "region": "",
            "postal_code": "00000",
            "country": "US",
            "activation_code": "X1",
        },
        "missing_state",
    ),
    (
        {
            "recipient_id": "bad-unknown",
            "name": "Unknown State",
            "address_line1": "2 Main St",
            "city": "Springfield",
            "region": "ZZ",
            "postal_code": "00000",
            "country": "US",
            "activation_code": "X2",
        },
        "unknown_state",
    ),
    (
        {
            "recipient_id": "bad-noaddr",
            "name": "No Address",
            "address_line1": "",
            "city": "",
            "region": "CA",
            "postal_code": "90001",
            "country": "US",
            "activation_code": "X3",
        },
        "missing_address",
    ),
    (
        {
            "recipient_id": "bad-nocode",
            "name": "No Code",
            "address_line1": "4 Main St",
            "city": "Boston",
            "region": "MA",
            "postal_code": "02101",
            "country": "US",
            "activation_code": "",
        },
        "missing_activation_code",
    ),
    (
        {
            "recipient_id": "",
            "name": "No Id",
            "address_line1": "5 Main St",
            "city": "Austin",
            "region": "TX",
            "postal_code": "73301",
            "country": "US",
            "activation_code": "X5",
        },
        "missing_id",
    ),
    (
        {
            "recipient_id": "bad-country",
            "name": "Nowhere",
            "address_line1": "6 Rue",
            "city": "Paris",
            "region": "",
            "postal_code": "75001",
            "country": "Atlantis",
            "activation_code": "X6",
        },
        "unknown_country",
    ),
]

# The headings California requires in its letters (Cal. Civ. Code 1798.82(d)), below the title
# "Notice of Data Breach".
CA_HEADINGS = [
    "What Happened",
    "What Information Was Involved",
    "What We Are Doing",
    "What You Can Do",
    "For More Information",
]

STREETS = ["Oak Ave", "Maple St", "Cedar Rd", "Pine Ln", "Elm Ct", "Birch Way"]


def variant_id(code: str) -> str:
    """Variant id of a state in these plans: one variant per state (`US-CA` -> `us-ca`)."""
    return code.replace("US-", "us-").lower()


def letter_text(vid: str, *, code: bool = True) -> str:
    """A small letter that names its variant; CA-style headings for us-ca."""
    title = "# Notice of Data Breach"
    headings = CA_HEADINGS
    body = [
        title,
        "",
        "Dear [[recipient: name]],",
        "",
        f"Variant marker: VARIANT-{vid.upper()}.",
        "",
    ]
    if vid == "us-ma":
        body += ["## What You Can Do", "You may place a security freeze at no charge.", ""]
    else:
        for h in headings:
            body += [f"## {h}", f"Text for {h.lower()} in {vid}.", ""]
    if code:
        body += ["Your activation code is **[[recipient: activation_code]]**.", ""]
    body += ["Sincerely,", "Example Co."]
    return "\n".join(body) + "\n"


def plan_for(states: list[str], *, approved: bool = True, code: bool = True) -> MergePlan:
    """One approved variant per state."""
    return MergePlan(
        {
            s: VariantLetter(
                variant_id(s),
                letter_text(variant_id(s), code=code),
                approved=approved,
                version_hash=f"hash-{variant_id(s)}",
                organisation="Example Co.",
            )
            for s in states
        }
    )


def write_recipients(
    path: Path, n: int, states: list[str] = STATES_12, *, bad: bool = False, duplicates: int = 0
) -> dict[str, str]:
    """Write `n` good rows (+ bad rows); return nothing big: {state: count} as str keys."""
    counts: dict[str, int] = {}
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        for i in range(n):
            st = states[i % len(states)]
            counts[st] = counts.get(st, 0) + 1
            w.writerow(
                [
                    f"r{i:07d}",
                    f"Person {i} Example",
                    f"{100 + i % 900} {STREETS[i % len(STREETS)]}",
                    "Apt 2" if i % 7 == 0 else "",
                    f"City{i % 50}",
                    st[3:],
                    f"{10000 + i % 89999:05d}",
                    "US",
                    f"AC-{i:07d}",
                ]
            )
        if bad:
            for row, _ in BAD_ROWS:
                w.writerow([row.get(c, "") for c in COLUMNS])
        for j in range(duplicates):
            w.writerow(
                [f"r{j:07d}", "Dup Person", "9 Dup St", "", "Dupville", "CA", "90001", "US", "AC-D"]
            )
    return counts  # type: ignore[return-value]


def person(rid: str, region: str, **fields: str) -> dict[str, str]:
    """One good recipient row in `region` (a US state's two letters unless `country` says otherwise);
    `fields` override the defaults a test does not care about."""
    return {
        "recipient_id": rid,
        "name": f"Name {rid}",
        "address_line1": "1 Main St",
        "city": "Springfield",
        "region": region,
        "postal_code": "12345",
        "country": "US",
        "activation_code": f"AC-{rid}",
    } | fields


def write_rows(
    path: Path, rows: Iterable[dict[str, str]], columns: Sequence[str] = COLUMNS
) -> Path:
    """Write recipient rows (dicts; a missing column is left empty) under a `columns` header."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        _write(fh, rows, columns)
    return path


def upload(
    codes: Sequence[str], n: int, *, prefix: str = "r", names: str = "Pat Sample", bad: int = 0
) -> bytes:
    """A small recipients file as uploaded bytes: `n` people in Porttown spread over the residence
    `codes` (`US-CA` ...), ids `{prefix}0`..., then `bad` rows without a state (ids `bad1`...)."""
    rows = [
        person(
            f"{prefix}{i}",
            codes[i % len(codes)][3:],
            name=f"{names} {i}",
            address_line1=f"{i} Harbor Rd",
            city="Porttown",
            postal_code="97209",
            activation_code=f"HP-{i:05d}",
        )
        for i in range(n)
    ]
    rows += [
        person(
            f"bad{i}", "", name="No State", address_line1="1 Rd", city="Town", postal_code="00000"
        )
        for i in range(1, bad + 1)
    ]
    out = io.StringIO()
    _write(out, rows, COLUMNS)
    return out.getvalue().encode()


def _write(fh: Any, rows: Iterable[dict[str, str]], columns: Sequence[str]) -> None:
    w = csv.DictWriter(fh, fieldnames=list(columns), restval="")
    w.writeheader()
    w.writerows(rows)
